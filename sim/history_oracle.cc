#include "sim/history_oracle.h"

#include <algorithm>
#include <vector>

#include "check/report.h"

namespace rq::sim {

namespace {

// A budget of search steps (polled every 4096, about 40 million in all) instead of a clock:
// deterministic.
check::CheckOptions budget(std::uint64_t polls_max) {
    check::CheckOptions options;
    auto polls = std::make_shared<std::uint64_t>(0);
    options.out_of_time = [polls, polls_max] { return ++*polls > polls_max; };
    return options;
}

constexpr std::uint64_t verdict_polls = 10'000;

// Whether `op` certainly took effect: an acknowledged write or append, or a cas that said yes.
bool took_effect(const check::Operation& op) {
    if (op.outcome != check::Outcome::ok) return false;
    if (op.f == "cas") return op.output.is_bool() && op.output.as_bool();
    return op.f == "write" || op.f == "append";
}

// The value an effective register operation leaves.
const check::Value* written_value(const check::Operation& op) {
    if (op.f == "write") return &op.input;
    if (op.f == "cas" && op.input.is_list() && op.input.as_list().size() == 2) return &op.input.as_list()[1];
    return nullptr;
}

// A read is provably stale when a write that certainly took effect completed before the read began
// and the read does not reflect it: for a register, the value read was overwritten by then (every
// value is written once, so the read's value comes from one write, which completed before that
// overwrite began) or nothing had been written; for a list, an acknowledged append is missing.
// A lower bound on staleness, in linear time per read, instead of a search per read.
bool provably_stale(const std::vector<check::Operation>& ops, const check::Operation& read) {
    if (read.output.is_list()) {
        for (const check::Operation& op : ops) {
            if (op.f != "append" || !took_effect(op) || op.complete_event >= read.invoke_event) continue;
            const auto& seen = read.output.as_list();
            if (std::find(seen.begin(), seen.end(), op.input) == seen.end()) return true;
        }
        return false;
    }
    const check::Operation* source = nullptr;  // the operation that wrote the value read
    for (const check::Operation& op : ops) {
        const check::Value* value = written_value(op);
        if (value && !read.output.is_null() && *value == read.output && op.outcome != check::Outcome::fail) source = &op;
    }
    if (!read.output.is_null() && !source) return true;  // a value nobody wrote
    for (const check::Operation& op : ops) {
        if (!took_effect(op) || op.complete_event >= read.invoke_event) continue;
        // Overwritten for sure: op began after the source completed (or there was no source).
        if (!source) return true;
        if (source->outcome == check::Outcome::ok && op.invoke_event > source->complete_event) return true;
    }
    return false;
}

bool is_weak_read(const Recorder& recorder, const check::Operation& op) {
    const auto level = recorder.level_of(op.invoke_event);
    return level && (*level == node::ReadLevel::weak || *level == node::ReadLevel::none);
}


}  // namespace

HistoryVerdict check_history(const Recorder& recorder, const check::Model& model) {
    HistoryVerdict verdict;
    const std::vector<check::Operation> all = recorder.history().operations();
    std::map<std::string, std::vector<check::Operation>> strong_by_key;
    std::map<std::string, std::vector<check::Operation>> weak_by_key;
    std::vector<check::Operation> strong;
    for (const check::Operation& op : all) {
        if (is_weak_read(recorder, op)) {
            weak_by_key[op.key].push_back(op);
        } else {
            strong.push_back(op);
            strong_by_key[op.key].push_back(op);
        }
    }
    verdict.operations_checked = strong.size();
    auto result = check::check_operations(model, strong, budget(verdict_polls));
    if (!result.ok()) {
        verdict.verdict = check::Verdict::unknown;
        verdict.explanation = "the history does not fit the model: " + result.error().message();
        return verdict;
    }
    verdict.verdict = result->verdict;
    for (const check::KeyResult& key : result->keys) {
        if (key.result.verdict == check::Verdict::ok) continue;
        if (verdict.explanation.empty()) {
            verdict.explanation = "key " + key.key + ": " + check::verdict_name(key.result.verdict);
            if (key.result.verdict == check::Verdict::unknown) verdict.explanation += " (" + key.result.unknown_reason + ")";
        }
    }
    if (result->verdict == check::Verdict::illegal) {
        for (const check::KeyResult& key : result->keys) {
            if (key.result.verdict != check::Verdict::illegal) continue;
            verdict.explanation += "\n" + check::explain_key(model, strong, key);
            break;
        }
    }
    for (auto& [key, weak] : weak_by_key) {
        for (const check::Operation& read : weak) {
            if (read.outcome != check::Outcome::ok) continue;
            const char* level = read_level_name(*recorder.level_of(read.invoke_event));
            ++verdict.checked_reads[level];
            if (provably_stale(strong_by_key[key], read)) ++verdict.stale_reads[level];
        }
    }
    return verdict;
}

}  // namespace rq::sim
