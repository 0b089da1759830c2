#include "sim/shrink.h"

#include <algorithm>

namespace rq::sim {

namespace {

Schedule without(const Schedule& schedule, std::size_t begin, std::size_t end) {
    Schedule out(schedule.begin(), schedule.begin() + static_cast<std::ptrdiff_t>(begin));
    out.insert(out.end(), schedule.begin() + static_cast<std::ptrdiff_t>(end), schedule.end());
    return out;
}

}  // namespace

Schedule shrink_schedule(Schedule schedule, const std::function<bool(const Schedule&)>& fails, ShrinkStats* stats,
                         const std::function<void(const Schedule&)>& progress) {
    ShrinkStats local;
    ShrinkStats& s = stats ? *stats : local;
    auto attempt = [&](const Schedule& candidate) {
        ++s.runs;
        return fails(candidate);
    };
    // ddmin over complements: remove chunks of size n/2, n/4, ... while the failure persists.
    std::size_t chunks = 2;
    while (schedule.size() >= 2) {
        const std::size_t size = (schedule.size() + chunks - 1) / chunks;
        bool removed = false;
        for (std::size_t begin = 0; begin < schedule.size(); begin += size) {
            const Schedule candidate = without(schedule, begin, std::min(schedule.size(), begin + size));
            if (attempt(candidate)) {
                schedule = candidate;
                chunks = std::max<std::size_t>(chunks - 1, 2);
                removed = true;
                if (progress) progress(schedule);
                break;
            }
        }
        if (removed) continue;
        if (size == 1) break;
        chunks = std::min(schedule.size(), chunks * 2);
    }
    // One at a time until nothing more goes (ddmin's end state, made explicit for single events).
    for (bool changed = true; changed;) {
        changed = false;
        for (std::size_t i = 0; i < schedule.size(); ++i) {
            const Schedule candidate = without(schedule, i, i + 1);
            if (attempt(candidate)) {
                schedule = candidate;
                changed = true;
                if (progress) progress(schedule);
                break;
            }
        }
    }
    return schedule;
}

}  // namespace rq::sim
