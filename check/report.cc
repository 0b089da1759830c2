#include "check/report.h"

namespace rq::check {

namespace {

std::string quoted(const std::string& key) {
    std::string out;
    append_json_string(out, key);
    return out;
}

std::string describe_state(const Value& state) { return state.is_null() ? "nil" : state.to_json(); }

}  // namespace

std::string describe_operation(const Model& model, const Operation& op) {
    std::string text = "process " + std::to_string(op.process) + ", ";
    const bool completed = op.complete_event != kNoEvent;
    if (op.invoke_line != 0) {
        text += completed ? "lines " + std::to_string(op.invoke_line) + "-" + std::to_string(op.complete_line)
                          : "line " + std::to_string(op.invoke_line);
    } else {
        text += "t=" + std::to_string(op.invoke_time) + ".." + (completed ? std::to_string(op.complete_time) : "");
    }
    if (!completed) text += ", never completed";
    if (completed && op.outcome == Outcome::unknown) text += ", outcome unknown";
    return text + ": " + model.describe(op);
}

std::string explain_key(const Model& model, std::span<const Operation> ops, const KeyResult& key,
                        std::size_t prefix_tail, const std::string& indent) {
    const Explanation& explanation = key.result.explanation;
    std::string out;
    if (!explanation.reason.empty()) out += indent + explanation.reason + "\n";
    const std::size_t length = explanation.longest_prefix.size();
    out += indent + "longest linearizable prefix: " + std::to_string(length) + " of " +
           std::to_string(key.operations) + " operations";
    if (length > prefix_tail) out += ", the last " + std::to_string(prefix_tail) + " of them";
    out += length == 0 ? "\n" : ":\n";
    for (std::size_t i = length > prefix_tail ? length - prefix_tail : 0; i < length; ++i) {
        out += indent + "  " + std::to_string(i + 1) + ". " +
               describe_operation(model, ops[explanation.longest_prefix[i]]) + "\n";
    }
    out += indent + "state after it: " + describe_state(explanation.state_after_prefix) + "\n";
    if (explanation.unplaceable.empty()) return out;
    out += indent + "could not place next (blocking: the earliest completion among them):\n";
    for (std::size_t op : explanation.unplaceable) {
        const bool rejected = !model.step(explanation.state_after_prefix, ops[op]).has_value();
        out += indent + "  " + describe_operation(model, ops[op]) +
               (rejected ? "  [rejected in this state]" : "  [leads only to dead ends]") +
               (op == explanation.blocking ? "  [blocking]" : "") + "\n";
    }
    return out;
}

std::string describe_key(const Model& model, std::span<const Operation> ops, const KeyResult& key) {
    std::string out = "key " + quoted(key.key) + ": " + verdict_name(key.result.verdict) + " (" +
                      std::to_string(key.operations) + " operations";
    if (key.result.verdict == Verdict::unknown) out += "; " + key.result.unknown_reason;
    out += ")\n";
    if (key.result.verdict == Verdict::ok) return out;
    if (key.result.verdict == Verdict::unknown && key.result.explanation.longest_prefix.empty()) return out;
    return out + explain_key(model, ops, key);
}

}  // namespace rq::check
