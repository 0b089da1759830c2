#pragma once
// The write-ahead log: Raft's entries and hard state in checksummed segment files, with group commit.
//
// Writes (append, save_hard_state, apply_snapshot) go to the active segment at once but are durable
// only after sync(), which covers everything written since the last sync: the driver can write many
// Ready batches and sync once. The log is also kept in memory (from the snapshot on), so reads never
// touch the disk. Any failed disk operation leaves the WAL failed: every later write or sync
// returns that first error, and the owner must reopen it (after a restart) to go on. The on-disk
// format and the recovery rules are in wal/README.md.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "env/disk.h"
#include "raft/types.h"
#include "wal/memory_log.h"
#include "wal/record.h"
#include "wal/segment_format.h"

namespace rq::wal {

struct WalOptions {
    // A segment that reaches this size is closed (synced) and a new one started; one record larger
    // than this still fits in a segment of its own.
    std::uint64_t segment_bytes_max = 64u << 20;

    [[nodiscard]] Status validate() const;
};

class Wal {
public:
    // Opens the WAL in `directory` (creating it if missing) and recovers its state. `snapshot` is the
    // newest snapshot known to be durable (index 0 if none): if the WAL starts before it, the
    // snapshot is applied as apply_snapshot() would; if the WAL starts after it, the snapshot the WAL
    // depends on is missing and open fails. Before returning, open truncates a torn tail, removes
    // obsolete segments and makes the recovered state durable.
    static Result<std::unique_ptr<Wal>> open(env::Disk& disk, std::string directory, SnapshotPoint snapshot,
                                             WalOptions options = {});

    Wal(const Wal&) = delete;
    Wal& operator=(const Wal&) = delete;
    ~Wal();

    // Writes entries (contiguous, in index order) after the log, overwriting the suffix from the
    // first entry's index if it is <= last_index() (Raft's conflicting uncommitted entries). Each
    // entry must satisfy MemoryLog::append_problem (asserted: the Raft core guarantees it).
    // Entries whose data exceed the record limit are rejected with invalid_argument before
    // anything is written.
    Status append(std::span<const raft::Entry> entries);
    Status save_hard_state(const raft::HardState& state);
    // One Ready batch in one write: the entries, then the hard state (so a torn write can never keep
    // a commit index without the entries it covers).
    Status save(std::span<const raft::Entry> entries, const std::optional<raft::HardState>& state);

    // Compaction: the log now starts after `snapshot`, whose data must already be durable. Entries
    // after it are kept if the log holds the snapshot's last entry with the same term; otherwise the
    // whole log is dropped (Raft, thesis 5.1). Starts a new base segment holding the kept entries;
    // the older segments are removed after the next successful sync. A snapshot older than the
    // current one is invalid_argument; the same one is a no-op.
    Status apply_snapshot(SnapshotPoint snapshot);

    // Makes everything written so far durable (the active segment, then its directory entry if new),
    // then removes obsolete segments. After it returns ok, what was written is acknowledged.
    Status sync();

    // The recovered and written state (in memory; includes unsynced writes).
    [[nodiscard]] const MemoryLog& log() const { return log_; }
    [[nodiscard]] const raft::HardState& hard_state() const { return hard_state_; }
    // The first error a disk operation returned, if any (the WAL then refuses further writes).
    [[nodiscard]] const std::optional<Error>& failure() const { return failure_; }
    // Sequence numbers of the segment files in use, oldest first, and the active one's size.
    [[nodiscard]] std::vector<std::uint64_t> segment_sequences() const;
    [[nodiscard]] std::uint64_t active_segment_bytes() const { return active_bytes_; }
    // Repairs done by open (torn tail truncated, segments removed), for the log.
    [[nodiscard]] const std::vector<std::string>& recovery_notes() const { return recovery_notes_; }

private:
    Wal(env::Disk& disk, std::string directory, WalOptions options);

    Status recover(SnapshotPoint snapshot);
    Status repair(const struct RecoveredWal& recovered);
    Status check_usable() const;
    Status fail(const Error& error);
    Status write_records(std::string_view records);
    Status add_record(RecordType type, std::string_view prefix, std::string_view rest);
    void release_large_pending();
    Status roll_to_continuation();
    Status start_base_segment();
    std::string path_of(std::uint64_t sequence) const;
    Status remove_obsolete_segments();

    env::Disk& disk_;
    std::string directory_;
    WalOptions options_;
    MemoryLog log_;
    raft::HardState hard_state_;
    std::optional<Error> failure_;
    std::vector<std::string> recovery_notes_;

    // The segments of the current history (base first); the last is the active one.
    std::vector<std::uint64_t> live_segments_;
    std::unique_ptr<env::File> active_file_;
    std::uint64_t active_bytes_ = 0;
    std::uint64_t active_prologue_bytes_ = 0;  // the active segment's size before its first append
    bool active_unsynced_ = false;
    bool directory_unsynced_ = false;
    // Segments of an older history, to remove once the new base is durable.
    std::vector<std::uint64_t> obsolete_segments_;
    std::uint64_t next_sequence_ = 1;
    // The records of the save() (or new base segment) in progress, reused from one call to the next.
    std::string pending_;
};

}  // namespace rq::wal
