#pragma once
// raft::Storage on disk: the WAL (<directory>/wal) and the snapshot files (<directory>/snapshots)
// of one node, opened together so that they agree, plus the writes a driver makes for step 1 of a
// Ready (raft/ready.h): snapshot chunks, an installed snapshot, entries and hard state, then sync.
//
// Reads of the log and hard state come from memory; read_snapshot reads (and verifies) the
// snapshot file through the Disk, so it can fail.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "env/disk.h"
#include "raft/message.h"
#include "raft/storage.h"
#include "wal/snapshot_store.h"
#include "wal/wal.h"

namespace rq::wal {

struct DurableStorageOptions {
    WalOptions wal;
    SnapshotStoreOptions snapshots;
};

class DurableStorage final : public raft::Storage {
public:
    // Opens the snapshot store first (the newest valid snapshot), then the WAL against it (see
    // Wal::open: a WAL that depends on a missing snapshot is an error, not a silent loss).
    static Result<std::unique_ptr<DurableStorage>> open(env::Disk& disk, const std::string& directory,
                                                        DurableStorageOptions options = {});

    // raft::Storage
    [[nodiscard]] raft::HardState hard_state() const override { return wal_->hard_state(); }
    [[nodiscard]] raft::SnapshotMetadata snapshot_metadata() const override;
    [[nodiscard]] raft::Index first_index() const override { return wal_->log().first_index(); }
    [[nodiscard]] raft::Index last_index() const override { return wal_->log().last_index(); }
    [[nodiscard]] raft::Term term(raft::Index index) const override { return wal_->log().term(index); }
    [[nodiscard]] std::vector<raft::Entry> entries(raft::Index low, raft::Index high,
                                                   std::uint64_t max_bytes) const override {
        return wal_->log().entries(low, high, max_bytes);
    }
    [[nodiscard]] std::uint64_t snapshot_size() const override { return current_ ? current_->data_bytes : 0; }
    [[nodiscard]] Result<std::string> read_snapshot(std::uint64_t offset, std::uint64_t max_bytes) const override;

    // --- Persisting a Ready, in this order. ---
    // A piece of a snapshot from the leader; offset 0 starts (or restarts) the incoming snapshot.
    Status save_snapshot_chunk(const raft::SnapshotChunk& chunk);
    // The incoming snapshot is complete: finish its file durably and install it.
    Status install_received_snapshot(const raft::SnapshotMetadata& metadata);
    Status save(std::span<const raft::Entry> entries, const std::optional<raft::HardState>& state) {
        return wal_->save(entries, state);
    }
    // Group commit: everything saved since the last sync becomes durable.
    Status sync() { return wal_->sync(); }

    // --- A snapshot taken locally. ---
    // Write its data through the writer, finish() it, then install_snapshot() the result.
    Result<std::unique_ptr<SnapshotWriter>> begin_snapshot(const raft::SnapshotMetadata& metadata) {
        return snapshots_->begin(metadata);
    }
    // Makes a finished snapshot the node's snapshot: compacts the WAL to it (durable at the next
    // sync) and prunes old snapshot files (best effort: a failure there is retried next time).
    Status install_snapshot(const SnapshotInfo& info);

    [[nodiscard]] Wal& wal() { return *wal_; }
    [[nodiscard]] SnapshotStore& snapshots() { return *snapshots_; }
    [[nodiscard]] const std::optional<SnapshotInfo>& current_snapshot() const { return current_; }

private:
    DurableStorage(env::Disk& disk, std::unique_ptr<SnapshotStore> snapshots, std::unique_ptr<Wal> wal);

    env::Disk& disk_;
    std::unique_ptr<SnapshotStore> snapshots_;
    std::unique_ptr<Wal> wal_;
    std::optional<SnapshotInfo> current_;
    std::unique_ptr<SnapshotWriter> incoming_;
    mutable std::unique_ptr<SnapshotReader> reader_;  // of current_, opened on first read
};

}  // namespace rq::wal
