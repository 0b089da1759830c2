#pragma once
// The node's log: the durable part read through Storage, plus an unstable tail of entries (and
// possibly a received snapshot) not yet persisted (etcd's raftLog + unstable). Also tracks the
// commit and apply points and the configuration history: the configuration in effect is the one in
// the latest config entry of the log, committed or not (thesis 4.1).

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "raft/entry_queue.h"
#include "raft/storage.h"
#include "raft/types.h"

namespace rq::raft {

class RaftLog {
public:
    // Loads the durable state: snapshot, log, commit point and the configuration history.
    // `applied` is how far the application's state machine already is (at least the snapshot).
    RaftLog(const Storage& storage, Index applied);

    [[nodiscard]] Index first_index() const;
    [[nodiscard]] Index last_index() const;
    [[nodiscard]] Term last_term() const { return *term(last_index()); }
    // The term of entry `index`, or nullopt when it is compacted away or beyond the end.
    [[nodiscard]] std::optional<Term> term(Index index) const;
    [[nodiscard]] bool match_term(Index index, Term term) const;
    // Thesis 3.6.1: is a candidate's log at least as up-to-date as ours?
    [[nodiscard]] bool is_up_to_date(Index last_index, Term last_term) const;
    // The largest index <= index whose term is <= term, with that term (fast backtracking, thesis
    // 5.3 / etcd findConflictByTerm). Stops at the compaction point.
    [[nodiscard]] std::pair<Index, Term> find_conflict_by_term(Index index, Term term) const;

    // Entries [low, last] limited to max_bytes (at least one). low must not be compacted.
    [[nodiscard]] std::vector<Entry> entries_from(Index low, std::uint64_t max_bytes) const;
    [[nodiscard]] std::vector<Entry> slice(Index low, Index high, std::uint64_t max_bytes) const;

    // The leader appends its own new entries after the last one.
    void append(std::vector<Entry> entries);
    // A follower's AppendEntries consistency check and append (thesis 3.5). Returns the index of
    // the last new entry when (prev_index, prev_term) matches, nullopt otherwise. Conflicting
    // uncommitted entries are replaced.
    std::optional<Index> maybe_append(Index prev_index, Term prev_term, const std::vector<Entry>& entries);

    [[nodiscard]] Index committed() const { return committed_; }
    [[nodiscard]] Index applied() const { return applied_; }
    void commit_to(Index index);
    void applied_to(Index index);

    // Replaces the log with a received snapshot (unstable until persisted).
    void restore(const SnapshotMetadata& snapshot);

    [[nodiscard]] const Configuration& configuration() const;
    // Index of the entry that set the configuration in effect (the snapshot's index if none since).
    [[nodiscard]] Index configuration_index() const;
    // The configuration in effect at `index` (set by the latest config entry at or before it);
    // index must not be below the snapshot.
    [[nodiscard]] const Configuration& configuration_at(Index index) const;

    // --- Persistence handshake, used by Node::ready() and Node::advance(). ---
    // Entries not yet handed out for persistence, and marks them handed out.
    std::vector<Entry> take_entries_to_persist();
    // A received snapshot not yet handed out for persistence, and marks it handed out.
    std::optional<SnapshotMetadata> take_snapshot_to_persist();
    [[nodiscard]] bool has_entries_to_persist() const;
    [[nodiscard]] bool has_snapshot_to_persist() const { return unstable_snapshot_ && !snapshot_handed_out_; }
    // The last index that is durable or will be once the handed-out batch is persisted.
    [[nodiscard]] Index last_handed_out_or_stable() const;
    // The caller persisted entries up to (index, term) and the snapshot if any: drop them from the
    // unstable tail (unless they were overwritten since they were handed out).
    void stable_to(Index index, Term term);
    void stable_snapshot_to(Index index);
    // The highest index that is durable on this node.
    [[nodiscard]] Index stable_last_index() const { return unstable_offset_ - 1; }

    // Committed, persisted entries not yet handed to the application, limited to max_bytes.
    [[nodiscard]] std::vector<Entry> next_committed_entries(std::uint64_t max_bytes) const;
    [[nodiscard]] bool has_next_committed_entries() const;

private:
    void truncate_and_append(const std::vector<Entry>& entries, std::size_t from);
    void track_configurations(const std::vector<Entry>& entries, std::size_t from);
    void forget_configurations_from(Index index);
    [[nodiscard]] Index apply_start() const;

    const Storage& storage_;
    // Received snapshot not yet persisted, and the unstable entries following the stable log.
    std::optional<SnapshotMetadata> unstable_snapshot_;
    bool snapshot_handed_out_ = false;
    EntryQueue unstable_;  // unstable_[i].index == unstable_offset_ + i
    Index unstable_offset_;
    Index handed_out_;  // unstable entries up to here were handed out for persistence

    Index committed_;
    Index applied_;

    // Configurations of config entries after the snapshot, in log order, and the snapshot's.
    Configuration base_configuration_;
    Index base_configuration_index_;
    std::vector<std::pair<Index, Configuration>> configurations_;
};

}  // namespace rq::raft
