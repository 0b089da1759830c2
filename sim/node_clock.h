#pragma once
// One node's clock in the simulated world: the virtual time of the world as that node's hardware
// sees it. It runs fast or slow by a drift (parts per million, bounded so it always moves forward),
// and can jump: the monotonic clock only forwards (a stalled VM catching up), the wall clock either
// way (an NTP step). Monotonic time never goes back on one node, crashes included: the clock is the
// machine's, not the process's.

#include <cstdint>

#include "env/clock.h"
#include "sim/world.h"

namespace rq::sim {

inline constexpr std::int64_t max_drift_ppm = 1000;

class NodeClock final : public env::Clock {
public:
    NodeClock(const World& world, Duration unix_origin) : world_(world), unix_offset_(unix_origin) {}

    [[nodiscard]] Duration monotonic_now() const override;
    [[nodiscard]] Duration unix_now() const override { return unix_offset_ + monotonic_now(); }

    // Changes the rate from now on; |ppm| <= max_drift_ppm.
    void set_drift(std::int64_t ppm);
    [[nodiscard]] std::int64_t drift_ppm() const { return drift_ppm_; }
    // Monotonic (and wall) time leap forward by `delta` >= 0.
    void jump_monotonic(Duration delta);
    // Wall time alone moves by `delta`, either way.
    void jump_unix(Duration delta) { unix_offset_ += delta; }
    // Virtual time that passes while this clock advances by `local` (for scheduling its ticks).
    [[nodiscard]] Duration virtual_span(Duration local) const;

private:
    const World& world_;
    Duration unix_offset_;
    Duration anchor_world_{0};
    Duration anchor_local_{0};
    std::int64_t drift_ppm_ = 0;
};

}  // namespace rq::sim
