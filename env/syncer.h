#pragma once
// Runs a blocking durability step (an fsync) and reports its outcome on the node's event loop.
// io/ runs the work on a helper thread and posts the completion back to the asio loop, so the loop
// keeps serving while the disk works; sim/ completes it after a simulated latency; InlineSyncer
// below runs it at once. Callers must not touch what the work touches until `done` runs.

#include <functional>

#include "base/result.h"

namespace rq::env {

class Syncer {
public:
    virtual ~Syncer() = default;
    virtual void run(std::function<Status()> work, std::function<void(Status)> done) = 0;
};

// Runs the work immediately; `done` is called before run() returns.
class InlineSyncer final : public Syncer {
public:
    void run(std::function<Status()> work, std::function<void(Status)> done) override { done(work()); }
};

}  // namespace rq::env
