#include "sim/node_clock.h"

#include "base/assert.h"

namespace rq::sim {

Duration NodeClock::monotonic_now() const {
    const std::int64_t elapsed = (world_.now() - anchor_world_).count();
    return anchor_local_ + Duration(elapsed + elapsed / 1'000'000 * drift_ppm_);
}

void NodeClock::set_drift(std::int64_t ppm) {
    RQ_ASSERT(ppm >= -max_drift_ppm && ppm <= max_drift_ppm, "drift out of bounds:", ppm);
    anchor_local_ = monotonic_now();
    anchor_world_ = world_.now();
    drift_ppm_ = ppm;
}

void NodeClock::jump_monotonic(Duration delta) {
    RQ_ASSERT(delta.count() >= 0, "the monotonic clock never goes back:", delta.count());
    anchor_local_ += delta;
}

Duration NodeClock::virtual_span(Duration local) const {
    const std::int64_t ns = local.count();
    return Duration(ns - ns / 1'000'000 * drift_ppm_);
}

}  // namespace rq::sim
