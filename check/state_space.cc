#include "check/state_space.h"

#include <limits>
#include <utility>

#include "base/assert.h"

namespace rq::check {

namespace {

// Roughly what a value holds on the heap beside itself.
std::size_t heap_bytes(const Value& value) {
    if (value.is_string()) return value.as_string().capacity();
    if (!value.is_list()) return 0;
    std::size_t bytes = value.as_list().capacity() * sizeof(Value);
    for (const Value& item : value.as_list()) bytes += heap_bytes(item);
    return bytes;
}

}  // namespace

StateSpace::StateSpace(const Model& model, std::span<const Operation* const> ops)
    : model_(model), ops_(ops), dense_(ops.size() * kDenseStates, kNotComputed) {
    intern(model.initial_state());
}

std::size_t StateSpace::bytes() const {
    // A node-based map costs about its entry plus two pointers per element.
    const std::size_t id_entry = sizeof(Value) + sizeof(std::uint32_t) + 2 * sizeof(void*);
    const std::size_t sparse_entry = sizeof(std::uint64_t) + sizeof(std::int32_t) + 2 * sizeof(void*);
    return states_.capacity() * sizeof(const Value*) + ids_.size() * id_entry + state_bytes_ +
           dense_.capacity() * sizeof(std::int32_t) + (sparse_.size() + extends_.size()) * sparse_entry;
}

std::int32_t StateSpace::compute(std::uint32_t state, std::uint32_t op) {
    RQ_ASSERT(state < states_.size() && op < ops_.size(), state, op);
    std::optional<Value> after = model_.step(*states_[state], *ops_[op]);
    const std::int32_t result = after ? static_cast<std::int32_t>(intern(std::move(*after))) : kIllegal;
    if (state < kDenseStates) {
        dense_[static_cast<std::size_t>(op) * kDenseStates + state] = result;
    } else {
        sparse_.emplace(sparse_key(state, op), result);
    }
    return result;
}

bool StateSpace::extends(std::uint32_t state, std::uint32_t base) {
    const std::uint64_t key = sparse_key(state, base);
    if (auto it = extends_.find(key); it != extends_.end()) return it->second;
    const bool result = model_.extends(*states_[state], *states_[base]);
    extends_.emplace(key, result);
    return result;
}

std::uint32_t StateSpace::intern(Value value) {
    auto it = ids_.find(value);
    if (it != ids_.end()) return it->second;
    RQ_ASSERT(states_.size() < static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()));
    const auto id = static_cast<std::uint32_t>(states_.size());
    state_bytes_ += heap_bytes(value);
    auto inserted = ids_.emplace(std::move(value), id).first;
    states_.push_back(&inserted->first);
    return id;
}

}  // namespace rq::check
