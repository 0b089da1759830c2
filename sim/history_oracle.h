#pragma once
// The client-side oracles over a recorded history:
//   linearizability - writes and reads at linearizable and strong, per key, against the workload's
//                     model (check/): a violation fails the run;
//   stale reads     - a read at weak or none that provably missed a write acknowledged before it
//                     began is counted as stale (rqlite documents such reads): a measurement, never
//                     a failure.
// The checker gets a step budget instead of a clock: a history too hard to decide within it gets
// the verdict unknown, and the run fails as "linearizability undecided" (an undecided history
// proves nothing; `sim --history FILE` writes it for lincheck).

#include <cstdint>
#include <map>
#include <string>

#include "check/checker.h"
#include "check/model.h"
#include "sim/recorder.h"

namespace rq::sim {

struct HistoryVerdict {
    check::Verdict verdict = check::Verdict::ok;
    std::string explanation;  // for the first key not ok
    std::size_t operations_checked = 0;
    std::map<std::string, std::uint64_t> stale_reads;    // by level
    std::map<std::string, std::uint64_t> checked_reads;  // weak and none reads examined, by level
};

// `polls_max`: the checker's budget, in polls of 4,096 search steps.
HistoryVerdict check_history(const Recorder& recorder, const check::Model& model, std::uint64_t polls_max);

// The recorded history without reads at weak and none: what the linearizability oracle checks.
check::History checked_history(const Recorder& recorder);

}  // namespace rq::sim
