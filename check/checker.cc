#include "check/checker.h"

#include <algorithm>
#include <map>

namespace rq::check {

namespace {

std::string where(const Operation& op, std::size_t index) {
    if (op.invoke_line != 0) return "line " + std::to_string(op.invoke_line);
    return "operation " + std::to_string(index) + " (process " + std::to_string(op.process) + ")";
}

Status validate_all(const Model& model, std::span<const Operation> ops) {
    for (std::size_t i = 0; i < ops.size(); ++i) {
        Status status = model.validate(ops[i]);
        if (!status.ok()) return status.error().with_context(where(ops[i], i));
    }
    return ok_status();
}

// The operations each key's check sees, in invocation order: failed ones never happened, and
// unconstrained ones fit anywhere.
std::map<std::string, std::vector<std::size_t>> partition_by_key(const Model& model, std::span<const Operation> ops) {
    std::vector<std::size_t> order(ops.size());
    for (std::size_t i = 0; i < ops.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return ops[a].invoke_event < ops[b].invoke_event; });
    std::map<std::string, std::vector<std::size_t>> keys;
    for (std::size_t i : order) {
        std::vector<std::size_t>& key = keys[ops[i].key];
        if (ops[i].outcome == Outcome::fail || model.is_unconstrained(ops[i])) continue;
        key.push_back(i);
    }
    return keys;
}

// Rewrites operation numbers from the key's own numbering to the caller's.
void to_global(Explanation& explanation, const std::vector<std::size_t>& global) {
    for (std::size_t& op : explanation.longest_prefix) op = global[op];
    for (std::size_t& op : explanation.unplaceable) op = global[op];
    if (explanation.blocking != kNoOperation) explanation.blocking = global[explanation.blocking];
}

// The search over the model's merged operations when it offers them (Model::merge_unobserved),
// with the explanation's state recomputed from the operations as recorded.
PartitionResult search_merged(const Model& model, std::span<const Operation* const> key_ops, const CheckOptions& options,
                              std::uint64_t& steps) {
    const std::optional<std::vector<Operation>> merged = model.merge_unobserved(key_ops);
    if (!merged) return search_partition(model, key_ops, options, steps);
    std::vector<const Operation*> merged_ops;
    merged_ops.reserve(merged->size());
    for (const Operation& op : *merged) merged_ops.push_back(&op);
    PartitionResult result = search_partition(model, merged_ops, options, steps);
    Value state = model.initial_state();
    for (std::size_t op : result.explanation.longest_prefix) {
        std::optional<Value> next = model.step(state, *key_ops[op]);
        RQ_ASSERT(next.has_value(), "a merged prefix the model accepts is accepted as recorded");
        state = std::move(*next);
    }
    result.explanation.state_after_prefix = std::move(state);
    return result;
}

PartitionResult check_key(const Model& model, std::span<const Operation> ops, const std::vector<std::size_t>& members,
                          const CheckOptions& options, std::uint64_t& steps) {
    std::vector<const Operation*> key_ops;
    key_ops.reserve(members.size());
    for (std::size_t i : members) key_ops.push_back(&ops[i]);
    std::optional<PartitionResult> result = model.check_fast(key_ops);
    if (!result) result = search_merged(model, key_ops, options, steps);
    to_global(result->explanation, members);
    return std::move(*result);
}

}  // namespace

const char* verdict_name(Verdict verdict) {
    switch (verdict) {
        case Verdict::ok: return "ok";
        case Verdict::illegal: return "not linearizable";
        case Verdict::unknown: return "unknown";
    }
    return "?";
}

std::size_t CheckResult::count(Verdict wanted) const {
    return static_cast<std::size_t>(
        std::count_if(keys.begin(), keys.end(), [&](const KeyResult& key) { return key.result.verdict == wanted; }));
}

Result<CheckResult> check_operations(const Model& model, std::span<const Operation> ops, const CheckOptions& options) {
    RQ_TRY_STATUS(validate_all(model, ops), std::string(model.name()) + " model");
    CheckResult check;
    std::uint64_t steps = 0;
    std::string skip_reason;  // once set, the remaining keys are not checked
    for (auto& [key, members] : partition_by_key(model, ops)) {
        KeyResult key_result;
        key_result.key = key;
        key_result.operations = members.size();
        if (!skip_reason.empty()) {
            key_result.result.verdict = Verdict::unknown;
            key_result.result.unknown_reason = skip_reason;
        } else {
            key_result.result = check_key(model, ops, members, options, steps);
        }
        const PartitionResult& result = key_result.result;
        if (result.verdict == Verdict::unknown && skip_reason.empty() && result.unknown_reason == kOutOfTime) {
            skip_reason = "not checked: out of time";
        }
        if (result.verdict == Verdict::illegal && options.stop_at_first_illegal) {
            skip_reason = "not checked: stopped at the first key not linearizable";
        }
        check.keys.push_back(std::move(key_result));
    }
    if (check.count(Verdict::illegal) > 0) {
        check.verdict = Verdict::illegal;
    } else if (check.count(Verdict::unknown) > 0) {
        check.verdict = Verdict::unknown;
    }
    return check;
}

}  // namespace rq::check
