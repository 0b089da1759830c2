#pragma once
// Calls a function on the event loop at a fixed interval (the engine's tick), on a steady clock.
// Late ticks are not made up: after a stall the next tick comes one interval after the late one, so a
// paused process does not fire a burst of elections when it wakes.

// Boost 1.74's asio needs <utility> before it under C++20.
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>

#include "env/clock.h"

namespace rq::io {

class PeriodicTimer {
public:
    PeriodicTimer(boost::asio::io_context& io, env::Duration interval, std::function<void()> on_tick);
    ~PeriodicTimer();
    PeriodicTimer(const PeriodicTimer&) = delete;
    PeriodicTimer& operator=(const PeriodicTimer&) = delete;

    void start();
    void stop();

private:
    void arm();

    boost::asio::steady_timer timer_;
    env::Duration interval_;
    std::function<void()> on_tick_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    bool running_ = false;
};

}  // namespace rq::io
