#pragma once
// What the core hands to its driver after inputs: state to persist, messages to send, entries to
// apply. The driver handles one Ready at a time, in this order, then calls Node::advance():
//
//   1. Persist: snapshot_chunks (append to the incoming snapshot), then snapshot (install it: make it
//      the node's snapshot, restore the state machine from it, drop the log it covers), then entries
//      (append; an entry at an index already held replaces it and everything after it), then
//      hard_state. If must_sync, make all of it durable (fsync) before step 2.
//   2. Send messages. Every message may depend on step 1 being durable (a vote, an acknowledged
//      append), so none may leave earlier.
//   3. Apply committed_entries to the state machine, in order (all are durable on this node).
//   4. Serve read_states once the state machine has applied at least their index.
//   5. Call Node::advance().
//
// Inputs (step, tick, propose, ...) may be given to the node between ready() and advance(); a second
// ready() must wait for advance().

#include <cstdint>
#include <optional>
#include <vector>

#include "raft/message.h"
#include "raft/types.h"

namespace rq::raft {

enum class Role : std::uint8_t { follower, pre_candidate, candidate, leader };

const char* role_name(Role role);

// Volatile state that needs no persistence, reported when it changes.
struct SoftState {
    NodeId leader = no_node;
    Role role = Role::follower;
    bool operator==(const SoftState&) const = default;
};

// A ReadIndex request (Node::read_index) whose index is confirmed: the read may be served once the
// state machine has applied `index` (thesis 6.4).
struct ReadState {
    std::uint64_t read_id = 0;
    Index index;
    bool operator==(const ReadState&) const = default;
};

struct Ready {
    std::optional<SoftState> soft_state;
    std::optional<HardState> hard_state;
    std::vector<SnapshotChunk> snapshot_chunks;  // pieces of a snapshot being received, in order
    std::optional<SnapshotMetadata> snapshot;    // the received snapshot is complete: install it
    std::vector<Entry> entries;
    bool must_sync = false;
    std::vector<Message> messages;
    std::vector<Entry> committed_entries;
    std::vector<ReadState> read_states;

    [[nodiscard]] bool empty() const {
        return !soft_state && !hard_state && snapshot_chunks.empty() && !snapshot && entries.empty() &&
               messages.empty() && committed_entries.empty() && read_states.empty();
    }
};

}  // namespace rq::raft
