#pragma once
// The core's read-only view of what is durable (etcd-raft's Storage). The core never writes through
// it: every write leaves the core in a Ready batch (node.h), and the driver persists it and then
// updates the storage before calling Node::advance().
//
// Contract: the log is held in memory by the implementation (the WAL keeps entries from the latest
// snapshot on, bounded by the snapshot threshold), so reads of the log cannot fail; reading the
// snapshot's bytes may touch the disk and returns a Result.

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "raft/types.h"

namespace rq::raft {

class Storage {
public:
    virtual ~Storage() = default;

    // The hard state as last persisted.
    [[nodiscard]] virtual HardState hard_state() const = 0;
    // The latest persisted snapshot's metadata; index 0 when there is none.
    [[nodiscard]] virtual SnapshotMetadata snapshot_metadata() const = 0;

    // Entries held are [first_index(), last_index()]; empty when last_index() == first_index() - 1.
    // first_index() == snapshot_metadata().index + 1.
    [[nodiscard]] virtual Index first_index() const = 0;
    [[nodiscard]] virtual Index last_index() const = 0;
    // The term of entry `index`, for index in [first_index() - 1, last_index()]; the entry just
    // before the first is the snapshot's last entry (term 0 when there is no snapshot).
    [[nodiscard]] virtual Term term(Index index) const = 0;
    // Entries [low, high) in order, stopping early once their total size_bytes() would exceed
    // max_bytes, but always at least one entry when low < high. low >= first_index(), high <= last + 1.
    [[nodiscard]] virtual std::vector<Entry> entries(Index low, Index high, std::uint64_t max_bytes) const = 0;

    // Total size in bytes of the snapshot's data (snapshot_metadata()), and a piece of it.
    // Reading may fail (I/O); the core then retries later.
    [[nodiscard]] virtual std::uint64_t snapshot_size() const = 0;
    [[nodiscard]] virtual Result<std::string> read_snapshot(std::uint64_t offset, std::uint64_t max_bytes) const = 0;
};

}  // namespace rq::raft
