#pragma once
// env::Syncer for the real world: the durability work (an fdatasync) runs on one helper thread and
// its completion is posted back to the event loop, so the loop keeps accepting requests, applying
// reads and receiving messages while the disk works. The driver starts no new sync while one runs;
// whatever arrives meanwhile is covered by the next one (group commit, node/driver.cc).
//
// Work items run one at a time in submission order. The destructor finishes the queued work, then
// joins the thread; completions of work that finishes after the io_context stopped are dropped.

// Boost 1.74's asio needs <utility> before it under C++20.
#include <utility>

#include <boost/asio/io_context.hpp>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "env/syncer.h"

namespace rq::io {

class ThreadSyncer final : public env::Syncer {
public:
    explicit ThreadSyncer(boost::asio::io_context& io);
    ~ThreadSyncer() override;
    ThreadSyncer(const ThreadSyncer&) = delete;
    ThreadSyncer& operator=(const ThreadSyncer&) = delete;

    void run(std::function<Status()> work, std::function<void(Status)> done) override;

    // True while work is queued or running (called on the loop thread, e.g. before a clean close).
    [[nodiscard]] bool busy() const;

private:
    struct Job {
        std::function<Status()> work;
        std::function<void(Status)> done;
    };

    void worker();

    boost::asio::io_context& io_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Job> jobs_;
    bool running_job_ = false;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace rq::io
