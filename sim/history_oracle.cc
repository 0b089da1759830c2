#include "sim/history_oracle.h"

#include <algorithm>
#include <vector>

#include "check/report.h"

namespace rq::sim {

namespace {

// About 40 million search steps per check: deterministic, unlike a time limit.
check::CheckOptions budget() {
    check::CheckOptions options;
    auto polls = std::make_shared<std::uint64_t>(0);
    options.out_of_time = [polls] { return ++*polls > 10'000; };
    return options;
}

bool is_weak_read(const Recorder& recorder, const check::Operation& op) {
    const auto level = recorder.level_of(op.invoke_event);
    return level && (*level == node::ReadLevel::weak || *level == node::ReadLevel::none);
}

check::Verdict check_ops(const check::Model& model, const std::vector<check::Operation>& ops) {
    auto result = check::check_operations(model, ops, budget());
    if (!result.ok()) return check::Verdict::unknown;
    return result->verdict;
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
    auto result = check::check_operations(model, strong, budget());
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
    // Stale reads, key by key: all of a key's weak reads at once first (usually fine), one by one
    // only when that fails.
    for (auto& [key, weak] : weak_by_key) {
        for (const check::Operation& op : weak) {
            if (op.outcome == check::Outcome::ok) ++verdict.checked_reads[read_level_name(*recorder.level_of(op.invoke_event))];
        }
        const auto& base = strong_by_key[key];
        std::vector<check::Operation> together = base;
        together.insert(together.end(), weak.begin(), weak.end());
        std::sort(together.begin(), together.end(),
                  [](const check::Operation& a, const check::Operation& b) { return a.invoke_event < b.invoke_event; });
        if (check_ops(model, base) != check::Verdict::ok) continue;  // nothing to measure against
        if (check_ops(model, together) == check::Verdict::ok) continue;
        for (const check::Operation& read : weak) {
            if (read.outcome != check::Outcome::ok) continue;
            std::vector<check::Operation> one = base;
            one.insert(std::upper_bound(one.begin(), one.end(), read,
                                        [](const check::Operation& a, const check::Operation& b) {
                                            return a.invoke_event < b.invoke_event;
                                        }),
                       read);
            if (check_ops(model, one) == check::Verdict::illegal) {
                ++verdict.stale_reads[read_level_name(*recorder.level_of(read.invoke_event))];
            }
        }
    }
    return verdict;
}

}  // namespace rq::sim
