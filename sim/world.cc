#include "sim/world.h"

#include <algorithm>

#include "base/assert.h"

namespace rq::sim {

bool World::later(const Pending& a, const Pending& b) {
    if (a.time != b.time) return a.time > b.time;
    return a.sequence > b.sequence;
}

void World::at(Duration time, std::uint64_t tag, Action action) {
    RQ_ASSERT(time >= now_, "an event in the past:", time.count(), "now", now_.count());
    heap_.push_back(Pending{time, next_sequence_++, tag, std::move(action)});
    std::push_heap(heap_.begin(), heap_.end(), later);
}

bool World::step(Duration until) {
    if (heap_.empty() || heap_.front().time > until) return false;
    std::pop_heap(heap_.begin(), heap_.end(), later);
    Pending event = std::move(heap_.back());
    heap_.pop_back();
    now_ = event.time;
    ++executed_;
    mix(static_cast<std::uint64_t>(event.time.count()));
    mix(event.tag);
    event.action();
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
