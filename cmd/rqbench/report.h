#pragma once
// rqbench's output: a few aligned lines for people, or with -json one JSON object (one line) for
// scripts. Rates count successful requests only: requests/s = ok / elapsed wall-clock time, and
// statements/s = ok * statements per request / elapsed. (rqlite's rqbench divides by the sum of
// per-request latencies instead, which is the same thing with one client and no errors.)
// Latencies are of successful requests, from the histogram (at most 0.8% above the true value).

#include <chrono>
#include <optional>
#include <string>

#include "cmd/rqbench/load_runner.h"
#include "cmd/rqbench/options.h"

namespace rq::rqbench {

struct Report {
    const Options& options;
    std::string workload;  // Workload::description()
    const LoadResult& load;
    std::optional<std::chrono::nanoseconds> queue_wait;  // -q: the closing queue&wait request's time

    [[nodiscard]] double requests_per_second() const;
    [[nodiscard]] double statements_per_second() const;
};

std::string format_text(const Report& report);
std::string format_json(const Report& report);

}  // namespace rq::rqbench
