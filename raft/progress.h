#pragma once
// The leader's view of one follower's replication (thesis 10.2.1, etcd's Progress): how far its log
// matches, what to send next, and how much may be in flight before waiting for acknowledgements.

#include <cstdint>
#include <deque>
#include <optional>

#include "raft/types.h"

namespace rq::raft {

// A bounded window of unacknowledged append messages, each remembered by its last index and size.
class Inflights {
public:
    Inflights(std::uint32_t max_messages, std::uint64_t max_bytes) : max_messages_(max_messages), max_bytes_(max_bytes) {}

    void add(Index last_index, std::uint64_t bytes);
    // Forgets every message whose last index is <= index (the follower acknowledged them).
    void free_up_to(Index index);
    // Forgets the oldest message: used when the follower is alive but its acknowledgements were lost.
    void free_first();
    void reset();

    [[nodiscard]] bool full() const { return entries_.size() >= max_messages_ || bytes_ >= max_bytes_; }
    [[nodiscard]] std::size_t count() const { return entries_.size(); }
    [[nodiscard]] std::uint64_t bytes() const { return bytes_; }

private:
    struct InFlight {
        Index last_index;
        std::uint64_t bytes;
    };
    std::deque<InFlight> entries_;
    std::uint64_t bytes_ = 0;
    std::uint32_t max_messages_;
    std::uint64_t max_bytes_;
};

enum class ProgressState : std::uint8_t {
    probe,      // the match point is unknown: one append at a time until the follower accepts one
    replicate,  // the follower is in step: stream appends optimistically, limited by the window
    snapshot,   // the follower needs entries we compacted: stream a snapshot instead
};

const char* progress_state_name(ProgressState state);

struct Progress {
    Progress(Index next_index, std::uint32_t max_messages, std::uint64_t max_bytes)
        : next(next_index), inflights(max_messages, max_bytes) {}

    Index match;  // highest index known to be replicated on the follower
    Index next;   // next index to send
    ProgressState state = ProgressState::probe;
    bool probe_sent = false;     // probe: an append is outstanding; wait for an answer or a heartbeat reply
    bool recent_active = false;  // heard from the follower since the last check-quorum round
    Inflights inflights;
    std::uint64_t acked_read_round = 0;  // the newest ReadIndex round this follower confirmed

    // Snapshot state: which snapshot is being streamed and how far.
    Index snapshot_index;
    std::uint64_t snapshot_sent_offset = 0;
    std::uint64_t snapshot_acked_offset = 0;
    std::uint64_t snapshot_acked_at_last_heartbeat = 0;
    std::uint32_t snapshot_stalled_heartbeats = 0;  // heartbeat replies without transfer progress
    bool snapshot_sent_last = false;
    // Where the leader last resent from (a rewind or a stall). A rewind back to it, with nothing
    // acknowledged past it since, asks for chunks already on their way and is ignored.
    std::optional<std::uint64_t> snapshot_resent_from;

    [[nodiscard]] bool paused() const;

    void become_probe();
    void become_replicate();
    void become_snapshot(Index index);

    // An append up to `index` was accepted. Returns whether match moved forward.
    bool maybe_update(Index index);
    // An append with prev `rejected` was refused; the follower's log may match up to `match_hint`.
    // Returns whether the rejection was news (not a stale, already handled one).
    bool maybe_decrease_to(Index rejected, Index match_hint);
    // Replicate state: entries up to `last_sent` are on their way.
    void sent_entries(Index last_sent, std::uint64_t bytes);
};

}  // namespace rq::raft
