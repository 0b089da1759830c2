#pragma once
// Timers for the HTTP layer's own waiting (the queued-writes batch timeout, `?queue&wait` timeouts,
// retry back-off), behind an interface so tests drive them by hand instead of sleeping.
// AsioScheduler (server.h) runs them on the io_context; ManualScheduler below on demand.

#include <functional>
#include <map>
#include <memory>
#include <utility>

#include "env/clock.h"

namespace rq::http {

// Cancels a scheduled task when asked; cancelling after it ran (or twice) is harmless.
class TimerToken {
public:
    TimerToken() = default;
    explicit TimerToken(std::shared_ptr<bool> cancelled) : cancelled_(std::move(cancelled)) {}
    void cancel() {
        if (cancelled_) *cancelled_ = true;
    }

private:
    std::shared_ptr<bool> cancelled_;
};

class Scheduler {
public:
    virtual ~Scheduler() = default;
    // Runs `task` once on the event loop after `delay`, unless the token is cancelled first.
    virtual TimerToken after(env::Duration delay, std::function<void()> task) = 0;
};

// A scheduler whose time moves only in advance(); tasks run in due order (ties in schedule order).
class ManualScheduler final : public Scheduler {
public:
    TimerToken after(env::Duration delay, std::function<void()> task) override {
        auto cancelled = std::make_shared<bool>(false);
        tasks_.emplace(std::make_pair(now_ + delay, next_sequence_++), Task{std::move(task), cancelled});
        return TimerToken(cancelled);
    }

    // Moves time forward by `delta`, running every task that falls due (including ones scheduled by
    // tasks that run, if they fall due within the window).
    void advance(env::Duration delta) {
        const env::Duration until = now_ + delta;
        while (!tasks_.empty() && tasks_.begin()->first.first <= until) {
            auto node = tasks_.extract(tasks_.begin());
            now_ = node.key().first;
            if (!*node.mapped().cancelled) node.mapped().run();
        }
        now_ = until;
    }

    [[nodiscard]] std::size_t pending() const { return tasks_.size(); }

private:
    struct Task {
        std::function<void()> run;
        std::shared_ptr<bool> cancelled;
    };
    env::Duration now_{0};
    std::uint64_t next_sequence_ = 0;
    std::map<std::pair<env::Duration, std::uint64_t>, Task> tasks_;
};

}  // namespace rq::http
