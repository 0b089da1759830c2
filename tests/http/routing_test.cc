// Routing, common headers, method checks, parameter validation and the mapping of engine failures
// to rqlite's status codes and messages (API.md §2, §3.7).

#include <gtest/gtest.h>

#include "service_harness.h"

namespace rq::http::testing {
namespace {

class RoutingTest : public ::testing::Test {
protected:
    ServiceHarness harness_;
};

TEST_F(RoutingTest, EveryResponseCarriesVersionAndCorsHeaders) {
    for (const char* target : {"/status", "/nope", "/db/query?q=SELECT+1"}) {
        HttpResponse response = harness_.get(target);
        EXPECT_EQ(response.header("X-RQLITE-VERSION"), "v10.3.0-test") << target;
        EXPECT_EQ(response.header("Access-Control-Allow-Methods"), "OPTIONS, GET, POST") << target;
        EXPECT_EQ(response.header("Access-Control-Allow-Headers"), "Content-Type") << target;
        EXPECT_EQ(response.header("Access-Control-Allow-Origin"), "") << target;
    }
}

TEST_F(RoutingTest, AllowOriginOnlyWhenConfigured) {
    ServiceOptions options = test_service_options();
    options.allow_origin = "https://example.com";
    env::ManualClock clock;
    ServiceHarness harness(clock, options);
    EXPECT_EQ(harness.get("/status").header("Access-Control-Allow-Origin"), "https://example.com");
}

TEST_F(RoutingTest, OptionsOnAnyPathIsEmpty200) {
    for (const char* target : {"/db/execute", "/anything", "/status?q="}) {
        auto response = harness_.call("OPTIONS", target);
        ASSERT_TRUE(response);
        EXPECT_EQ(response->status, 200u);
        EXPECT_EQ(response->body, "");
        EXPECT_EQ(response->header("X-RQLITE-VERSION"), "v10.3.0-test");
    }
}

TEST_F(RoutingTest, UnknownPathIs404WithEmptyBody) {
    HttpResponse response = harness_.get("/nope");
    EXPECT_EQ(response.status, 404u);
    EXPECT_EQ(response.body, "");
    EXPECT_EQ(harness_.get("/debug/pprof/heap").status, 404u);
}

TEST_F(RoutingTest, PrefixRoutesAsRqliteDoes) {
    EXPECT_EQ(harness_.get("/db/queryfoo?q=SELECT+1").status, 200u);
    EXPECT_EQ(harness_.get("/statusx").status, 200u);
    EXPECT_EQ(harness_.get("/debug/vars/x").status, 404u);  // exact match
}

TEST_F(RoutingTest, WrongMethodIs405) {
    EXPECT_EQ(harness_.get("/db/execute").status, 405u);
    EXPECT_EQ(harness_.get("/db/request").status, 405u);
    EXPECT_EQ(harness_.call("PUT", "/db/query")->status, 405u);
    EXPECT_EQ(harness_.post("/status", "").status, 405u);
    EXPECT_EQ(harness_.get("/remove").status, 405u);
    EXPECT_EQ(harness_.get("/snapshot").status, 405u);
    EXPECT_EQ(harness_.post("/db/backup", "").status, 405u);
    EXPECT_EQ(harness_.get("/db/execute").body, "");
}

TEST_F(RoutingTest, InvalidParametersAre400BeforeRouting) {
    const std::pair<const char*, const char*> cases[] = {
        {"/db/query?q=SELECT+1&freshness_strict", "freshness_strict requires freshness\n"},
        {"/db/query?q=SELECT+1&timeout=10", "timeout is not a valid duration\n"},
        {"/nope?retries=x", "retries is not a valid integer\n"},
        {"/status?a=%zz", "invalid URL escape \"%zz\"\n"},
        {"/status?a=1;b=2", "invalid semicolon separator in query\n"},
    };
    for (const auto& [target, message] : cases) {
        HttpResponse response = harness_.get(target);
        EXPECT_EQ(response.status, 400u) << target;
        EXPECT_EQ(response.body, message) << target;
        EXPECT_EQ(response.header("Content-Type"), "text/plain; charset=utf-8");
        EXPECT_EQ(response.header("X-Content-Type-Options"), "nosniff");
    }
}

TEST_F(RoutingTest, RootRedirectsToStatus) {
    HttpResponse response = harness_.get("/");
    EXPECT_EQ(response.status, 302u);
    EXPECT_EQ(response.header("Location"), "/status");
}

TEST_F(RoutingTest, JsonContentTypeAndServedByOnSuccess) {
    HttpResponse response = harness_.post("/db/execute", R"j(["CREATE TABLE t (x)"])j");
    EXPECT_EQ(response.header("Content-Type"), "application/json; charset=utf-8");
    EXPECT_EQ(response.header("X-RQLITE-SERVED-BY"), "localhost:4001");
}

class LeadershipTest : public RoutingTest {
protected:
    void follow(std::string api_url) {
        harness_.backend().set_remote_leader(LeaderInfo{"node2", "10.0.0.2:4002", std::move(api_url)});
    }
};

TEST_F(LeadershipTest, FollowerForwardsAndReportsTheLeader) {
    follow("http://10.0.0.2:4001");
    HttpResponse response = harness_.post("/db/execute", R"j(["CREATE TABLE t (x)"])j");
    EXPECT_EQ(response.status, 200u);
    EXPECT_EQ(response.body, R"j({"results":[{}]})j");
    EXPECT_EQ(response.header("X-RQLITE-SERVED-BY"), "10.0.0.2:4002");
    EXPECT_EQ(harness_.service().counters().get("remote_executions"), 1);
}

TEST_F(LeadershipTest, RedirectGives301ToTheLeaderWithTheOriginalQuery) {
    follow("http://10.0.0.2:4001");
    auto response = harness_.call("POST", "/db/execute?redirect&pretty", R"j(["nonsense"])j");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 301u);
    EXPECT_EQ(response->header("Location"), "http://10.0.0.2:4001/db/execute?redirect&pretty");
    HttpResponse get = harness_.get("/db/query?q=SELECT+1&redirect");
    EXPECT_EQ(get.status, 301u);
    EXPECT_EQ(get.header("Location"), "http://10.0.0.2:4001/db/query?q=SELECT+1&redirect");
    EXPECT_EQ(get.body, "<a href=\"http://10.0.0.2:4001/db/query?q=SELECT+1&amp;redirect\">Moved Permanently</a>.\n\n");
}

TEST_F(LeadershipTest, LeaderIgnoresRedirect) {
    HttpResponse response = harness_.post("/db/execute?redirect", R"j(["nonsense"])j");
    EXPECT_EQ(response.status, 200u);
    EXPECT_EQ(response.body, R"j({"results":[{"error":"near \"nonsense\": syntax error"}]})j");
}

TEST_F(LeadershipTest, NoneReadsStayLocalOnFollowers) {
    follow("http://10.0.0.2:4001");
    HttpResponse response = harness_.get("/db/query?q=SELECT+1&level=none&redirect");
    EXPECT_EQ(response.status, 200u);
    EXPECT_EQ(response.header("X-RQLITE-SERVED-BY"), "localhost:4001");
}

TEST_F(LeadershipTest, NoLeaderIs503LeaderNotFound) {
    follow("");
    harness_.backend().set_remote_leader(LeaderInfo{});
    for (const char* target : {"/db/execute", "/db/request", "/db/query"}) {
        HttpResponse response = harness_.post(target, R"j(["SELECT 1"])j");
        EXPECT_EQ(response.status, 503u) << target;
        EXPECT_EQ(response.body, "leader not found\n") << target;
    }
    EXPECT_EQ(harness_.service().counters().get("leader_not_found"), 3);
}

TEST_F(LeadershipTest, RedirectWithoutKnownLeaderUrlIs500) {
    follow("");
    HttpResponse response = harness_.post("/db/execute?redirect", R"j(["SELECT 1"])j");
    EXPECT_EQ(response.status, 500u);
    EXPECT_EQ(response.body, "leader not found\n");
}

TEST_F(LeadershipTest, EngineFailuresMapToRqliteAnswers) {
    struct Case {
        EngineError error;
        unsigned status;
        std::string body;
    };
    const Case cases[] = {
        {{EngineErrorKind::remote_unauthorized, "unauthorized", ""}, 401, "remote Execute not authorized\n"},
        {{EngineErrorKind::timeout, "timeout enqueuing command", ""}, 200, R"j({"results":[],"error":"timeout enqueuing command"})j"},
        {{EngineErrorKind::leadership_lost, "leadership lost while committing log", ""}, 200,
         R"j({"results":[],"error":"leadership lost while committing log"})j"},
        {{EngineErrorKind::not_open, "", ""}, 200, R"j({"results":[],"error":"store not open"})j"},
        {{EngineErrorKind::failed, "node failed to process Execute on remote node at x: EOF", ""}, 200,
         R"j({"results":[],"error":"node failed to process Execute on remote node at x: EOF"})j"},
        {{EngineErrorKind::busy, "too many writes in flight", ""}, 503, "too many writes in flight\n"},
        {{EngineErrorKind::shutting_down, "", ""}, 503, "shutting down\n"},
        {{EngineErrorKind::not_leader, "", ""}, 503, "not leader\n"},
    };
    for (const Case& c : cases) {
        harness_.backend().fail_next(c.error);
        HttpResponse response = harness_.post("/db/execute", R"j(["SELECT 1"])j");
        EXPECT_EQ(response.status, c.status) << c.body;
        EXPECT_EQ(response.body, c.body);
    }
    harness_.backend().fail_next({EngineErrorKind::remote_unauthorized, "", ""});
    EXPECT_EQ(harness_.post("/db/request", R"j(["SELECT 1"])j").body, "remote Request not authorized\n");
    harness_.backend().fail_next({EngineErrorKind::remote_unauthorized, "", ""});
    EXPECT_EQ(harness_.get("/db/query?q=SELECT+1").body, "remote query not authorized\n");
}

TEST_F(LeadershipTest, StaleReadIsA200WithTopLevelError) {
    harness_.backend().set_stale(true);
    EXPECT_EQ(harness_.get_ok("/db/query?q=SELECT+1&level=none&freshness=1s"), R"j({"results":[],"error":"stale read"})j");
    EXPECT_EQ(harness_.get_ok("/db/query?q=SELECT+1&level=none&freshness=1s&freshness_strict&pretty"),
              "{\n    \"results\": [],\n    \"error\": \"stale read\"\n}");
    EXPECT_EQ(harness_.get_ok("/db/query?q=SELECT+1&level=none"), R"j({"results":[{"columns":["1"],"types":["integer"],"values":[[1]]}]})j");
}

}  // namespace
}  // namespace rq::http::testing
