#pragma once
// The reference the checker is compared against: try every order of every admissible subset of
// the operations. Exponential; for histories of a handful of operations only. Shares nothing
// with the checker but the model: no keys split, no memo, no interning, no pruning.

#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "check/history.h"
#include "check/model.h"

namespace rq::check::testing {

// True when some sequence of the operations (every ok one exactly once, any unknown one at most
// once, no failed one) is accepted by `model`, one object per key, and puts an operation after
// every operation that completed before it was invoked.
inline bool brute_force_linearizable(const Model& model, std::span<const Operation> ops) {
    std::vector<bool> used(ops.size(), false);
    std::map<std::string, Value> states;
    auto all_ok_placed = [&] {
        for (std::size_t i = 0; i < ops.size(); ++i) {
            if (ops[i].outcome == Outcome::ok && !used[i]) return false;
        }
        return true;
    };
    auto may_go_next = [&](std::size_t x) {
        for (std::size_t y = 0; y < ops.size(); ++y) {
            if (y != x && !used[y] && ops[y].outcome == Outcome::ok && ops[y].precedes(ops[x])) return false;
        }
        return true;
    };
    auto search = [&](auto& self) -> bool {
        if (all_ok_placed()) return true;
        for (std::size_t x = 0; x < ops.size(); ++x) {
            if (used[x] || ops[x].outcome == Outcome::fail || !may_go_next(x)) continue;
            const Value before = states.count(ops[x].key) ? states[ops[x].key] : model.initial_state();
            std::optional<Value> after = model.step(before, ops[x]);
            if (!after) continue;
            used[x] = true;
            states[ops[x].key] = *after;
            if (self(self)) return true;
            used[x] = false;
            states[ops[x].key] = before;
        }
        return false;
    };
    return search(search);
}

}  // namespace rq::check::testing
