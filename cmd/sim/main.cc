// sim: runs the deterministic simulator (sim/) from the command line. See cmd/sim/flags.h for the
// flags and sim/README.md for what a run does. Exit status: 0 every run passed, 1 a run violated a
// property (the reproducing command is printed), 2 bad usage.

#include <chrono>
#include <cstdio>
#include <fstream>

#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <sqlite3.h>

#include "cmd/sim/child.h"
#include "cmd/sim/flags.h"
#include "cmd/sim/worker.h"
#include "sim/report.h"
#include "sim/shrink.h"

namespace {

using namespace rq::sim;
using namespace rq::sim::cli;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();  // wall-clock: timing the run
}

std::string figure(double value, int decimals) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

int run_one(const Flags& flags) {
    const auto start = Clock::now();  // wall-clock: timing the run
    const ChildOutcome outcome = run_in_child(flags.sim, ChildFiles{flags.trace_file, flags.history_file});
    const double wall = seconds_since(start);
    if (!outcome.summary.empty()) std::cout << outcome.summary;
    const double simulated = static_cast<double>(outcome.simulated_ns) / 1e9;
    std::cout << "wall " << figure(wall, 3) << " s, time compression " << figure(wall > 0 ? simulated / wall : 0, 0)
              << "x\n";
    if (outcome.passed) return 0;
    if (outcome.summary.empty()) std::cout << "verdict: FAIL: " << outcome.violation << "\n";
    std::cout << "reproduce: " << reproduce_command(flags.sim, flags.schedule_file) << "\n";
    return 1;
}

int run_sweep(const Flags& flags) {
    const auto [first, last] = *flags.seeds;
    const auto start = Clock::now();  // wall-clock: timing the sweep
    std::map<std::string, std::uint64_t> faults;
    std::map<std::string, std::uint64_t> stale;
    std::map<std::string, std::uint64_t> checked;
    std::vector<std::uint64_t> failed;
    double simulated = 0;
    std::uint64_t operations = 0;
    std::uint64_t last_run = first;
    SeedWorker worker(flags.sim);
    for (std::uint64_t seed = first; seed <= last; ++seed) {
        last_run = seed;
        SimOptions options = flags.sim;
        options.seed = seed;
        const ChildOutcome outcome = worker.run(seed);
        simulated += static_cast<double>(outcome.simulated_ns) / 1e9;
        operations += outcome.operations;
        for (const auto& [kind, count] : outcome.faults) faults[kind] += count;
        for (const auto& [level, count] : outcome.stale_reads) stale[level] += count;
        for (const auto& [level, count] : outcome.checked_reads) checked[level] += count;
        if (!outcome.passed) {
            failed.push_back(seed);
            std::cerr << "\nseed " << seed << " FAILED: " << outcome.violation << "\n  reproduce: "
                      << reproduce_command(options) << "\n";
        }
        const double wall = seconds_since(start);
        std::cerr << "\r[" << seed - first + 1 << "/" << last - first + 1 << "] seed " << seed << ", " << failed.size()
                  << " failed, " << figure(wall, 1) << " s wall, " << figure(wall / static_cast<double>(seed - first + 1), 3)
                  << " s/seed   " << std::flush;
        if (flags.until_failure && !failed.empty()) break;
    }
    const double wall = seconds_since(start);
    std::cerr << "\n";
    const std::uint64_t runs = last_run - first + 1;
    std::cout << "sweep of seeds " << first << ".." << last_run << ": " << (runs - failed.size()) << " passed, "
              << failed.size() << " failed\n";
    std::cout << "operations " << operations << "; faults applied:";
    for (const auto& [kind, count] : faults) std::cout << " " << kind << " " << count;
    std::cout << "\nstale reads:";
    for (const auto& [level, count] : checked) std::cout << " " << level << " " << stale[level] << " of " << count;
    std::cout << "\nsimulated " << figure(simulated, 1) << " s in " << figure(wall, 1) << " s wall ("
              << figure(wall / static_cast<double>(runs), 3) << " s per seed), time compression "
              << figure(wall > 0 ? simulated / wall : 0, 0) << "x\n";
    return failed.empty() ? 0 : 1;
}

int run_shrink(const Flags& flags) {
    SimOptions options = flags.sim;
    const ChildOutcome original = run_in_child(options);
    if (original.passed) {
        std::cout << "seed " << options.seed << " passes: nothing to shrink\n";
        return 0;
    }
    const std::string property = property_of(original.violation);
    Schedule schedule = options.schedule ? *options.schedule : schedule_for(options);
    std::cout << "seed " << options.seed << " fails (" << original.violation.substr(0, 200) << ")\nshrinking "
              << schedule.size() << " fault events while '" << property << "' is violated...\n";
    ShrinkStats stats;
    const Schedule minimal = shrink_schedule(
        schedule,
        [&](const Schedule& candidate) {
            SimOptions attempt = options;
            attempt.schedule = candidate;
            const ChildOutcome outcome = run_in_child(attempt);
            return !outcome.passed && property_of(outcome.violation) == property;
        },
        &stats, [](const Schedule& now) { std::cerr << "  " << now.size() << " events still fail\n"; });
    std::ofstream out(flags.shrink_out);
    out << "# minimal fault schedule for seed " << options.seed << "\n" << schedule_to_text(minimal);
    out.close();
    std::cout << "minimal schedule (" << minimal.size() << " events, " << stats.runs << " runs), written to "
              << flags.shrink_out << ":\n"
              << schedule_to_text(minimal);
    options.schedule = minimal;
    const ChildOutcome confirm = run_in_child(options);
    std::cout << "it fails with: " << confirm.violation.substr(0, 400) << "\n";
    std::cout << "reproduce: " << reproduce_command(options, flags.shrink_out) << "\n";
    return 1;
}

}  // namespace

// The simulator runs every node on one thread: SQLite's mutexes and its memory statistics (a global
// counter under a mutex on every allocation) are pure cost here. Set before SQLite is first used;
// rqlited, which has threads, keeps the defaults.
void configure_sqlite_for_one_thread() {
    if (sqlite3_config(SQLITE_CONFIG_SINGLETHREAD) != SQLITE_OK || sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK) {
        std::cerr << "sim: could not configure SQLite for one thread; running with its defaults\n";
    }
}

int main(int argc, char** argv) {
    configure_sqlite_for_one_thread();
    auto flags = parse_flags(std::vector<std::string>(argv + 1, argv + argc));
    if (!flags.ok()) {
        std::cerr << "sim: " << flags.error().message() << "\n" << usage();
        return 2;
    }
    if (flags->help) {
        std::cout << usage();
        return 0;
    }
    if (flags->print_schedule) {
        std::cout << schedule_to_text(flags->sim.schedule ? *flags->sim.schedule : schedule_for(flags->sim));
        return 0;
    }
    if (flags->seeds) return run_sweep(*flags);
    if (flags->shrink) return run_shrink(*flags);
    return run_one(*flags);
}
