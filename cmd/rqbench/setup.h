#pragma once
// The requests rqbench sends outside the load: the workload's setup (table, preloaded rows, the
// one-shot statement) and, with -q, the closing queue&wait. Each must be an rqlite success.

#include <chrono>
#include <string>

#include "base/result.h"
#include "cmd/rqbench/http_client.h"
#include "cmd/rqbench/workload.h"

namespace rq::rqbench {

// POSTs `body` to `target` on a fresh connection; an error unless the reply is 200 with no "error".
Result<void> post_checked(const Endpoint& endpoint, const std::string& target, std::string body,
                          std::chrono::nanoseconds timeout);

// Sends the workload's setup bodies to /db/execute in order, stopping at the first failure.
Result<void> run_setup(const Endpoint& endpoint, const Workload& workload, std::chrono::nanoseconds timeout);

}  // namespace rq::rqbench
