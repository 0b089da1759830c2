#pragma once
// Planted bugs: a test-only switch that breaks the engine on purpose in one of a few named ways, so
// the simulator can prove that its oracles catch each of them (issue 5, "Planted bugs are caught").
//
// Test-only: the simulator plants these bugs to prove its oracles catch them; rqlited never sets
// one. Every place that honours the switch mentions `planted_bug`, so `grep -rn planted_bug` lists
// them all; each is a one- or two-line conditional next to the rule it breaks.

#include <cstdint>
#include <string_view>

#include "base/result.h"

namespace rq {

enum class PlantedBug : std::uint8_t {
    none,
    // raft/node_read.cc: the leader answers a linearizable read (ReadIndex) at once from its own
    // commit index, without the heartbeat round that confirms it still leads (thesis 6.4). A deposed
    // leader that does not know it yet serves stale reads.
    read_without_quorum,
    // node/driver.cc: a Ready is acknowledged (messages sent, so followers' AppendResponses and the
    // leader's own persistence count towards commit; entries applied and clients answered) without
    // waiting for its fsync, which is skipped: writes stay unsynced until the WAL syncs for its own
    // reasons. A crash of the nodes holding an acknowledged entry loses it.
    ack_before_fsync,
    // raft/node.cc: a follower (or candidate) handles an AppendRequest of an older term as if it came
    // from its leader, and answers in the sender's term, so a deposed leader's appends overwrite its
    // log and count towards that leader's commit.
    accept_stale_term,
    // wal/snapshot_file.cc: snapshot data is read without checking the block table and block
    // checksums, so rotten snapshot bytes are installed (on restart, or sent to a follower) as data.
    skip_snapshot_checksum,
};

// The name used on command lines and in reports, e.g. "read_without_quorum".
const char* planted_bug_name(PlantedBug bug);
// The inverse of planted_bug_name; an unknown name is invalid_argument listing the known ones.
Result<PlantedBug> parse_planted_bug(std::string_view name);

}  // namespace rq
