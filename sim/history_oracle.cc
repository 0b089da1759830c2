#include "sim/history_oracle.h"

#include <algorithm>
#include <set>
#include <span>
#include <vector>

#include "base/assert.h"
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
// A lower bound on staleness. Each key's writes are indexed once (KeyWrites), so a read costs a
// binary search and a lookup instead of a pass over the key's history.
class KeyWrites {
public:
    explicit KeyWrites(const std::vector<const check::Operation*>& ops) {
        std::vector<const check::Operation*> effective;
        for (const check::Operation* each : ops) {
            const check::Operation& op = *each;
            const check::Value* value = written_value(op);
            if (value && op.outcome != check::Outcome::fail) source_[value->to_json()] = &op;
            if (!took_effect(op)) continue;
            effective.push_back(&op);
            if (op.f == "append") appends_.emplace(op.input.to_json(), &op);
        }
        std::sort(effective.begin(), effective.end(),
                  [](const check::Operation* a, const check::Operation* b) { return a->complete_event < b->complete_event; });
        for (const check::Operation* op : effective) {
            completed_.push_back(op->complete_event);
            latest_invoke_.push_back(std::max(latest_invoke_.empty() ? 0 : latest_invoke_.back(), op->invoke_event));
        }
    }

    [[nodiscard]] bool provably_stale(const check::Operation& read) const {
        // Effective writes that completed before the read began: the first `before` of them.
        const auto before = static_cast<std::size_t>(
            std::lower_bound(completed_.begin(), completed_.end(), read.invoke_event) - completed_.begin());
        if (read.output.is_list()) return list_stale(read, before);
        const auto found = read.output.is_null() ? source_.end() : source_.find(read.output.to_json());
        if (!read.output.is_null() && found == source_.end()) return true;  // a value nobody wrote
        if (before == 0) return false;
        if (found == source_.end()) return true;  // read nothing, after a write completed
        // Overwritten for sure: a write that began after the source completed finished before the read.
        const check::Operation& source = *found->second;
        return source.outcome == check::Outcome::ok && latest_invoke_[before - 1] > source.complete_event;
    }

private:
    // Stale when fewer of the acknowledged appends completed before the read are in it than there are.
    [[nodiscard]] bool list_stale(const check::Operation& read, std::size_t before) const {
        std::set<std::string> seen;
        for (const check::Value& value : read.output.as_list()) seen.insert(value.to_json());
        std::size_t reflected = 0;
        for (const std::string& value : seen) {
            const auto [first, last] = appends_.equal_range(value);
            for (auto it = first; it != last; ++it) reflected += it->second->complete_event < read.invoke_event;
        }
        return reflected < before;
    }

    std::map<std::string, const check::Operation*> source_;  // value -> the last operation that wrote it
    std::multimap<std::string, const check::Operation*> appends_;
    std::vector<std::size_t> completed_;      // complete events of effective writes, ascending
    std::vector<std::size_t> latest_invoke_;  // the latest invoke event among the first i + 1 of them
};

bool is_weak_read(const Recorder& recorder, std::size_t invoke_event) {
    const auto level = recorder.level_of(invoke_event);
    return level && (*level == node::ReadLevel::weak || *level == node::ReadLevel::none);
}


}  // namespace

check::History checked_history(const Recorder& recorder) {
    check::History checked;
    std::map<check::ProcessId, bool> weak_in_flight;  // process -> its operation is a weak read
    const std::vector<check::Event>& events = recorder.history().events();
    for (std::size_t i = 0; i < events.size(); ++i) {
        const check::Event& event = events[i];
        if (event.type == check::EventType::invoke) weak_in_flight[event.process] = is_weak_read(recorder, i);
        if (weak_in_flight[event.process]) continue;
        const Status added = checked.add(event);
        RQ_ASSERT(added.ok(), "a sub-history of a valid history is valid");
    }
    return checked;
}

HistoryVerdict check_history(const Recorder& recorder, const check::Model& model, std::uint64_t polls_max) {
    HistoryVerdict verdict;
    std::vector<check::Operation> all = recorder.history().operations();
    // Strong operations first (the checker takes them as one span), weak reads after them.
    const auto weak_begin = std::stable_partition(all.begin(), all.end(), [&recorder](const check::Operation& op) {
        return !is_weak_read(recorder, op.invoke_event);
    });
    const std::span<const check::Operation> strong(all.data(), static_cast<std::size_t>(weak_begin - all.begin()));
    std::map<std::string, std::vector<const check::Operation*>> strong_by_key;
    std::map<std::string, std::vector<const check::Operation*>> weak_by_key;
    for (auto op = all.begin(); op != all.end(); ++op) {
        (op < weak_begin ? strong_by_key : weak_by_key)[op->key].push_back(&*op);
    }
    verdict.operations_checked = strong.size();
    auto result = check::check_operations(model, strong, budget(polls_max));
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
        const KeyWrites writes(strong_by_key[key]);
        for (const check::Operation* each : weak) {
            const check::Operation& read = *each;
            if (read.outcome != check::Outcome::ok) continue;
            const char* level = read_level_name(*recorder.level_of(read.invoke_event));
            ++verdict.checked_reads[level];
            if (writes.provably_stale(read)) ++verdict.stale_reads[level];
        }
    }
    return verdict;
}

}  // namespace rq::sim
