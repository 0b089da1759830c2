#pragma once
// Linearizable histories made up from a sequential execution, for tests and benchmarks.
//
// Each process loops: invoke an operation on a random key, later apply it to the model (its
// linearization point, which fixes its output), later complete it. The scheduler picks a random
// process to advance at every step, so intervals overlap at random. Some operations can be made
// to time out (unknown outcome: applied before, after, or never), fail (never applied), or crash
// (never completed; the process comes back under a new id). The result is linearizable by
// construction, with the true linearization order recorded for tests that plant anomalies.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/random.h"
#include "check/history.h"
#include "check/model.h"

namespace rq::check {

struct GenerateOptions {
    std::size_t operations = 1000;
    std::size_t keys = 1;
    std::size_t processes = 5;
    std::int64_t values = 5;  // registers write values in [0, values); 0 means a fresh value each write
    bool kv_put = true;       // kv histories use put as well as get and append
    // kv and list: values put or appended come from [0, repeated_values); 0 means a fresh value
    // each time. Repeats make interchangeable operations (and, for list, the general search).
    std::int64_t repeated_values = 0;
    // Out of 1000 operations, how many end each way (the rest complete ok).
    std::uint32_t unknown_per_mille = 0;
    std::uint32_t fail_per_mille = 0;
    std::uint32_t crash_per_mille = 0;
};

struct GeneratedHistory {
    History history;
    // Invocation event indexes of the operations that took effect, in the order they did.
    std::vector<std::size_t> linearization;
};

// Makes a history for `model` (one of find_model's). Deterministic for a given `random` state.
GeneratedHistory generate_linearizable_history(const Model& model, const GenerateOptions& options, Random& random);

}  // namespace rq::check
