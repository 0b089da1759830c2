#include "raft/progress.h"

#include <algorithm>

#include "base/assert.h"

namespace rq::raft {

void Inflights::add(Index last_index, std::uint64_t bytes) {
    RQ_ASSERT(entries_.empty() || entries_.back().last_index < last_index, "in-flight indexes must grow");
    entries_.push_back({last_index, bytes});
    bytes_ += bytes;
}

void Inflights::free_up_to(Index index) {
    while (!entries_.empty() && entries_.front().last_index <= index) {
        bytes_ -= entries_.front().bytes;
        entries_.pop_front();
    }
}

void Inflights::free_first() {
    if (entries_.empty()) return;
    bytes_ -= entries_.front().bytes;
    entries_.pop_front();
}

void Inflights::reset() {
    entries_.clear();
    bytes_ = 0;
}

const char* progress_state_name(ProgressState state) {
    switch (state) {
        case ProgressState::probe: return "probe";
        case ProgressState::replicate: return "replicate";
        case ProgressState::snapshot: return "snapshot";
    }
    return "?";
}

bool Progress::paused() const {
    switch (state) {
        case ProgressState::probe: return probe_sent;
        case ProgressState::replicate: return inflights.full();
        case ProgressState::snapshot: return true;
    }
    return true;
}

void Progress::become_probe() {
    // After a snapshot the follower holds at least the snapshot's entries.
    if (state == ProgressState::snapshot) {
        next = std::max(match + 1, snapshot_index + 1);
    } else {
        next = match + 1;
    }
    state = ProgressState::probe;
    probe_sent = false;
    inflights.reset();
    snapshot_index = Index(0);
}

void Progress::become_replicate() {
    state = ProgressState::replicate;
    next = match + 1;
    probe_sent = false;
    inflights.reset();
}

void Progress::become_snapshot(Index index) {
    state = ProgressState::snapshot;
    probe_sent = false;
    inflights.reset();
    snapshot_index = index;
    snapshot_sent_offset = 0;
    snapshot_acked_offset = 0;
    snapshot_acked_at_last_heartbeat = 0;
    snapshot_stalled_heartbeats = 0;
    snapshot_sent_last = false;
    snapshot_resent_from.reset();
}

bool Progress::maybe_update(Index index) {
    bool updated = false;
    if (match < index) {
        match = index;
        updated = true;
        probe_sent = false;
    }
    next = std::max(next, index + 1);
    return updated;
}

bool Progress::maybe_decrease_to(Index rejected, Index match_hint) {
    if (state == ProgressState::replicate) {
        // Rejections of entries at or below match are stale: the follower has since accepted more.
        if (rejected <= match) return false;
        next = match + 1;
        return true;
    }
    // In probe state only the answer to the latest probe (prev == next - 1) is news.
    if (next - 1 != rejected) return false;
    next = std::max(std::min(rejected, match_hint + 1), match + 1);
    probe_sent = false;
    return true;
}

void Progress::sent_entries(Index last_sent, std::uint64_t bytes) {
    RQ_ASSERT(state == ProgressState::replicate);
    next = last_sent + 1;
    inflights.add(last_sent, bytes);
}

}  // namespace rq::raft
