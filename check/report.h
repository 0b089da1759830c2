#pragma once
// Text for people: one operation, one key's failure, one history's verdict. Deterministic (no
// timings), so tests and simulator traces can compare it.

#include <cstddef>
#include <span>
#include <string>

#include "check/checker.h"
#include "check/history.h"
#include "check/model.h"

namespace rq::check {

// "process 4, lines 40-45: read() -> 1", or with times when the operation has no lines:
// "process 4, t=10..20: read() -> 1"; "line 40, never completed" or "t=10.., never completed"
// for a crashed client, ", outcome unknown" for a timeout.
std::string describe_operation(const Model& model, const Operation& op);

// The explanation of a key that is not linearizable (or unknown): the end of the longest
// linearizable prefix (at most `prefix_tail` operations of it), the state it leaves, and every
// operation that could not be placed next, each marked "rejected in this state" or "dead end".
// Lines are indented by `indent` and end in '\n'.
std::string explain_key(const Model& model, std::span<const Operation> ops, const KeyResult& key,
                        std::size_t prefix_tail = 8, const std::string& indent = "    ");

// "key \"x\": not linearizable (12 operations)" and, unless ok, the explanation.
std::string describe_key(const Model& model, std::span<const Operation> ops, const KeyResult& key);

}  // namespace rq::check
