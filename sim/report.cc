#include "sim/report.h"

#include <chrono>
#include <cstdio>

namespace rq::sim {

namespace {

std::string seconds_text(Duration d) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3f s", static_cast<double>(d.count()) / 1e9);
    return buffer;
}

std::string hex(std::uint64_t value) {
    char buffer[24];
    std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(value));
    return buffer;
}

std::string counts_line(const std::map<std::string, std::uint64_t>& counts) {
    std::string out;
    for (const auto& [name, count] : counts) out += (out.empty() ? "" : ", ") + name + " " + std::to_string(count);
    return out.empty() ? "none" : out;
}

}  // namespace

std::string reproduce_command(const SimOptions& options, const std::string& schedule_file) {
    std::string out = "build/bin/sim --seed " + std::to_string(options.seed) + " --nodes " + std::to_string(options.nodes) +
                      " --duration " + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(options.duration).count()) +
                      "s --faults " + fault_families_text(options.faults) + " --workload " + options.workload;
    if (options.clients != SimOptions{}.clients) out += " --clients " + std::to_string(options.clients);
    if (options.checker_polls != SimOptions{}.checker_polls) out += " --checker-polls " + std::to_string(options.checker_polls);
    if (!options.buggify) out += " --no-buggify";
    if (options.plant != PlantedBug::none) out += std::string(" --plant ") + planted_bug_name(options.plant);
    if (!schedule_file.empty()) out += " --schedule " + schedule_file;
    return out;
}

std::string format_summary(const SimOptions& options, const SimResult& result) {
    std::string out;
    out += "seed " + std::to_string(options.seed) + ", " + std::to_string(options.nodes) + " nodes, workload " +
           options.workload + ", faults " + fault_families_text(options.faults) + ", buggify: " + result.buggify + "\n";
    if (options.plant != PlantedBug::none) out += std::string("planted bug: ") + planted_bug_name(options.plant) + "\n";
    out += "operations:\n";
    for (const auto& [kind, outcomes] : result.operations) out += "  " + kind + ": " + counts_line(outcomes) + "\n";
    out += "faults: " + std::to_string(result.schedule.size()) + " scheduled; applied " + counts_line(result.faults_applied) + "\n";
    if (!result.faults_skipped.empty()) out += "  skipped (did not apply then): " + counts_line(result.faults_skipped) + "\n";
    out += "elections " + std::to_string(result.elections) + ", snapshots taken " + std::to_string(result.snapshots_taken) +
           ", installed " + std::to_string(result.snapshots_installed) + ", membership changes " +
           std::to_string(result.membership_changes) + ", supervisor restarts " + std::to_string(result.supervisor_restarts) +
           ", failed opens " + std::to_string(result.failed_opens) + "\n";
    out += "messages " + std::to_string(result.messages_sent) + " sent, " + std::to_string(result.messages_dropped) + " dropped (" +
           counts_line(result.messages_by_kind) + ")\n";
    out += "oracles:\n";
    for (const OracleVerdict& oracle : result.oracles) {
        out += "  " + oracle.name + ": " + oracle.verdict + (oracle.detail.empty() ? "" : " (" + oracle.detail + ")") + "\n";
    }
    out += "stale reads at weak and none (a measurement; provably missed an acknowledged write): ";
    std::string stale;
    for (const auto& [level, checked] : result.checked_reads) {
        const auto it = result.stale_reads.find(level);
        const std::uint64_t count = it == result.stale_reads.end() ? 0 : it->second;
        stale += (stale.empty() ? "" : ", ") + level + " " + std::to_string(count) + " of " + std::to_string(checked);
    }
    out += (stale.empty() ? "none checked" : stale) + "\n";
    out += "simulated " + seconds_text(result.simulated) + ", " + std::to_string(result.events) + " events, trace hash " +
           hex(result.trace_hash) + "\n";
    out += result.passed ? "verdict: pass\n" : "verdict: FAIL: " + result.violation + "\n";
    return out;
}

}  // namespace rq::sim
