#include "cmd/sim/flags.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include "sim/workload.h"

namespace rq::sim::cli {

namespace {

Error bad(const std::string& message) { return Error(ErrorCode::invalid_argument, message); }

Result<std::uint64_t> parse_u64(const std::string& text, const std::string& flag) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size()) {
        return bad(flag + " wants a non-negative integer, got '" + text + "'");
    }
    return value;
}

// "60s", "300s", "1500ms", "2m"; a bare number is seconds.
Result<Duration> parse_duration(const std::string& text) {
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
    auto number = parse_u64(text.substr(0, digits), "--duration");
    if (!number.ok()) return number.error();
    const std::string unit = text.substr(digits);
    const auto n = static_cast<std::int64_t>(*number);
    if (unit.empty() || unit == "s") return Duration(std::chrono::seconds(n));
    if (unit == "ms") return Duration(std::chrono::milliseconds(n));
    if (unit == "m") return Duration(std::chrono::minutes(n));
    return bad("--duration: unknown unit '" + unit + "' (use ms, s or m)");
}

Result<std::pair<std::uint64_t, std::uint64_t>> parse_range(const std::string& text) {
    const std::size_t dots = text.find("..");
    if (dots == std::string::npos) return bad("--seeds wants A..B, got '" + text + "'");
    auto a = parse_u64(text.substr(0, dots), "--seeds");
    auto b = parse_u64(text.substr(dots + 2), "--seeds");
    if (!a.ok()) return a.error();
    if (!b.ok()) return b.error();
    if (*a > *b) return bad("--seeds: A must not exceed B in A..B");
    return std::make_pair(*a, *b);
}

Result<std::string> read_text_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) return bad("cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

const char* usage() {
    return "usage: sim --seed N [--nodes 3|5] [--duration 60s] [--faults LIST] [--workload NAME] [--trace FILE]\n"
           "           [--history FILE] [--clients N] [--checker-polls N] [--no-buggify] [--plant NAME]\n"
           "           [--schedule FILE] [--print-schedule]\n"
           "       sim --seeds A..B [--until-failure] [options]   sweep seeds A to B with a progress line\n"
           "       sim --seed N --shrink [--shrink-out FILE] [options]\n"
           "faults: all (default), none, or a comma list of crash, pause, partition, oneway, clog, loss, disk,\n"
           "        full, rot, clock, membership, transfer, stall, slow\n"
           "workloads: register (default), list, bank\n"
           "planted bugs: read_without_quorum, ack_before_fsync, accept_stale_term, skip_snapshot_checksum\n";
}

Result<Flags> parse_flags(const std::vector<std::string>& args) {
    Flags flags;
    flags.sim.faults = *parse_fault_families("all");
    bool seed_given = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& flag = args[i];
        auto value = [&]() -> Result<std::string> {
            if (i + 1 >= args.size()) return bad(flag + " needs a value");
            return args[++i];
        };
        if (flag == "--help" || flag == "-h") {
            flags.help = true;
        } else if (flag == "--shrink") {
            flags.shrink = true;
        } else if (flag == "--until-failure") {
            flags.until_failure = true;
        } else if (flag == "--no-buggify") {
            flags.sim.buggify = false;
        } else if (flag == "--print-schedule") {
            flags.print_schedule = true;
        } else {
            auto v = value();
            if (!v.ok()) return v.error();
            Status status = ok_status();
            if (flag == "--seed") {
                auto seed = parse_u64(*v, flag);
                if (!seed.ok()) return seed.error();
                flags.sim.seed = *seed;
                seed_given = true;
            } else if (flag == "--seeds") {
                auto range = parse_range(*v);
                if (!range.ok()) return range.error();
                flags.seeds = *range;
            } else if (flag == "--nodes") {
                auto nodes = parse_u64(*v, flag);
                if (!nodes.ok()) return nodes.error();
                if (*nodes < 1 || *nodes > 9) return bad("--nodes must be between 1 and 9");
                flags.sim.nodes = *nodes;
            } else if (flag == "--clients") {
                auto clients = parse_u64(*v, flag);
                if (!clients.ok()) return clients.error();
                if (*clients < 1 || *clients > 100) return bad("--clients must be between 1 and 100");
                flags.sim.clients = *clients;
            } else if (flag == "--checker-polls") {
                auto polls = parse_u64(*v, flag);
                if (!polls.ok()) return polls.error();
                flags.sim.checker_polls = *polls;
            } else if (flag == "--duration") {
                auto duration = parse_duration(*v);
                if (!duration.ok()) return duration.error();
                flags.sim.duration = *duration;
            } else if (flag == "--faults") {
                auto faults = parse_fault_families(*v);
                if (!faults.ok()) return faults.error();
                flags.sim.faults = *faults;
            } else if (flag == "--workload") {
                if (!make_workload(*v)) return bad("unknown workload '" + *v + "' (known: " + std::string(workload_names) + ")");
                flags.sim.workload = *v;
            } else if (flag == "--plant") {
                auto bug = parse_planted_bug(*v);
                if (!bug.ok()) return bug.error();
                flags.sim.plant = *bug;
            } else if (flag == "--trace") {
                flags.trace_file = *v;
            } else if (flag == "--history") {
                flags.history_file = *v;
            } else if (flag == "--schedule") {
                auto text = read_text_file(*v);
                if (!text.ok()) return text.error();
                auto schedule = parse_schedule(*text);
                if (!schedule.ok()) return Error(ErrorCode::invalid_argument, *v + ": " + schedule.error().message());
                flags.sim.schedule = std::move(schedule).value();
                flags.schedule_file = *v;
            } else if (flag == "--shrink-out") {
                flags.shrink_out = *v;
            } else {
                return bad("unknown flag '" + flag + "'");
            }
        }
    }
    if (flags.help) return flags;
    if (!seed_given && !flags.seeds) return bad("give --seed N or --seeds A..B");
    if (seed_given && flags.seeds) return bad("give either --seed or --seeds, not both");
    if (flags.shrink && flags.seeds) return bad("--shrink works on one --seed");
    if (flags.seeds && flags.sim.schedule) return bad("--schedule replays one --seed");
    if (flags.shrink_out.empty()) flags.shrink_out = "sim-seed-" + std::to_string(flags.sim.seed) + ".schedule";
    return flags;
}

}  // namespace rq::sim::cli
