#pragma once
// Shrinking a failing schedule: delta debugging over the list of fault events (Zeller's ddmin,
// complements only, then one event at a time). `fails` runs a candidate and says whether the
// failure persists; the result is a schedule from which no single event can be removed.

#include <cstddef>
#include <functional>

#include "sim/schedule.h"

namespace rq::sim {

struct ShrinkStats {
    std::size_t runs = 0;
};

Schedule shrink_schedule(Schedule schedule, const std::function<bool(const Schedule&)>& fails,
                         ShrinkStats* stats = nullptr,
                         const std::function<void(const Schedule&)>& progress = {});

}  // namespace rq::sim
