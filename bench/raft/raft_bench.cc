// Throughput of the Raft core alone: a 3-node in-memory cluster (raft::testing::Cluster, no disk,
// no network, no state machine beyond a counter) committing 100-byte entries, proposed one at a time
// or in batches of 64; and the cost of single step() calls on the hot paths.
//
//   build/bin/raft_bench
//
// Benchmarks are reports, not tests: nothing here asserts a time.
#include <benchmark/benchmark.h>

#include "raft/codec.h"
#include "raft/memory_storage.h"
#include "raft/node.h"
#include "raft/testing/cluster.h"

namespace rq::raft {
namespace {

using testing::Cluster;

Config bench_config() {
    Config config;
    config.election_timeout_ticks = 10;
    config.heartbeat_interval_ticks = 1;
    config.max_inflight_messages = 256;
    config.seed = 1;
    return config;
}

std::unique_ptr<Cluster> three_node_cluster() {
    auto cluster = std::make_unique<Cluster>(bench_config(), Cluster::Options{false, false});
    const Configuration voters{{NodeId(1), NodeId(2), NodeId(3)}, {}};
    for (std::uint64_t id = 1; id <= 3; ++id) cluster->add(NodeId(id), voters);
    cluster->node(NodeId(1)).campaign();
    cluster->stabilize();
    return cluster;
}

// One round: the leader proposes a batch, then every node handles its Ready and every message is
// delivered. Proposals pipeline: a batch commits a couple of rounds after it is proposed.
void BM_CommitThroughput(benchmark::State& state) {
    const auto batch = static_cast<std::size_t>(state.range(0));
    auto cluster = three_node_cluster();
    Node& leader = cluster->node(NodeId(1));
    const std::string payload(100, 'x');
    const std::uint64_t committed_before = cluster->member(NodeId(1)).state.count;
    for (auto _ : state) {
        std::vector<std::string> entries(batch, payload);
        const Proposal proposal = leader.propose_batch(std::move(entries));
        if (!proposal.accepted()) state.SkipWithError("proposal refused");
        for (std::uint64_t id = 1; id <= 3; ++id) cluster->process_ready(NodeId(id));
        for (const Message& message : cluster->take_outbox()) cluster->deliver(message);
    }
    cluster->stabilize();
    const std::uint64_t committed = cluster->member(NodeId(1)).state.count - committed_before;
    state.SetItemsProcessed(static_cast<std::int64_t>(committed));
    state.counters["entries_per_second"] =
        benchmark::Counter(static_cast<double>(committed), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CommitThroughput)->Arg(1)->Arg(64)->Unit(benchmark::kMicrosecond);

// A follower's hot path: step() of an AppendRequest carrying one 100-byte entry. Each iteration
// also runs the Ready cycle the entry needs (persist into memory, advance).
void BM_FollowerAppendStepAndReady(benchmark::State& state) {
    MemoryStorage storage;
    const Configuration voters{{NodeId(1), NodeId(2), NodeId(3)}, {}};
    storage.append({bootstrap_entry(voters)});
    storage.set_hard_state(HardState{Term(1), no_node, Index(1)});
    Config config = bench_config();
    config.id = NodeId(2);
    auto node = std::move(Node::create(config, storage)).value();
    Index last(1);
    const std::string payload(100, 'x');
    for (auto _ : state) {
        AppendRequest request{last, Term(1), {Entry{Term(1), last + 1, EntryType::normal, payload}}, last};
        node->step(Message{NodeId(1), NodeId(2), Term(1), std::move(request)});
        Ready ready = node->ready();
        storage.append(ready.entries);
        if (ready.hard_state) storage.set_hard_state(*ready.hard_state);
        node->advance();
        ++last;
        if (storage.last_index() - storage.first_index() > 100000) {
            state.PauseTiming();
            storage.compact(node->log().applied(), voters, {});
            state.ResumeTiming();
        }
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FollowerAppendStepAndReady);

// step() alone for a heartbeat on a follower: the cheapest message, the per-message floor.
void BM_FollowerHeartbeatStep(benchmark::State& state) {
    MemoryStorage storage;
    storage.append({bootstrap_entry(Configuration{{NodeId(1), NodeId(2), NodeId(3)}, {}})});
    storage.set_hard_state(HardState{Term(1), no_node, Index(1)});
    Config config = bench_config();
    config.id = NodeId(2);
    auto node = std::move(Node::create(config, storage)).value();
    const Message heartbeat{NodeId(1), NodeId(2), Term(1), Heartbeat{Index(1), 0}};
    std::uint64_t steps = 0;
    for (auto _ : state) {
        node->step(heartbeat);
        if (++steps % 1024 == 0) {
            state.PauseTiming();
            (void)node->ready();  // drop the accumulated responses
            node->advance();
            state.ResumeTiming();
        }
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FollowerHeartbeatStep);

}  // namespace
}  // namespace rq::raft

BENCHMARK_MAIN();
