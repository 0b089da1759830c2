#include "check/memo.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace rq::check {

ConfigurationMemo::ConfigurationMemo(std::size_t bytes_max) : bytes_max_(bytes_max), slots_(1024) {}

std::size_t ConfigurationMemo::bytes() const {
    return slots_.capacity() * sizeof(Slot) + arena_.capacity() * sizeof(std::uint32_t);
}

bool ConfigurationMemo::equal(const Slot& slot, std::span<const std::uint32_t> key, std::uint32_t state) const {
    if (slot.state != state || arena_[slot.offset] != key.size()) return false;
    return std::memcmp(&arena_[slot.offset + 1], key.data(), key.size_bytes()) == 0;
}

bool ConfigurationMemo::grow() {
    const std::size_t grown = slots_.size() * 2;
    if (grown * sizeof(Slot) + arena_.capacity() * sizeof(std::uint32_t) > bytes_max_) return false;
    std::vector<Slot> old(grown);
    old.swap(slots_);
    const std::size_t mask = slots_.size() - 1;
    for (const Slot& slot : old) {
        if (slot.offset == kEmpty) continue;
        std::size_t i = static_cast<std::size_t>(slot.hash) & mask;
        while (slots_[i].offset != kEmpty) i = (i + 1) & mask;
        slots_[i] = slot;
    }
    return true;
}

ConfigurationMemo::Insert ConfigurationMemo::insert(std::uint64_t hash, std::span<const std::uint32_t> key,
                                                    std::uint32_t state) {
    std::size_t mask = slots_.size() - 1;
    std::size_t i = static_cast<std::size_t>(hash) & mask;
    while (slots_[i].offset != kEmpty) {
        if (slots_[i].hash == hash && equal(slots_[i], key, state)) return Insert::present;
        i = (i + 1) & mask;
    }
    // Keep the load under one half so probes stay short.
    if ((size_ + 1) * 2 > slots_.size()) {
        if (!grow()) return Insert::full;
        mask = slots_.size() - 1;
        i = static_cast<std::size_t>(hash) & mask;
        while (slots_[i].offset != kEmpty) i = (i + 1) & mask;
    }
    const std::size_t needed = arena_.size() + key.size() + 1;
    if (needed >= std::numeric_limits<std::uint32_t>::max()) return Insert::full;
    if (needed > arena_.capacity()) {
        const std::size_t capacity = std::max(needed, arena_.capacity() * 2);
        if (slots_.size() * sizeof(Slot) + capacity * sizeof(std::uint32_t) > bytes_max_) return Insert::full;
        arena_.reserve(capacity);
    }
    slots_[i].hash = hash;
    slots_[i].state = state;
    slots_[i].offset = static_cast<std::uint32_t>(arena_.size());
    arena_.push_back(static_cast<std::uint32_t>(key.size()));
    arena_.insert(arena_.end(), key.begin(), key.end());
    ++size_;
    return Insert::added;
}

}  // namespace rq::check
