#pragma once
// Runs a sweep's seeds one after another in one forked worker process. Forking per seed (as
// run_in_child does) costs a fork, an exit and a cold heap whose every page faults in again: a few
// milliseconds per seed, several percent of a sweep. An engine assertion still ends only its own
// seed: the worker dies, that seed's outcome is the assertion, and the next seed starts a new worker.
// A seed gives the same outcome and trace hash here as in a fresh process (a test holds this).

#include <cstdint>
#include <string>
#include <sys/types.h>

#include "cmd/sim/child.h"

namespace rq::sim::cli {

class SeedWorker {
public:
    // `options` are what every seed shares; run() sets the seed.
    explicit SeedWorker(SimOptions options);
    ~SeedWorker();
    SeedWorker(const SeedWorker&) = delete;
    SeedWorker& operator=(const SeedWorker&) = delete;

    ChildOutcome run(std::uint64_t seed);

private:
    void start();
    void stop();
    // Reads the worker's answer: a whole record, or everything it said before it died.
    ChildOutcome collect();
    void drain_errors();

    SimOptions options_;
    pid_t pid_ = -1;
    int request_fd_ = -1;
    int record_fd_ = -1;
    int error_fd_ = -1;
    std::string record_;
    std::string errors_;
};

}  // namespace rq::sim::cli
