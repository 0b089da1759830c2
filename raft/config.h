#pragma once
// Configuration of one Raft node. Every limit is a named field; validate() rejects nonsense with an
// error instead of asserting, so a bad flag becomes a clear message at start-up.

#include <cstdint>

#include "base/planted_bug.h"
#include "base/result.h"
#include "raft/types.h"

namespace rq::raft {

struct Config {
    NodeId id = no_node;

    // Time is counted in ticks: the caller calls Node::tick() at a fixed interval.
    // A follower that hears nothing from a leader for a randomised timeout in
    // [election_timeout_ticks, 2 * election_timeout_ticks) starts an election (thesis 3.4).
    std::uint32_t election_timeout_ticks = 10;
    // A leader sends heartbeats this often; must be well below the election timeout.
    std::uint32_t heartbeat_interval_ticks = 1;
    // A leadership transfer that has not completed after this many ticks is abandoned (thesis 3.10).
    std::uint32_t transfer_timeout_ticks = 10;

    // Election jitter comes from this seed, never from the environment.
    std::uint64_t seed = 0;

    // Thesis 9.6: a candidate first asks whether it could win, without disturbing anyone's term.
    bool pre_vote = true;
    // Thesis 6.2: a leader that has not heard from a quorum within an election timeout steps down, and
    // a node that heard from a live leader within an election timeout ignores vote requests.
    bool check_quorum = true;

    // Flow control (thesis 10.2): per follower at most this many append messages and bytes in flight.
    std::uint32_t max_inflight_messages = 256;
    std::uint64_t max_inflight_bytes = 32 << 20;
    // Entries per append message are limited by size (at least one entry is always sent).
    std::uint64_t max_message_bytes = 1 << 20;
    // A leader refuses proposals while this many bytes are appended but not yet committed.
    std::uint64_t max_uncommitted_bytes = 64 << 20;
    // Committed entries handed to the application in one Ready batch (at least one).
    std::uint64_t max_committed_bytes_per_ready = 8 << 20;
    // InstallSnapshot: bytes per chunk, and unacknowledged bytes in flight per follower.
    std::uint64_t snapshot_chunk_bytes = 1 << 20;
    std::uint64_t max_snapshot_inflight_bytes = 4 << 20;

    // The index the application's state machine has already applied (for example a database file
    // kept across a clean restart); committed entries up to it are not handed out again.
    Index applied;

    // Test-only: the simulator plants this bug to prove its oracles catch it; rqlited never sets it.
    // The core honours read_without_quorum and accept_stale_term (base/planted_bug.h).
    PlantedBug planted_bug = PlantedBug::none;

    [[nodiscard]] Status validate() const;
};

}  // namespace rq::raft
