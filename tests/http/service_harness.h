#pragma once
// A Service over the fake backend, called directly (no sockets): the clock, the scheduler and the
// backend are all steered by the test, so every body is exact and nothing depends on timing.

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "env/clock.h"
#include "http/fake_backend.h"
#include "http/scheduler.h"
#include "http/service.h"

namespace rq::http::testing {

// A clock that moves by `step` on every monotonic read, so timings are non-zero and deterministic.
class SteppingClock final : public env::Clock {
public:
    explicit SteppingClock(env::Duration step) : step_(step) {}
    [[nodiscard]] env::Duration monotonic_now() const override { return now_ += step_; }
    [[nodiscard]] env::Duration unix_now() const override { return std::chrono::seconds(1'700'000'000) + now_; }

private:
    env::Duration step_;
    mutable env::Duration now_{0};
};

inline ServiceOptions test_service_options() {
    ServiceOptions options;
    options.build.version = "v10.3.0-test";
    options.build.commit = "abc123";
    options.advertised_http_address = "localhost:4001";
    options.bind_address = "127.0.0.1:4001";
    options.command_line = {"rqlited", "-node-id", "n1", "data"};
    return options;
}

class ServiceHarness {
public:
    explicit ServiceHarness(const env::Clock& clock, ServiceOptions options = test_service_options())
        : backend_(FakeBackend::open(clock)), service_(*backend_, clock, scheduler_, std::move(options)) {}
    ServiceHarness() : ServiceHarness(manual_clock_) {}

    // Calls the service and returns its answer, which must come before handle() returns unless
    // `may_wait` (then nullopt until the answer arrives; see answer()).
    std::optional<HttpResponse> call(std::string method, std::string target, std::string body = "",
                                     std::string content_type = "", bool may_wait = false) {
        auto answer = std::make_shared<std::optional<HttpResponse>>();
        last_answer_ = answer;
        HttpRequest request{std::move(method), std::move(target), std::move(content_type), "", std::move(body)};
        service_.handle(std::move(request), [answer](HttpResponse response) {
            EXPECT_FALSE(answer->has_value()) << "answered twice";
            *answer = std::move(response);
        });
        if (!may_wait) {
            EXPECT_TRUE(answer->has_value()) << "no synchronous answer";
        }
        return *answer;
    }
    HttpResponse get(std::string target) { return call("GET", std::move(target)).value_or(HttpResponse{}); }
    HttpResponse post(std::string target, std::string body, std::string content_type = "") {
        return call("POST", std::move(target), std::move(body), std::move(content_type)).value_or(HttpResponse{});
    }
    // The body of a successful POST (asserting 200).
    std::string post_ok(std::string target, std::string body) {
        HttpResponse response = post(std::move(target), std::move(body));
        EXPECT_EQ(response.status, 200u) << response.body;
        return response.body;
    }
    std::string get_ok(std::string target) {
        HttpResponse response = get(std::move(target));
        EXPECT_EQ(response.status, 200u) << response.body;
        return response.body;
    }

    FakeBackend& backend() { return *backend_; }
    Service& service() { return service_; }
    ManualScheduler& scheduler() { return scheduler_; }

private:
    env::ManualClock manual_clock_;
    ManualScheduler scheduler_;
    std::unique_ptr<FakeBackend> backend_;
    Service service_;
    std::shared_ptr<std::optional<HttpResponse>> last_answer_;
};

}  // namespace rq::http::testing
