#include "cmd/rqbench/setup.h"

#include "cmd/rqbench/response_check.h"

namespace rq::rqbench {

Result<void> post_checked(const Endpoint& endpoint, const std::string& target, std::string body,
                          std::chrono::nanoseconds timeout) {
    Result<HttpReply> reply = post_once(endpoint, target, std::move(body), timeout);
    if (!reply.ok()) return reply.error();
    ResponseChecker checker;
    const Verdict verdict = checker.check(reply->status, reply->body);
    if (verdict.outcome != Outcome::ok) {
        return Error(ErrorCode::invalid_argument, "POST " + target + ": " + verdict.message);
    }
    return {};
}

Result<void> run_setup(const Endpoint& endpoint, const Workload& workload, std::chrono::nanoseconds timeout) {
    const std::vector<std::string>& bodies = workload.setup_bodies();
    for (std::size_t i = 0; i < bodies.size(); ++i) {
        Result<void> done = post_checked(endpoint, "/db/execute", bodies[i], timeout);
        if (!done.ok()) {
            return done.error().with_context("setup request " + std::to_string(i + 1) + " of " +
                                             std::to_string(bodies.size()));
        }
    }
    return {};
}

}  // namespace rq::rqbench
