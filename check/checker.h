#pragma once
// The linearizability checker.
//
// A history is linearizable when its operations can be put in one sequence that (1) the model
// accepts, step by step, and (2) respects real time: an operation that completed before another
// was invoked comes first. Operations that failed are left out; operations with an unknown
// outcome may be placed anywhere after their invocation, or left out.
//
// Keys are independent objects, so a history is linearizable iff each key's sub-history is
// (P-compositionality, Horn & Kroening 2015); each key is checked alone. Per key the checker runs
// the Wing-Gong search with Lowe's refinements, as Porcupine does: a depth-first search over
// which pending operation to linearize next, with a memo of configurations (the set of operations
// linearized so far, the model state) already explored. Two reductions keep it small: (a) a
// configuration is stored compactly as the operations still open when the earliest pending
// completion is reached, not as a bitset over the whole key; (b) of two interchangeable operations
// (same f, input, output and outcome) where one was invoked first and completed no later, that one
// is always tried first, which prunes the orderings that differ only by swapping them. A model may
// also supply a faster exact check (the append-only list checks in linear time).
//
// The checker never reads a clock: the caller's `out_of_time` is polled every kStepsPerPoll search
// steps, and when it says so the remaining keys get the verdict unknown.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "check/history.h"
#include "check/model.h"

namespace rq::check {

enum class Verdict : std::uint8_t { ok, illegal, unknown };
const char* verdict_name(Verdict verdict);  // "ok", "not linearizable", "unknown"

inline constexpr std::size_t kNoOperation = static_cast<std::size_t>(-1);

// Why a key is not linearizable. Operation numbers index the span given to check_operations.
struct Explanation {
    // The longest sequence of this key's operations found that the model accepts and real time
    // allows, in linearization order.
    std::vector<std::size_t> longest_prefix;
    // The model state after longest_prefix.
    Value state_after_prefix;
    // The operations that could be placed next neither from that state nor later; each was either
    // rejected by the model in state_after_prefix or led only to dead ends.
    std::vector<std::size_t> unplaceable;
    // The operation whose completion the search could not get past (it had to be linearized by
    // then), or kNoOperation.
    std::size_t blocking = kNoOperation;
    // One sentence for structural violations a fast check finds (two reads of a list that cannot
    // both be right); empty when the explanation is just the above.
    std::string reason;
};

// The result for one key.
struct PartitionResult {
    Verdict verdict = Verdict::ok;
    Explanation explanation;     // set when verdict is illegal; best effort when unknown
    std::string unknown_reason;  // set when verdict is unknown
    std::uint64_t steps = 0;           // search steps taken (0 for a fast check)
    std::uint64_t configurations = 0;  // distinct configurations the search memoised
};

struct KeyResult {
    std::string key;
    std::size_t operations = 0;  // the key's operations that were checked (no fail, no unconstrained)
    PartitionResult result;
};

struct CheckResult {
    Verdict verdict = Verdict::ok;  // illegal if any key is; else unknown if any key is; else ok
    std::vector<KeyResult> keys;    // sorted by key
    [[nodiscard]] std::size_t count(Verdict verdict) const;
};

struct CheckOptions {
    // Polled every kStepsPerPoll search steps; returning true stops the search with verdict unknown.
    // Empty means no time limit. (The caller owns the clock: check/ never reads one.)
    std::function<bool()> out_of_time;
    // The search of one key (its memo of configurations and its interned states) may hold about
    // this many bytes; beyond it that key's verdict is unknown rather than memory running out.
    std::size_t memory_bytes_max = std::size_t{2} << 30;
    // Stop at the first key found not linearizable (the others are reported unknown).
    bool stop_at_first_illegal = false;
};

inline constexpr std::uint64_t kStepsPerPoll = 4096;
// PartitionResult::unknown_reason when CheckOptions::out_of_time said so.
inline constexpr std::string_view kOutOfTime = "out of time";

// Checks `ops` against `model`. Errors only for operations the model does not accept (bad input);
// the message names the line when the operation came from a file.
Result<CheckResult> check_operations(const Model& model, std::span<const Operation> ops,
                                     const CheckOptions& options = {});

// Checks one key's operations with the general search (no fast check). `ops` must be validated,
// hold no fail or unconstrained operations, and be in invocation order. Explanations index `ops`.
// `steps` counts search steps across calls for polling.
PartitionResult search_partition(const Model& model, std::span<const Operation* const> ops,
                                 const CheckOptions& options, std::uint64_t& steps);

}  // namespace rq::check
