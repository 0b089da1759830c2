#pragma once
// Interned model states and cached transitions for one key's search.
//
// The search compares and hashes states millions of times; Values are too slow for that. Each
// distinct state gets a small id (the initial state is 0), and the result of step(state, op) is
// computed once per (state id, operation) and kept, so the model runs only on cache misses.

#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "check/history.h"
#include "check/model.h"
#include "check/value.h"

namespace rq::check {

class StateSpace {
public:
    static constexpr std::int32_t kIllegal = -1;

    StateSpace(const Model& model, std::span<const Operation* const> ops);

    // The id of the state after ops[op] from state id `state`, or kIllegal when the model rejects it.
    std::int32_t next(std::uint32_t state, std::uint32_t op) {
        const std::vector<std::int32_t>& row = transitions_[op];
        if (state < row.size() && row[state] != kNotComputed) return row[state];
        return compute(state, op);
    }

    [[nodiscard]] const Value& state(std::uint32_t id) const { return states_[id]; }
    [[nodiscard]] std::size_t size() const { return states_.size(); }

private:
    static constexpr std::int32_t kNotComputed = -2;

    std::int32_t compute(std::uint32_t state, std::uint32_t op);
    std::uint32_t intern(Value value);

    const Model& model_;
    std::span<const Operation* const> ops_;
    std::vector<Value> states_;
    std::unordered_map<Value, std::uint32_t, ValueHash> ids_;
    std::vector<std::vector<std::int32_t>> transitions_;  // [op][state] -> next state id
};

}  // namespace rq::check
