#pragma once
// The entries after the latest snapshot, held in memory (raft::Storage's contract: reads of the log
// never touch the disk). The WAL keeps one up to date as it writes, and rebuilds one on recovery.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "raft/entry_queue.h"
#include "raft/types.h"
#include "wal/segment_format.h"

namespace rq::wal {

class MemoryLog {
public:
    explicit MemoryLog(SnapshotPoint snapshot = {}) : snapshot_(snapshot) {}

    [[nodiscard]] SnapshotPoint snapshot() const { return snapshot_; }
    [[nodiscard]] raft::Index first_index() const { return snapshot_.index + 1; }
    [[nodiscard]] raft::Index last_index() const { return snapshot_.index + entries_.size(); }
    [[nodiscard]] bool empty() const { return entries_.empty(); }
    [[nodiscard]] std::uint64_t size_bytes() const { return size_bytes_; }

    // The term of entry `index` for index in [first_index() - 1, last_index()] (the snapshot's term
    // for first_index() - 1); asserts otherwise.
    [[nodiscard]] raft::Term term(raft::Index index) const;
    [[nodiscard]] const raft::Entry& at(raft::Index index) const;
    // As raft::Storage::entries: [low, high) within max_bytes, at least one entry when low < high.
    [[nodiscard]] std::vector<raft::Entry> entries(raft::Index low, raft::Index high, std::uint64_t max_bytes) const;
    [[nodiscard]] std::span<const raft::Entry> all() const { return entries_.view(); }

    // Why `entry` cannot be appended, or nullopt if it can: its index must be in
    // [first_index(), last_index() + 1] and its term positive and not below its predecessor's.
    [[nodiscard]] std::optional<std::string> append_problem(const raft::Entry& entry) const;
    // Appends `entry`, first dropping the entries from its index on (Raft overwrites a conflicting
    // suffix, thesis 3.5). Asserts append_problem() is nullopt.
    void append(raft::Entry entry);

    // Moves the start of the log to `snapshot` (thesis 5.1, Figure 5.3 steps 6 and 7): if the log
    // holds the snapshot's last entry with the same term, the entries after it are kept, otherwise
    // the whole log is dropped. Asserts the snapshot is not older than the current one.
    void apply_snapshot(SnapshotPoint snapshot);

private:
    SnapshotPoint snapshot_;
    raft::EntryQueue entries_;
    std::uint64_t size_bytes_ = 0;
};

}  // namespace rq::wal
