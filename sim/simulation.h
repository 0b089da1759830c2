#pragma once
// One simulated run: a seed, a cluster, a fault schedule, a workload, the oracles, and the outcome.
//
// The seed is split into independent streams, one per subsystem (faults, network, disks and
// processes, clients, buggify, node seeds), so the fault schedule does not depend on anything that
// happens while it runs, and a schedule (generated, shrunk, or read from a file) replays with the
// same seed exactly.
//
// Two phases, as TigerBeetle's VOPR: the safety phase runs the workload under the schedule for
// `duration`; the liveness phase then heals everything for good (network, disks, processes) and
// requires a write to commit and a linearizable read to be served within `liveness_bound`. Last,
// the running members must converge on one applied index with identical databases, and the history
// must pass the checker.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/planted_bug.h"
#include "check/history.h"
#include "sim/buggify.h"
#include "sim/schedule.h"
#include "sim/world.h"

namespace rq::sim {

struct SimOptions {
    std::uint64_t seed = 1;
    std::size_t nodes = 3;
    Duration duration = std::chrono::seconds(60);
    FaultFamilies faults;  // empty: no faults
    std::string workload = "register";
    std::size_t clients = 4;
    bool buggify = true;
    PlantedBug plant = PlantedBug::none;
    // Replaces the generated schedule (replaying a file or a shrinking candidate).
    std::optional<Schedule> schedule;
    Duration liveness_bound = std::chrono::seconds(60);
    // The linearizability checker's budget in polls of 4,096 search steps (steps, not time, so the
    // verdict is deterministic). A history it cannot decide within it fails the run as undecided.
    std::uint64_t checker_polls = 100'000;
    // One line per interesting event (faults, client operations, elections), when set.
    std::function<void(const std::string&)> trace;
    // Receives the history the linearizability oracle checked (writes, strong and linearizable
    // reads; weak and none reads left out), when set: `lincheck --html` explains it.
    std::function<void(const check::History&)> checked_history;
};

struct OracleVerdict {
    std::string name;
    std::string verdict;  // "ok", "violated", "undecided", "not run"
    std::string detail;
};

struct SimResult {
    bool passed = true;
    std::string violation;  // the first violated property, when !passed
    std::vector<OracleVerdict> oracles;
    Schedule schedule;
    std::string buggify;
    std::map<std::string, std::map<std::string, std::uint64_t>> operations;  // kind -> outcome -> count
    std::map<std::string, std::uint64_t> faults_applied;
    std::map<std::string, std::uint64_t> faults_skipped;
    std::map<std::string, std::uint64_t> stale_reads;    // by level
    std::map<std::string, std::uint64_t> checked_reads;  // weak and none reads examined, by level
    std::uint64_t elections = 0;
    std::uint64_t snapshots_taken = 0;
    std::uint64_t snapshots_installed = 0;
    std::uint64_t supervisor_restarts = 0;
    std::uint64_t failed_opens = 0;
    std::uint64_t membership_changes = 0;
    std::uint64_t messages_sent = 0;
    std::uint64_t messages_dropped = 0;
    std::map<std::string, std::uint64_t> messages_by_kind;
    std::optional<Duration> liveness_time;  // from healing to a committed write and a linearizable read
    Duration simulated{0};
    std::uint64_t events = 0;
    std::uint64_t trace_hash = 0;
};

// Runs one simulation. A broken engine invariant (RQ_ASSERT) aborts the process, as everywhere:
// callers that must survive one (sweeps, the shrinker) run each simulation in a child process.
Result<SimResult> run_simulation(const SimOptions& options);

// The schedule a seed generates for these options (what run_simulation executes without one).
Schedule schedule_for(const SimOptions& options);

}  // namespace rq::sim
