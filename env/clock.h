#pragma once
// The environment's clock. Engine code (raft/, store/, wal/, the driver, sim/, check/) never reads a
// real clock: it is handed a Clock. io/ implements it with the steady and system clocks; sim/ with
// virtual time; ManualClock below is for tests.

#include <chrono>
#include <cstdint>

namespace rq::env {

using Duration = std::chrono::nanoseconds;

class Clock {
public:
    virtual ~Clock() = default;
    // Monotonic time since an arbitrary origin: never goes back. Use for timeouts and durations.
    [[nodiscard]] virtual Duration monotonic_now() const = 0;
    // Wall-clock time since the Unix epoch. May jump (and, in the simulator, drift): use only where a
    // calendar time is meant, such as rewriting datetime('now') or reporting times in /status.
    [[nodiscard]] virtual Duration unix_now() const = 0;
};

// A clock that moves only when told to.
class ManualClock final : public Clock {
public:
    explicit ManualClock(Duration unix_origin = std::chrono::seconds(1'700'000'000)) : unix_origin_(unix_origin) {}

    [[nodiscard]] Duration monotonic_now() const override { return monotonic_; }
    [[nodiscard]] Duration unix_now() const override { return unix_origin_ + monotonic_; }

    void advance(Duration delta) { monotonic_ += delta; }

private:
    Duration unix_origin_;
    Duration monotonic_{0};
};

}  // namespace rq::env
