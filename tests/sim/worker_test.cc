// The sweep's worker process (cmd/sim/worker.h) runs seed after seed in one process: each seed must
// come out as it does in a fresh process, and an engine assertion must end only its own seed.

#include <gtest/gtest.h>

#include "cmd/sim/child.h"
#include "cmd/sim/worker.h"

namespace rq::sim::cli {
namespace {

SimOptions options(std::int64_t seconds, const std::string& faults) {
    SimOptions o;
    o.duration = std::chrono::seconds(seconds);
    o.faults = *parse_fault_families(faults);
    return o;
}

ChildOutcome fresh(SimOptions o, std::uint64_t seed) {
    o.seed = seed;
    return run_in_child(o);
}

void expect_same(const ChildOutcome& worker, const ChildOutcome& alone, std::uint64_t seed) {
    EXPECT_EQ(worker.passed, alone.passed) << "seed " << seed;
    EXPECT_EQ(worker.violation, alone.violation) << "seed " << seed;
    EXPECT_EQ(worker.trace_hash, alone.trace_hash) << "seed " << seed;
    EXPECT_EQ(worker.summary, alone.summary) << "seed " << seed;
    EXPECT_EQ(worker.events, alone.events) << "seed " << seed;
}

TEST(SeedWorker, GivesEachSeedWhatAFreshProcessGives) {
    const SimOptions shared = options(10, "all");
    SeedWorker worker(shared);
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
        const ChildOutcome outcome = worker.run(seed);
        EXPECT_TRUE(outcome.passed) << outcome.violation;
        EXPECT_NE(outcome.trace_hash, 0u);
        expect_same(outcome, fresh(shared, seed), seed);
    }
    // The same seed again, after others ran in that process: still the same run.
    expect_same(worker.run(2), fresh(shared, 2), 2);
}

TEST(SeedWorker, AnEngineAssertionEndsOnlyItsOwnSeed) {
    SimOptions shared = options(20, "crash");
    shared.plant = PlantedBug::ack_before_fsync;
    SeedWorker worker(shared);
    const ChildOutcome first = worker.run(1);  // seed 1 trips the log's commit assertion
    EXPECT_FALSE(first.passed);
    EXPECT_EQ(first.violation.rfind("engine assertion: assertion failed", 0), 0u) << first.violation;
    expect_same(first, fresh(shared, 1), 1);
    for (std::uint64_t seed = 2; seed <= 3; ++seed) expect_same(worker.run(seed), fresh(shared, seed), seed);
}

}  // namespace
}  // namespace rq::sim::cli
