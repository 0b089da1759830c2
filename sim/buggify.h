#pragma once
// BUGGIFY, as FoundationDB calls it: the simulator (only the simulator) makes the engine take its
// rare paths often, by choosing per run, from the seed, which of these sites are on. Each uses an
// ordinary configuration field within its valid range, so nothing in the engine knows.
//   tiny_election      - election timeout of 3 ticks: elections and pre-votes all the time
//   frequent_snapshots - a snapshot every few applied entries: followers catch up by snapshot
//   one_entry_messages - max_message_bytes 1: every append carries one entry
//   short_inflight     - one or two append messages in flight per follower
//   small_chunks       - snapshots cross the network in 512-byte chunks, two in flight

#include <cstdint>
#include <string>

#include "base/random.h"
#include "node/driver.h"

namespace rq::sim {

struct Buggify {
    bool tiny_election = false;
    std::uint64_t snapshot_every = 0;  // 0: off
    bool one_entry_messages = false;
    std::uint32_t inflight = 0;        // 0: off
    bool small_chunks = false;

    void apply(node::DriverOptions& options) const;
    [[nodiscard]] std::string describe() const;  // "off" or the sites on
};

// Each site on with probability 1/3.
Buggify choose_buggify(Random random);

}  // namespace rq::sim
