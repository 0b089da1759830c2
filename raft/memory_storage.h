#pragma once
// An in-memory Storage for tests, benchmarks and property runs: what the WAL does on disk, minus the
// disk. The caller persists a Ready into it (append, set_hard_state, install_snapshot) before
// Node::advance(), exactly as the driver does with the WAL.

#include <string>
#include <vector>

#include "raft/storage.h"

namespace rq::raft {

class MemoryStorage final : public Storage {
public:
    [[nodiscard]] HardState hard_state() const override { return hard_state_; }
    [[nodiscard]] SnapshotMetadata snapshot_metadata() const override { return snapshot_; }
    [[nodiscard]] Index first_index() const override { return snapshot_.index + 1; }
    [[nodiscard]] Index last_index() const override { return snapshot_.index + entries_.size(); }
    [[nodiscard]] Term term(Index index) const override;
    [[nodiscard]] std::vector<Entry> entries(Index low, Index high, std::uint64_t max_bytes) const override;
    [[nodiscard]] std::uint64_t snapshot_size() const override { return snapshot_data_.size(); }
    [[nodiscard]] Result<std::string> read_snapshot(std::uint64_t offset, std::uint64_t max_bytes) const override;

    void set_hard_state(const HardState& state) { hard_state_ = state; }
    // Appends entries, first discarding any held entries at or after entries.front().index.
    void append(const std::vector<Entry>& entries);
    // Replaces everything with a snapshot (a follower installing one it received).
    void install_snapshot(const SnapshotMetadata& metadata, std::string data);
    // The application took a snapshot at `index` (<= last_index): record it and drop entries up to it.
    void compact(Index index, const Configuration& config, std::string data);

    [[nodiscard]] const std::string& snapshot_data() const { return snapshot_data_; }

private:
    HardState hard_state_;
    SnapshotMetadata snapshot_;
    std::string snapshot_data_;
    std::vector<Entry> entries_;  // entries_[i].index == snapshot_.index + 1 + i
};

}  // namespace rq::raft
