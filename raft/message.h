#pragma once
// Messages between Raft nodes. Plain values; the transport serialises them (Cap'n Proto), the core
// only creates and consumes them. Every message carries the sender's term (thesis 3.3); a pre-vote
// request carries the term the sender would campaign in, without having entered it (thesis 9.6).

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "raft/types.h"

namespace rq::raft {

// A candidate or pre-candidate asks for a vote (thesis 3.4, 9.6).
struct VoteRequest {
    bool pre_vote = false;
    // Set when the campaign follows a leadership transfer: voters must not ignore it because they
    // recently heard from the (stepping down) leader (thesis 3.10).
    bool leadership_transfer = false;
    Index last_log_index;
    Term last_log_term;
    bool operator==(const VoteRequest&) const = default;
};

struct VoteResponse {
    bool pre_vote = false;
    bool granted = false;
    bool operator==(const VoteResponse&) const = default;
};

// Leader to follower: entries following (prev_index, prev_term) and the leader's commit index.
struct AppendRequest {
    Index prev_index;
    Term prev_term;
    std::vector<Entry> entries;
    Index commit;
    bool operator==(const AppendRequest&) const = default;
};

// On success `index` is the last index the follower now holds matching the leader's log.
// On rejection `index` is the rejected prev_index and (hint_index, hint_term) let the leader skip a
// whole term of conflicting entries at once (thesis 5.3, etcd's findConflictByTerm).
struct AppendResponse {
    bool rejected = false;
    Index index;
    Index hint_index;
    Term hint_term;
    bool operator==(const AppendResponse&) const = default;
};

// Leader to follower: liveness, the commit index the follower can safely use (at most its match), and
// the newest read round the leader wants confirmed (ReadIndex, thesis 6.4).
struct Heartbeat {
    Index commit;
    std::uint64_t read_round = 0;
    bool operator==(const Heartbeat&) const = default;
};

struct HeartbeatResponse {
    std::uint64_t read_round = 0;
    bool operator==(const HeartbeatResponse&) const = default;
};

// One piece of a snapshot (thesis 5.3: InstallSnapshot, sent in chunks). Chunks are sent in offset
// order; the follower accepts only the next expected offset.
struct SnapshotChunk {
    SnapshotMetadata metadata;
    std::uint64_t total_bytes = 0;
    std::uint64_t offset = 0;
    std::string data;
    [[nodiscard]] bool is_last() const { return offset + data.size() == total_bytes; }
    bool operator==(const SnapshotChunk&) const = default;
};

// The follower's acknowledgement: the offset it expects next, or `installed` once the whole
// snapshot is durable and installed. `rewind` asks the leader to send from next_offset on, whatever
// it sent or counted as acknowledged before: back after a lost chunk or a restarted follower,
// forward past chunks the follower already holds (a duplicate). `rejected` means it does not need this snapshot (its log
// already matches up to `index`, which is at least the snapshot's index).
struct SnapshotResponse {
    Index snapshot_index;
    std::uint64_t next_offset = 0;
    bool installed = false;
    bool rewind = false;
    bool rejected = false;
    Index index;
    bool operator==(const SnapshotResponse&) const = default;
};

// Leader to the target of a leadership transfer: campaign now (thesis 3.10).
struct TimeoutNow {
    bool operator==(const TimeoutNow&) const = default;
};

// Follower to leader: please confirm a read index for my read `read_id` (thesis 6.4).
struct ReadIndexRequest {
    std::uint64_t read_id = 0;
    bool operator==(const ReadIndexRequest&) const = default;
};

struct ReadIndexResponse {
    std::uint64_t read_id = 0;
    Index index;
    bool operator==(const ReadIndexResponse&) const = default;
};

using MessagePayload = std::variant<VoteRequest, VoteResponse, AppendRequest, AppendResponse, Heartbeat,
                                    HeartbeatResponse, SnapshotChunk, SnapshotResponse, TimeoutNow,
                                    ReadIndexRequest, ReadIndexResponse>;

struct Message {
    NodeId from;
    NodeId to;
    Term term;
    MessagePayload payload;

    [[nodiscard]] std::uint64_t size_bytes() const;
    bool operator==(const Message&) const = default;
};

}  // namespace rq::raft
