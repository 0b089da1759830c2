// Whole simulations in-process: determinism, each workload passing a few seeds, the liveness
// phase, and a stale read at weak or none observed under partitions (a measurement).

#include <gtest/gtest.h>

#include "sim/simulation.h"
#include "sim/world.h"

namespace rq::sim {
namespace {

SimOptions options(std::uint64_t seed, const std::string& workload = "register", std::int64_t seconds = 20) {
    SimOptions o;
    o.seed = seed;
    o.duration = std::chrono::seconds(seconds);
    o.workload = workload;
    o.faults = *parse_fault_families("all");
    return o;
}

SimResult run(const SimOptions& o) {
    auto result = run_simulation(o);
    EXPECT_TRUE(result.ok()) << result.error().message();
    return std::move(result).value();
}

TEST(World, RunsEventsInTimeThenSchedulingOrder) {
    World world;
    std::string order;
    world.at(std::chrono::milliseconds(5), 0, [&] { order += "b"; });
    world.at(std::chrono::milliseconds(1), 0, [&] { order += "a"; });
    world.at(std::chrono::milliseconds(5), 0, [&] { order += "c"; });
    world.run_until(std::chrono::seconds(1));
    EXPECT_EQ(order, "abc");
    EXPECT_EQ(world.now(), std::chrono::seconds(1));
}

TEST(World, AnEventMayScheduleMoreWhileItRuns) {
    World world;
    std::string order;
    world.at(std::chrono::milliseconds(1), 0, [&] {
        order += "a";
        world.after(std::chrono::milliseconds(0), 0, [&] { order += "b"; });  // may take a's slot
        world.after(std::chrono::milliseconds(1), 0, [&] { order += "d"; });
    });
    world.at(std::chrono::milliseconds(2), 0, [&] { order += "c"; });  // scheduled before d
    world.run_until(std::chrono::seconds(1));
    EXPECT_EQ(order, "abcd");
    EXPECT_EQ(world.executed(), 4u);
}

TEST(Simulation, SameSeedTwiceGivesTheSameTraceHash) {
    const SimResult a = run(options(5));
    const SimResult b = run(options(5));
    EXPECT_EQ(a.trace_hash, b.trace_hash);
    EXPECT_EQ(a.events, b.events);
    EXPECT_EQ(a.operations, b.operations);
    EXPECT_NE(a.trace_hash, run(options(6)).trace_hash);
}

TEST(Simulation, ReplayingTheGeneratedScheduleIsTheSameRun) {
    SimOptions o = options(8);
    const SimResult generated = run(o);
    o.schedule = schedule_for(o);
    EXPECT_EQ(run(o).trace_hash, generated.trace_hash);
}

class EveryWorkload : public ::testing::TestWithParam<const char*> {};

TEST_P(EveryWorkload, PassesSeedsWithEveryFault) {
    for (std::uint64_t seed : {1u, 4u, 7u}) {
        const SimResult result = run(options(seed, GetParam()));
        EXPECT_TRUE(result.passed) << "seed " << seed << ": " << result.violation;
        EXPECT_GT(result.faults_applied.size(), 3u);
        EXPECT_TRUE(result.liveness_time.has_value());
    }
}

INSTANTIATE_TEST_SUITE_P(Sim, EveryWorkload, ::testing::Values("register", "list", "bank"));

TEST(Simulation, FiveNodesPass) {
    SimOptions o = options(1);
    o.nodes = 5;
    const SimResult result = run(o);
    EXPECT_TRUE(result.passed) << result.violation;
}

// rqlite documents that reads at weak and none may be stale; under partitions the simulator sees
// it. Seed 1 with partitions only, pinned: the measurement must find some.
TEST(Simulation, StaleReadsAtNoneUnderAPartitionAreMeasured) {
    SimOptions o = options(1);
    o.faults = *parse_fault_families("partition");
    const SimResult result = run(o);
    EXPECT_TRUE(result.passed) << result.violation;
    const auto none = result.stale_reads.find("none");
    ASSERT_NE(none, result.stale_reads.end());
    EXPECT_GT(none->second, 0u);
    std::cout << "stale reads at none: " << none->second << " of " << result.checked_reads.at("none") << "\n";
}

// A history the checker cannot decide within its budget proves nothing: the run fails as undecided
// rather than passing. (With no budget at all, even an easy history is undecided.)
TEST(Simulation, AnUndecidedHistoryFailsTheRun) {
    SimOptions o = options(1, "register", 60);
    o.checker_polls = 0;
    const SimResult result = run(o);
    EXPECT_FALSE(result.passed);
    EXPECT_EQ(result.violation.rfind("linearizability undecided: ", 0), 0u) << result.violation;
    o.checker_polls = SimOptions{}.checker_polls;
    EXPECT_TRUE(run(o).passed);
}

TEST(Simulation, BadOptionsAreErrors) {
    SimOptions o = options(1, "nonsense");
    EXPECT_FALSE(run_simulation(o).ok());
}

}  // namespace
}  // namespace rq::sim
