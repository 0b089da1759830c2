#include "sim/buggify.h"

namespace rq::sim {

Buggify choose_buggify(Random random) {
    Buggify b;
    b.tiny_election = random.chance(1, 3);
    if (random.chance(1, 3)) b.snapshot_every = random.between(2, 12);
    b.one_entry_messages = random.chance(1, 3);
    if (random.chance(1, 3)) b.inflight = static_cast<std::uint32_t>(random.between(1, 2));
    b.small_chunks = random.chance(1, 3);
    return b;
}

void Buggify::apply(node::DriverOptions& options) const {
    if (tiny_election) {
        options.raft.election_timeout_ticks = 3;
        options.raft.heartbeat_interval_ticks = 1;
        options.raft.transfer_timeout_ticks = 3;
    }
    if (snapshot_every > 0) options.snapshot_threshold_entries = snapshot_every;
    if (one_entry_messages) options.raft.max_message_bytes = 1;
    if (inflight > 0) options.raft.max_inflight_messages = inflight;
    if (small_chunks) {
        options.raft.snapshot_chunk_bytes = 512;
        options.raft.max_snapshot_inflight_bytes = 1024;
    }
}

std::string Buggify::describe() const {
    std::string out;
    auto add = [&out](const std::string& site) { out += (out.empty() ? "" : ", ") + site; };
    if (tiny_election) add("tiny_election");
    if (snapshot_every > 0) add("snapshot_every=" + std::to_string(snapshot_every));
    if (one_entry_messages) add("one_entry_messages");
    if (inflight > 0) add("inflight=" + std::to_string(inflight));
    if (small_chunks) add("small_chunks");
    return out.empty() ? "off" : out;
}

}  // namespace rq::sim
