#pragma once
// Runs one simulation in a forked child process and reports what it found. An engine invariant
// (RQ_ASSERT) aborts the child: the parent turns that into the violation "engine assertion: ..."
// with the assertion's message, and a sweep or shrink goes on.

#include <cstdint>
#include <map>
#include <string>

#include "sim/simulation.h"

namespace rq::sim::cli {

struct ChildOutcome {
    bool passed = false;
    std::string violation;
    std::string summary;  // the child's formatted summary
    std::uint64_t trace_hash = 0;
    std::int64_t simulated_ns = 0;
    std::uint64_t events = 0;
    std::map<std::string, std::uint64_t> faults;       // applied, by kind
    std::map<std::string, std::uint64_t> stale_reads;  // by level
    std::map<std::string, std::uint64_t> checked_reads;
    std::uint64_t operations = 0;
};

// Files the child writes ("" for none): the trace, and the checked history as JSON lines.
struct ChildFiles {
    std::string trace;
    std::string history;
};

ChildOutcome run_in_child(const SimOptions& options, const ChildFiles& files = {});

// The record a run sends its parent (one "key value" per line), and what the parent makes of it:
// a child that exited without a whole record died, and its stderr says why.
std::string record_of(const SimOptions& options, const Result<SimResult>& result);
ChildOutcome outcome_of(const std::string& record, int wait_status, const std::string& errors);

// The property a violation names ("linearizability", "engine assertion", ...): the text before ':'.
std::string property_of(const std::string& violation);

}  // namespace rq::sim::cli
