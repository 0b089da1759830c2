#include "io/periodic_timer.h"

namespace rq::io {

PeriodicTimer::PeriodicTimer(boost::asio::io_context& io, env::Duration interval, std::function<void()> on_tick)
    : timer_(io), interval_(interval), on_tick_(std::move(on_tick)) {}

PeriodicTimer::~PeriodicTimer() {
    *alive_ = false;
    stop();
}

void PeriodicTimer::start() {
    if (running_) return;
    running_ = true;
    arm();
}

void PeriodicTimer::stop() {
    running_ = false;
    timer_.cancel();
}

void PeriodicTimer::arm() {
    timer_.expires_after(std::chrono::duration_cast<boost::asio::steady_timer::duration>(interval_));
    std::weak_ptr<bool> alive = alive_;
    timer_.async_wait([this, alive](const boost::system::error_code& error) {
        if (error || alive.expired() || !running_) return;
        on_tick_();
        if (running_) arm();
    });
}

}  // namespace rq::io
