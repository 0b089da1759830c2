#include "io/thread_syncer.h"

#include <boost/asio/post.hpp>

namespace rq::io {

ThreadSyncer::ThreadSyncer(boost::asio::io_context& io) : io_(io), thread_([this] { worker(); }) {}

ThreadSyncer::~ThreadSyncer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void ThreadSyncer::run(std::function<Status()> work, std::function<void(Status)> done) {
    {
        std::lock_guard lock(mutex_);
        jobs_.push_back(Job{std::move(work), std::move(done)});
    }
    wake_.notify_one();
}

bool ThreadSyncer::busy() const {
    std::lock_guard lock(mutex_);
    return running_job_ || !jobs_.empty();
}

void ThreadSyncer::worker() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // stopping, and nothing left to make durable
        Job job = std::move(jobs_.front());
        jobs_.pop_front();
        running_job_ = true;
        lock.unlock();
        Status status = job.work();
        // The completion runs on the loop; `busy()` stays true until it was posted, so a caller that
        // waits for !busy() and then drains the loop sees the completion.
        boost::asio::post(io_, [done = std::move(job.done), status = std::move(status)]() mutable {
            done(std::move(status));
        });
        lock.lock();
        running_job_ = false;
    }
}

}  // namespace rq::io
