#pragma once
// The summary of a run for people: operations by kind and outcome, faults by kind, elections and
// snapshots, each oracle's verdict, stale reads by level, simulated time and the trace hash. The
// caller adds what only it can measure (wall time, time compression).

#include <string>

#include "sim/simulation.h"

namespace rq::sim {

std::string format_summary(const SimOptions& options, const SimResult& result);

// The command line that reproduces a run (the schedule file is named when the schedule was not the
// seed's own).
std::string reproduce_command(const SimOptions& options, const std::string& schedule_file = "");

}  // namespace rq::sim
