#pragma once
// The simulated network between nodes. Every directed link has its own latency distribution (a base
// drawn per link, jitter, and a slow tail). A link delivers in order, as the one TCP connection per
// node pair that rqlited uses does (a message behind a straggler waits for it); while a run turns on
// loss and duplication, links also reorder: stragglers (one message in fifty) arrive late, overtaken
// by what was sent after them. Faults act on directed links: a cut link drops what is sent over it (a partition
// is a set of cuts, a one-way cut a single direction); a clogged link holds what is sent until it is
// unclogged, then delivers it all (late, in a burst); a slow link adds a fixed delay to every message
// (in flight across a change of leader, old-term messages arrive late). Every choice comes from the network's stream.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <variant>
#include <vector>

#include "base/random.h"
#include "raft/message.h"
#include "sim/world.h"

namespace rq::sim {

struct NetworkStats {
    std::uint64_t sent = 0;
    std::uint64_t delivered = 0;
    std::uint64_t dropped_cut = 0;
    std::uint64_t dropped_loss = 0;
    std::uint64_t duplicated = 0;
    std::uint64_t held_by_clog = 0;
    std::uint64_t sent_by_kind[std::variant_size_v<raft::MessagePayload>] = {};  // by payload index
};

// "append_request", "snapshot_chunk", ... for a payload index.
const char* message_kind_name(std::size_t payload_index);

class Network {
public:
    using Deliver = std::function<void(std::size_t to, const raft::Message&)>;
    Network(World& world, Random random, std::size_t nodes, Deliver deliver);

    void send(std::size_t from, std::size_t to, raft::Message message);

    void cut(std::size_t from, std::size_t to) { cut_[link(from, to)] = true; }
    void heal_cuts();
    [[nodiscard]] bool is_cut(std::size_t from, std::size_t to) const { return cut_[link(from, to)]; }
    void clog(std::size_t from, std::size_t to) { clogged_[link(from, to)] = true; }
    void unclog(std::size_t from, std::size_t to);
    void unclog_all();
    // Every message sent on the link from now takes `extra` longer (a congested or degraded path);
    // zero ends it. Messages already in flight keep their time.
    void slow(std::size_t from, std::size_t to, Duration extra) { extra_latency_[link(from, to)] = extra; }
    void unslow_all() { extra_latency_.assign(extra_latency_.size(), Duration{0}); }
    // Loss and duplication, per thousand messages; while either is on, stragglers are overtaken.
    void set_loss(std::uint32_t drop_per_mille, std::uint32_t duplicate_per_mille);
    [[nodiscard]] bool reordering() const { return drop_per_mille_ > 0 || duplicate_per_mille_ > 0; }

    // One latency sample for a message on this link (client links use the pseudo-node `nodes`).
    Duration latency(std::size_t from, std::size_t to);
    struct Sample {
        Duration latency;
        bool slow_tail = false;  // one of the rare stragglers
    };
    Sample sample(std::size_t from, std::size_t to);
    [[nodiscard]] const NetworkStats& stats() const { return stats_; }
    [[nodiscard]] std::size_t nodes() const { return nodes_; }

private:
    [[nodiscard]] std::size_t link(std::size_t from, std::size_t to) const { return from * (nodes_ + 1) + to; }
    void schedule(std::size_t from, std::size_t to, raft::Message message);

    World& world_;
    Random random_;
    std::size_t nodes_;
    Deliver deliver_;
    std::vector<Duration> base_latency_;  // per link
    std::vector<Duration> extra_latency_;  // per link, from the slow fault
    std::vector<Duration> last_arrival_;   // per link: the latest delivery time scheduled
    std::vector<bool> cut_;
    std::vector<bool> clogged_;
    std::vector<std::vector<raft::Message>> held_;  // per clogged link, in send order
    std::uint32_t drop_per_mille_ = 0;
    std::uint32_t duplicate_per_mille_ = 0;
    NetworkStats stats_;
};

}  // namespace rq::sim
