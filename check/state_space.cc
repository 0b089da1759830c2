#include "check/state_space.h"

#include <limits>
#include <utility>

#include "base/assert.h"

namespace rq::check {

StateSpace::StateSpace(const Model& model, std::span<const Operation* const> ops)
    : model_(model), ops_(ops), transitions_(ops.size()) {
    intern(model.initial_state());
}

std::int32_t StateSpace::compute(std::uint32_t state, std::uint32_t op) {
    RQ_ASSERT(state < states_.size() && op < ops_.size(), state, op);
    std::optional<Value> after = model_.step(states_[state], *ops_[op]);
    const std::int32_t result = after ? static_cast<std::int32_t>(intern(std::move(*after))) : kIllegal;
    std::vector<std::int32_t>& row = transitions_[op];
    if (row.size() <= state) row.resize(state + 1, kNotComputed);
    row[state] = result;
    return result;
}

std::uint32_t StateSpace::intern(Value value) {
    auto it = ids_.find(value);
    if (it != ids_.end()) return it->second;
    RQ_ASSERT(states_.size() < static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()));
    const auto id = static_cast<std::uint32_t>(states_.size());
    states_.push_back(value);
    ids_.emplace(std::move(value), id);
    return id;
}

}  // namespace rq::check
