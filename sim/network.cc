#include "sim/network.h"

#include <algorithm>
#include <chrono>
#include <iterator>

namespace rq::sim {

using std::chrono::microseconds;

Network::Network(World& world, Random random, std::size_t nodes, Deliver deliver)
    : world_(world), random_(random), nodes_(nodes), deliver_(std::move(deliver)) {
    const std::size_t links = (nodes_ + 1) * (nodes_ + 1);
    for (std::size_t i = 0; i < links; ++i) {
        base_latency_.push_back(microseconds(random_.between(100, 2000)));
    }
    extra_latency_.assign(links, Duration{0});
    last_arrival_.assign(links, Duration{0});
    cut_.assign(links, false);
    clogged_.assign(links, false);
    held_.resize(links);
}

Duration Network::latency(std::size_t from, std::size_t to) { return sample(from, to).latency; }

Network::Sample Network::sample(std::size_t from, std::size_t to) {
    const Duration base = base_latency_[link(from, to)];
    const Duration extra = extra_latency_[link(from, to)];
    // One message in fifty takes the slow tail (a retransmission, a GC pause on a router).
    if (random_.chance(1, 50)) return {base + extra + microseconds(random_.between(5'000, 150'000)), true};
    return {base + extra + microseconds(random_.below(static_cast<std::uint64_t>(base.count() / 1000) + 1)), false};
}

const char* message_kind_name(std::size_t payload_index) {
    static const char* const names[] = {"vote_request",      "vote_response",     "append_request",
                                        "append_response",   "heartbeat",         "heartbeat_response",
                                        "snapshot_chunk",    "snapshot_response", "timeout_now",
                                        "read_index_request", "read_index_response"};
    static_assert(std::size(names) == std::variant_size_v<raft::MessagePayload>);
    return payload_index < std::size(names) ? names[payload_index] : "?";
}

void Network::send(std::size_t from, std::size_t to, raft::Message message) {
    ++stats_.sent;
    ++stats_.sent_by_kind[message.payload.index()];
    if (is_cut(from, to)) {
        ++stats_.dropped_cut;
        return;
    }
    if (clogged_[link(from, to)]) {
        ++stats_.held_by_clog;
        held_[link(from, to)].push_back(std::move(message));
        return;
    }
    if (drop_per_mille_ > 0 && random_.chance(drop_per_mille_, 1000)) {
        ++stats_.dropped_loss;
        return;
    }
    if (duplicate_per_mille_ > 0 && random_.chance(duplicate_per_mille_, 1000)) {
        ++stats_.duplicated;
        schedule(from, to, message);
    }
    schedule(from, to, std::move(message));
}

void Network::schedule(std::size_t from, std::size_t to, raft::Message message) {
    const Sample taken = sample(from, to);
    Duration arrival = world_.now() + taken.latency;
    Duration& last = last_arrival_[link(from, to)];
    if (reordering() && taken.slow_tail) {
        // A lossy link: the straggler arrives late and what was sent after it overtakes it.
    } else {
        // One TCP connection per pair: in order (a straggler holds up what follows it).
        arrival = std::max(arrival, last);
        last = arrival;
    }
    world_.at(arrival, event_tag(EventKind::message, to),
                 [this, to, m = std::move(message)] {
                     ++stats_.delivered;
                     deliver_(to, m);
                 });
}

void Network::heal_cuts() { cut_.assign(cut_.size(), false); }

void Network::unclog(std::size_t from, std::size_t to) {
    const std::size_t l = link(from, to);
    clogged_[l] = false;
    std::vector<raft::Message> held = std::move(held_[l]);
    held_[l].clear();
    for (raft::Message& message : held) schedule(from, to, std::move(message));
}

void Network::unclog_all() {
    for (std::size_t from = 0; from < nodes_; ++from) {
        for (std::size_t to = 0; to < nodes_; ++to) {
            if (clogged_[link(from, to)]) unclog(from, to);
        }
    }
}

void Network::set_loss(std::uint32_t drop_per_mille, std::uint32_t duplicate_per_mille) {
    drop_per_mille_ = drop_per_mille;
    duplicate_per_mille_ = duplicate_per_mille;
}

}  // namespace rq::sim
