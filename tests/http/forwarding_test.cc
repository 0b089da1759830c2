// Forwarding (API.md 3.7): a follower hands the whole request to the leader through a Forwarder and
// relays the leader's answer unchanged; ?redirect answers 301 instead; a request that was itself
// forwarded is never forwarded again.
#include <gtest/gtest.h>

#include "tests/http/service_harness.h"

namespace rq::http::testing {
namespace {

class RecordingForwarder final : public Forwarder {
public:
    void forward(const HttpRequest& request, env::Duration timeout, Done done) override {
        requests.push_back(request);
        timeouts.push_back(timeout);
        done(answer);
    }
    std::vector<HttpRequest> requests;
    std::vector<env::Duration> timeouts;
    Result<HttpResponse> answer{HttpResponse{200, {{"X-Rqlite-Version", "leader"}, {"Content-Type", "application/json"}}, "{\"leader\":1}"}};
};

class Forwarding : public ::testing::Test {
protected:
    Forwarding() { harness_.service().set_forwarder(&forwarder_); }
    void refuse_next_as_follower() {
        harness_.backend().fail_next({EngineErrorKind::not_leader, "not leader", "http://leader:4001"});
    }
    ServiceHarness harness_;
    RecordingForwarder forwarder_;
};

TEST_F(Forwarding, AFollowerRelaysTheLeadersAnswerUnchanged) {
    refuse_next_as_follower();
    const HttpResponse response = harness_.post("/db/execute?timeout=7s", R"j(["CREATE TABLE t (x)"])j", "application/json");
    ASSERT_EQ(forwarder_.requests.size(), 1u);
    EXPECT_EQ(forwarder_.requests[0].method, "POST");
    EXPECT_EQ(forwarder_.requests[0].target, "/db/execute?timeout=7s");
    EXPECT_EQ(forwarder_.requests[0].body, R"j(["CREATE TABLE t (x)"])j");
    EXPECT_EQ(forwarder_.requests[0].content_type, "application/json");
    EXPECT_EQ(forwarder_.timeouts[0], std::chrono::seconds(7));
    EXPECT_EQ(response.status, 200u);
    EXPECT_EQ(response.body, "{\"leader\":1}");
    // No local headers added on top of the leader's.
    EXPECT_EQ(response.headers, forwarder_.answer->headers);
}

TEST_F(Forwarding, QueriesRemovalsAndLeadershipRequestsAreForwardedToo) {
    refuse_next_as_follower();
    EXPECT_EQ(harness_.get("/db/query?q=SELECT%201&level=strong").body, "{\"leader\":1}");
    harness_.backend().set_remote_leader(LeaderInfo{"n2", "leader:4002", "http://leader:4001"});
    harness_.call("DELETE", "/remove?redirect", R"j({"id":"n3"})j");
    EXPECT_EQ(forwarder_.requests.size(), 1u) << "a redirect request must not be forwarded";
}

TEST_F(Forwarding, RedirectAnswers301InsteadOfForwarding) {
    refuse_next_as_follower();
    const HttpResponse response = harness_.post("/db/execute?redirect", R"j(["CREATE TABLE t (x)"])j");
    EXPECT_TRUE(forwarder_.requests.empty());
    EXPECT_EQ(response.status, 301u);
    EXPECT_EQ(response.header("Location"), "http://leader:4001/db/execute?redirect");
}

TEST_F(Forwarding, AForwardedRequestIsAnsweredHereNeverForwardedAgain) {
    refuse_next_as_follower();
    auto answer = std::make_shared<std::optional<HttpResponse>>();
    HttpRequest request{"POST", "/db/execute", "", "", R"j(["CREATE TABLE t (x)"])j", true};
    harness_.service().handle(std::move(request), [answer](HttpResponse response) { *answer = std::move(response); });
    ASSERT_TRUE(answer->has_value());
    EXPECT_TRUE(forwarder_.requests.empty());
    EXPECT_EQ((*answer)->status, 503u);
    EXPECT_EQ((*answer)->body, "not leader\n");
}

TEST_F(Forwarding, QueuedWritesOnAFollowerGoToTheLeadersQueue) {
    harness_.backend().set_remote_leader(LeaderInfo{"n2", "leader:4002", "http://leader:4001"});
    const HttpResponse response = harness_.post("/db/execute?queue", R"j(["INSERT INTO t VALUES(1)"])j");
    ASSERT_EQ(forwarder_.requests.size(), 1u);
    EXPECT_EQ(forwarder_.requests[0].target, "/db/execute?queue");
    EXPECT_EQ(response.body, "{\"leader\":1}");
}

TEST_F(Forwarding, AnUnreachableLeaderIsA503SayingWhy) {
    forwarder_.answer = Error(ErrorCode::timeout, "forwarding to leader n2 at leader:4002 failed: timed out");
    refuse_next_as_follower();
    const HttpResponse response = harness_.post("/db/execute", R"j(["CREATE TABLE t (x)"])j");
    EXPECT_EQ(response.status, 503u);
    EXPECT_EQ(response.body, "forwarding to leader n2 at leader:4002 failed: timed out\n");
    EXPECT_EQ(response.header("X-Rqlite-Version"), "v10.3.0-test");
}

TEST_F(Forwarding, WithoutAForwarderAFollowerAnswers503) {
    harness_.service().set_forwarder(nullptr);
    refuse_next_as_follower();
    const HttpResponse response = harness_.post("/db/execute", R"j(["CREATE TABLE t (x)"])j");
    EXPECT_EQ(response.status, 503u);
    EXPECT_EQ(response.body, "not leader\n");
}

}  // namespace
}  // namespace rq::http::testing
