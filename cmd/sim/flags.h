#pragma once
// The sim command line:
//   sim --seed N [--nodes 3|5] [--duration 60s] [--faults LIST] [--workload NAME] [--trace FILE]
//       [--history FILE] [--checker-polls N]
//       [--clients N] [--no-buggify] [--plant NAME] [--schedule FILE] [--print-schedule]
//   sim --seeds A..B [--until-failure] [same options]   a sweep with a progress line
//   sim --seed N --shrink [--shrink-out FILE] minimise the failing seed's fault schedule

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "sim/simulation.h"

namespace rq::sim::cli {

struct Flags {
    SimOptions sim;
    std::optional<std::pair<std::uint64_t, std::uint64_t>> seeds;  // inclusive
    bool shrink = false;
    bool until_failure = false;  // a sweep stops at its first failing seed
    bool print_schedule = false;
    std::string trace_file;
    std::string history_file;  // the checked history as JSON lines, for lincheck
    std::string schedule_file;
    std::string shrink_out;
    bool help = false;
};

Result<Flags> parse_flags(const std::vector<std::string>& args);
const char* usage();

}  // namespace rq::sim::cli
