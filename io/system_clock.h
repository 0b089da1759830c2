#pragma once
// The real env::Clock: std::chrono::steady_clock for monotonic time, system_clock for the calendar.

#include <chrono>

#include "env/clock.h"

namespace rq::io {

class SystemClock final : public env::Clock {
public:
    [[nodiscard]] env::Duration monotonic_now() const override {
        return std::chrono::duration_cast<env::Duration>(std::chrono::steady_clock::now().time_since_epoch());
    }
    [[nodiscard]] env::Duration unix_now() const override {
        return std::chrono::duration_cast<env::Duration>(std::chrono::system_clock::now().time_since_epoch());
    }
};

}  // namespace rq::io
