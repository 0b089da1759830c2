#pragma once
// Interned model states and cached transitions for one key's search.
//
// The search compares and hashes states millions of times; Values are too slow for that. Each
// distinct state gets a small id (the initial state is 0), and the result of step(state, op) is
// computed once per (state id, operation) and kept, so the model runs only on cache misses.
// Most models have a handful of states (a register over a few values), so transitions from the
// first kDenseStates states sit in a flat table; the rest (a kv string per order of appends) go
// to a hash map, so memory follows the transitions actually taken.

#include <cstddef>
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
    static constexpr std::uint32_t kDenseStates = 16;

    StateSpace(const Model& model, std::span<const Operation* const> ops);

    // The id of the state after ops[op] from state id `state`, or kIllegal when the model rejects it.
    std::int32_t next(std::uint32_t state, std::uint32_t op) {
        if (state < kDenseStates) {
            const std::int32_t known = dense_[static_cast<std::size_t>(op) * kDenseStates + state];
            if (known != kNotComputed) return known;
        } else if (auto it = sparse_.find(sparse_key(state, op)); it != sparse_.end()) {
            return it->second;
        }
        return compute(state, op);
    }

    // Model::extends on state ids, cached.
    bool extends(std::uint32_t state, std::uint32_t base);
    // The id of `value` as a state, adding it if new.
    std::uint32_t intern(Value value);

    [[nodiscard]] const Value& state(std::uint32_t id) const { return *states_[id]; }
    [[nodiscard]] std::size_t size() const { return states_.size(); }
    // An estimate of the memory held, for the caller's limit.
    [[nodiscard]] std::size_t bytes() const;

private:
    static constexpr std::int32_t kNotComputed = -2;
    static std::uint64_t sparse_key(std::uint32_t state, std::uint32_t op) {
        return (static_cast<std::uint64_t>(state) << 32) | op;
    }

    std::int32_t compute(std::uint32_t state, std::uint32_t op);

    const Model& model_;
    std::span<const Operation* const> ops_;
    std::unordered_map<Value, std::uint32_t, ValueHash> ids_;
    std::vector<const Value*> states_;  // id -> the key in ids_ (nodes do not move)
    std::size_t state_bytes_ = 0;
    std::vector<std::int32_t> dense_;  // [op * kDenseStates + state]
    std::unordered_map<std::uint64_t, std::int32_t> sparse_;
    std::unordered_map<std::uint64_t, bool> extends_;
};

}  // namespace rq::check
