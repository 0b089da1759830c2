#pragma once
// A reference model of what the WAL may hold after a crash: a plain vector of entries, and the set of
// states recovery may legitimately return. Every write adds the state after each of its records
// (a crash can keep any prefix of unsynced records, a failed write any prefix of its own); a
// successful sync acknowledges the current state and forgets the older candidates.

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "raft/types.h"
#include "wal/segment_format.h"

namespace rq::wal::testing {

struct DurableState {
    raft::HardState hard_state;
    SnapshotPoint snapshot;
    std::vector<raft::Entry> entries;  // after the snapshot, contiguous
    bool operator==(const DurableState&) const = default;

    [[nodiscard]] raft::Index last_index() const { return snapshot.index + entries.size(); }
    [[nodiscard]] raft::Term term_at(raft::Index index) const {
        if (index == snapshot.index) return snapshot.term;
        return entries[static_cast<std::size_t>(index - snapshot.index - 1)].term;
    }
};

inline std::string describe(const DurableState& state) {
    std::ostringstream out;
    out << "hard_state{term " << state.hard_state.term << " vote " << state.hard_state.vote << " commit "
        << state.hard_state.commit << "} snapshot{" << state.snapshot.index << "@" << state.snapshot.term << "} entries[";
    for (const auto& entry : state.entries) out << " " << entry.index << "@" << entry.term;
    out << " ]";
    return out.str();
}

inline void apply_entry(DurableState& state, const raft::Entry& entry) {
    while (!state.entries.empty() && state.entries.back().index >= entry.index) state.entries.pop_back();
    state.entries.push_back(entry);
}

// Raft's rule for installing a snapshot (the same as MemoryLog::apply_snapshot, written plainly).
inline void apply_snapshot(DurableState& state, SnapshotPoint snapshot) {
    if (snapshot.index <= state.snapshot.index) return;
    const bool keeps_suffix = snapshot.index <= state.last_index() && state.term_at(snapshot.index) == snapshot.term;
    std::vector<raft::Entry> kept;
    if (keeps_suffix) {
        for (const auto& entry : state.entries) {
            if (entry.index > snapshot.index) kept.push_back(entry);
        }
    }
    state.entries = std::move(kept);
    state.snapshot = snapshot;
}

class ReferenceModel {
public:
    ReferenceModel() : candidates_{DurableState{}} {}

    [[nodiscard]] const DurableState& current() const { return current_; }

    void append(const std::vector<raft::Entry>& entries) {
        for (const auto& entry : entries) {
            apply_entry(current_, entry);
            candidates_.push_back(current_);
        }
    }
    void save_hard_state(const raft::HardState& state) {
        current_.hard_state = state;
        candidates_.push_back(current_);
    }
    // The snapshot's file is durable: whatever the WAL recovers, the snapshot is applied to it.
    void snapshot_durable(SnapshotPoint snapshot) {
        apply_snapshot(current_, snapshot);
        for (auto& candidate : candidates_) apply_snapshot(candidate, snapshot);
    }
    // Finishing the snapshot failed part-way: it may or may not have become durable.
    void snapshot_maybe_durable(SnapshotPoint snapshot) {
        const std::size_t count = candidates_.size();
        for (std::size_t i = 0; i < count; ++i) {
            DurableState with_snapshot = candidates_[i];
            apply_snapshot(with_snapshot, snapshot);
            candidates_.push_back(std::move(with_snapshot));
        }
    }
    void acknowledge() { candidates_ = {current_}; }

    [[nodiscard]] bool allows(const DurableState& recovered) const {
        return std::find(candidates_.begin(), candidates_.end(), recovered) != candidates_.end();
    }
    [[nodiscard]] std::string describe_candidates() const {
        std::string out;
        for (const auto& candidate : candidates_) out += "  " + describe(candidate) + "\n";
        return out;
    }
    void restart_from(const DurableState& recovered) {
        current_ = recovered;
        candidates_ = {recovered};
    }

private:
    DurableState current_;
    std::vector<DurableState> candidates_;
};

}  // namespace rq::wal::testing
