#pragma once
// A second reference for the checker, for histories too long for brute force: the textbook
// memoised search over (set of operations placed, state), one key at a time, with none of the
// checker's prunings or encodings. Slow, simple, and obviously complete.

#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "check/history.h"
#include "check/model.h"

namespace rq::check::testing {

class PlainSearch {
public:
    PlainSearch(const Model& model, std::vector<const Operation*> ops) : model_(model), ops_(std::move(ops)) {}

    // The verdict, or nullopt when more than `configurations_max` configurations had to be explored.
    std::optional<bool> run(std::size_t configurations_max) {
        configurations_max_ = configurations_max;
        std::vector<bool> placed(ops_.size(), false);
        const bool linearizable = search(placed, model_.initial_state());
        if (seen_.size() > configurations_max_) return std::nullopt;
        return linearizable;
    }

private:
    bool search(std::vector<bool>& placed, const Value& state) {
        if (seen_.size() > configurations_max_) return false;  // over budget: unwind
        std::size_t earliest = kNoEvent;  // the first completion among the definite operations left
        for (std::size_t i = 0; i < ops_.size(); ++i) {
            if (!placed[i] && ops_[i]->outcome == Outcome::ok) earliest = std::min(earliest, ops_[i]->complete_event);
        }
        if (earliest == kNoEvent) return true;  // what is left may never have happened
        if (!seen_.emplace(placed, state.to_json()).second) return false;
        for (std::size_t i = 0; i < ops_.size(); ++i) {
            if (placed[i] || ops_[i]->invoke_event > earliest) continue;
            std::optional<Value> after = model_.step(state, *ops_[i]);
            if (!after) continue;
            placed[i] = true;
            if (search(placed, *after)) return true;
            placed[i] = false;
        }
        return false;
    }

    const Model& model_;
    std::vector<const Operation*> ops_;
    std::set<std::pair<std::vector<bool>, std::string>> seen_;
    std::size_t configurations_max_ = 0;
};

// True when every key's operations (without the failed ones) pass the plain search; nullopt when
// a key needs more than `configurations_max` configurations (the search is exponential: callers
// skip such histories rather than wait).
inline std::optional<bool> plain_search_linearizable(const Model& model, std::span<const Operation> ops,
                                                     std::size_t configurations_max) {
    std::map<std::string, std::vector<const Operation*>> keys;
    for (const Operation& op : ops) {
        if (op.outcome != Outcome::fail) keys[op.key].push_back(&op);
    }
    for (auto& [key, key_ops] : keys) {
        const std::optional<bool> linearizable = PlainSearch(model, key_ops).run(configurations_max);
        if (linearizable != true) return linearizable;
    }
    return true;
}

}  // namespace rq::check::testing
