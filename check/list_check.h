#pragma once
// The linear-time check for an append-only list read whole (the `list` model).
//
// When every append on a key adds a distinct value, the longest read fixes the version order:
// every read must be a prefix of it, the k-th appended value is the k-th element, and a read of
// length k sits between the k-th and (k+1)-th appends. Appends no read saw come after every read
// (or, with unknown outcome, never happened). That leaves one candidate order, up to the order of
// reads of one version, which are best ordered by invocation. An order can be linearized within
// the operations' intervals iff no operation completes before an operation ordered ahead of it
// was invoked, which one pass with a running maximum checks.

#include <optional>
#include <span>

#include "check/checker.h"
#include "check/history.h"
#include "check/model.h"

namespace rq::check {

// Checks one key's list operations (validated by `model`, without fail or unconstrained
// operations, in invocation order). Returns nullopt when two appends add the same value: the
// version order is then ambiguous and the caller must search instead.
std::optional<PartitionResult> check_append_only_list(const Model& model, std::span<const Operation* const> ops);

}  // namespace rq::check
