#include "sim/world.h"

#include <algorithm>

#include "base/assert.h"

namespace rq::sim {

bool World::later(const Pending& a, const Pending& b) {
    if (a.time != b.time) return a.time > b.time;
    return a.sequence > b.sequence;
}

std::uint32_t World::take_slot(std::uint64_t tag, Action action) {
    if (free_slots_.empty()) {
        slots_.push_back(Slot{tag, std::move(action)});
        return static_cast<std::uint32_t>(slots_.size() - 1);
    }
    const std::uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    slots_[slot] = Slot{tag, std::move(action)};
    return slot;
}

void World::at(Duration time, std::uint64_t tag, Action action) {
    RQ_ASSERT(time >= now_, "an event in the past:", time.count(), "now", now_.count());
    heap_.push_back(Pending{time, next_sequence_++, take_slot(tag, std::move(action))});
    std::push_heap(heap_.begin(), heap_.end(), later);
}

bool World::step(Duration until) {
    if (heap_.empty() || heap_.front().time > until) return false;
    std::pop_heap(heap_.begin(), heap_.end(), later);
    const Pending event = heap_.back();
    heap_.pop_back();
    // The action leaves its slot before it runs: it may schedule events that reuse the slot.
    Slot& slot = slots_[event.slot];
    const std::uint64_t tag = slot.tag;
    Action action = std::move(slot.action);
    slot.action = nullptr;
    free_slots_.push_back(event.slot);
    now_ = event.time;
    ++executed_;
    mix(static_cast<std::uint64_t>(event.time.count()));
    mix(tag);
    action();
    if (after_each_) after_each_();
    return true;
}

void World::run_until(Duration until, const std::function<bool()>& stop) {
    while (step(until)) {
        if (stop && stop()) return;
    }
    now_ = std::max(now_, until);
}

void World::mix(std::uint64_t value) {
    // FNV-1a over the value's 8 bytes, then a multiply-xorshift to spread them.
    for (int i = 0; i < 8; ++i) {
        hash_ ^= (value >> (8 * i)) & 0xff;
        hash_ *= 0x100000001b3ULL;
    }
    hash_ ^= hash_ >> 29;
}

}  // namespace rq::sim
