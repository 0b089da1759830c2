#pragma once
// The load: `clients` keep-alive HTTP connections on one asio event loop (one thread), each sending
// its next request as soon as the previous answer arrives (a closed loop, as wrk and rqlite's
// rqbench do). The run ends after a number of requests, shared among the clients, or when a
// duration has passed (requests in flight then still finish and count).
//
// Every request ends in exactly one of: ok, an HTTP status error, an SQL error, a bad response, or
// a transport error (connect, write, read, timeout; the connection is then reopened). So
// requests == ok + errors.total(), and in count mode requests == the count asked for.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "base/result.h"
#include "cmd/rqbench/http_client.h"
#include "cmd/rqbench/latency_histogram.h"
#include "cmd/rqbench/workload.h"

namespace rq::rqbench {

struct LoadSettings {
    Endpoint endpoint;
    std::string target;  // path and query string
    std::uint32_t clients = 1;
    std::uint64_t requests = 100;                     // used when `duration` is empty
    std::optional<std::chrono::nanoseconds> duration;
    std::chrono::nanoseconds request_timeout = std::chrono::seconds(30);
    std::uint32_t statements_per_request = 1;
    std::uint64_t progress_every = 0;  // 0: never call the progress printer
};

struct ErrorCounts {
    std::uint64_t http_status = 0;   // status other than 200
    std::uint64_t sql = 0;           // 200 with an "error" in the body
    std::uint64_t bad_response = 0;  // 200 with a body that is not rqlite's JSON
    std::uint64_t transport = 0;     // connect, write or read failed, or timed out

    [[nodiscard]] std::uint64_t total() const { return http_status + sql + bad_response + transport; }
};

struct LoadResult {
    std::uint64_t requests = 0;  // finished requests, successful or not
    std::uint64_t ok = 0;
    ErrorCounts errors;
    std::map<unsigned, std::uint64_t> error_statuses;  // HTTP status (not 200) -> requests
    std::string first_error;                           // the first error's message, for the report
    LatencyHistogram latency;                          // nanoseconds, successful requests only
    std::chrono::nanoseconds elapsed{0};               // first request sent to last answer received
    std::uint64_t connections = 0;                     // connections opened

    [[nodiscard]] double seconds() const { return std::chrono::duration<double>(elapsed).count(); }
};

// Called every `progress_every` finished requests with the count so far and the time since start.
using ProgressPrinter = std::function<void(std::uint64_t finished, std::chrono::nanoseconds elapsed)>;

// Runs the load. Fails only when the address cannot be resolved; everything after that is counted.
Result<LoadResult> run_load(const LoadSettings& settings, const Workload& workload, ProgressPrinter progress = {});

}  // namespace rq::rqbench
