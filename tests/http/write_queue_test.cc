// Queued writes (API.md §5): immediate acknowledgement with a sequence number, batching by size
// and timeout, `wait` covering every earlier request, retries after failures.

#include <gtest/gtest.h>

#include <regex>

#include "service_harness.h"

namespace rq::http::testing {
namespace {

using namespace std::chrono_literals;

// The first sequence number: the service's start time in Unix nanoseconds, plus one.
constexpr std::int64_t first_sequence = 1'700'000'000'000'000'000 + 1;

class WriteQueueTest : public ::testing::Test {
protected:
    void SetUp() override { harness_.post_ok("/db/execute", R"j(["CREATE TABLE t (x INTEGER)"])j"); }
    std::string count() { return harness_.get_ok("/db/query?q=SELECT+COUNT(*)+FROM+t"); }
    static std::string count_is(int n) {
        return R"j({"results":[{"columns":["COUNT(*)"],"types":["integer"],"values":[[)j" + std::to_string(n) + "]]}]}";
    }
    ServiceHarness harness_;
};

TEST_F(WriteQueueTest, AcknowledgedAtOnceWithASequenceNumber) {
    EXPECT_EQ(harness_.post_ok("/db/execute?queue", R"j(["INSERT INTO t VALUES(1)"])j"),
              R"j({"results":[],"sequence_number":)j" + std::to_string(first_sequence) + "}");
    EXPECT_EQ(harness_.post_ok("/db/execute?queue", R"j(["INSERT INTO t VALUES(2)"])j"),
              R"j({"results":[],"sequence_number":)j" + std::to_string(first_sequence + 1) + "}");
    EXPECT_EQ(count(), count_is(0)) << "nothing runs before the batch timeout";
    harness_.scheduler().advance(50ms);
    EXPECT_EQ(count(), count_is(2));
    EXPECT_EQ(harness_.service().write_queue().last_written_sequence_number(), first_sequence + 1);
    EXPECT_EQ(harness_.get_ok("/status?key=http.queue._default"),
              R"j({"batch_size":128,"max_size":1024,"sequence_number":)j" + std::to_string(first_sequence + 1) + R"j(,"timeout":"50ms"})j");
}

TEST_F(WriteQueueTest, FullBatchFlushesWithoutWaiting) {
    ServiceOptions options = test_service_options();
    options.queue.batch_size = 3;
    env::ManualClock clock;
    ServiceHarness harness(clock, options);
    harness.post_ok("/db/execute", R"j(["CREATE TABLE t (x INTEGER)"])j");
    for (int i = 0; i < 3; ++i) harness.post_ok("/db/execute?queue", R"j(["INSERT INTO t VALUES(1)"])j");
    EXPECT_EQ(harness.get_ok("/db/query?q=SELECT+COUNT(*)+FROM+t"), count_is(3));
}

TEST_F(WriteQueueTest, WaitAnswersOnceEverythingBeforeItIsWritten) {
    for (int i = 0; i < 5; ++i) harness_.post_ok("/db/execute?queue", R"j(["INSERT INTO t VALUES(1)"])j");
    auto waiting = harness_.call("POST", "/db/execute?queue&wait", R"j(["INSERT INTO t VALUES(2)"])j", "", true);
    EXPECT_FALSE(waiting.has_value());
    harness_.scheduler().advance(50ms);
    EXPECT_EQ(count(), count_is(6));
}

TEST_F(WriteQueueTest, WaitTimesOutWith408) {
    harness_.backend().fail_next(EngineError{EngineErrorKind::leader_not_found, "", ""});
    auto answer = std::make_shared<std::optional<HttpResponse>>();
    harness_.service().handle(HttpRequest{"POST", "/db/execute?queue&wait&timeout=500ms", "", "", R"j(["INSERT INTO t VALUES(1)"])j"},
                              [answer](HttpResponse response) { *answer = std::move(response); });
    harness_.scheduler().advance(50ms);  // the batch runs and fails; a retry is due in 1s
    EXPECT_FALSE(answer->has_value());
    harness_.scheduler().advance(500ms);
    ASSERT_TRUE(answer->has_value());
    EXPECT_EQ((*answer)->status, 408u);
    EXPECT_EQ((*answer)->body, "queue wait timeout\n");
    harness_.scheduler().advance(1s);
    EXPECT_EQ(count(), count_is(1)) << "the retry still wrote it";
    EXPECT_EQ(harness_.service().counters().get("queued_executions_failed"), 1);
    EXPECT_EQ(harness_.service().counters().get("queued_executions_no_leader"), 1);
}

TEST_F(WriteQueueTest, EmptyWaitIsAFlushMarker) {
    harness_.post_ok("/db/execute?queue", R"j(["INSERT INTO t VALUES(1)"])j");
    auto answer = std::make_shared<std::optional<HttpResponse>>();
    harness_.service().handle(HttpRequest{"POST", "/db/execute?queue&wait", "", "", "[]"},
                              [answer](HttpResponse response) { *answer = std::move(response); });
    harness_.scheduler().advance(50ms);
    ASSERT_TRUE(answer->has_value());
    EXPECT_EQ((*answer)->status, 200u);
    EXPECT_EQ(count(), count_is(1));
    HttpResponse refused = harness_.post("/db/execute?queue", "[]");
    EXPECT_EQ(refused.status, 400u);
    EXPECT_EQ(refused.body, "no statements\n");
}

TEST_F(WriteQueueTest, NoLeaderRefusesUnlessNoleader) {
    harness_.backend().set_remote_leader(LeaderInfo{});
    HttpResponse refused = harness_.post("/db/execute?queue", R"j(["INSERT INTO t VALUES(1)"])j");
    EXPECT_EQ(refused.status, 503u);
    EXPECT_EQ(refused.body, "leader not found\n");
    EXPECT_EQ(harness_.post("/db/execute?queue&noleader", R"j(["INSERT INTO t VALUES(1)"])j").status, 200u);
}

TEST_F(WriteQueueTest, TimingsAddTime) {
    SteppingClock clock(1ms);
    ServiceHarness timed(clock);
    const std::string body = timed.post_ok("/db/execute?queue&timings", R"j(["CREATE TABLE t (x)"])j");
    EXPECT_TRUE(std::regex_match(body, std::regex(R"j(\{"results":\[\],"time":[0-9.e-]+,"sequence_number":[0-9]+\})j"))) << body;
}

TEST_F(WriteQueueTest, FullQueueHoldsRequestsUntilThereIsRoom) {
    ServiceOptions options = test_service_options();
    options.queue.capacity = 2;
    options.queue.batch_size = 2;
    env::ManualClock clock;
    ServiceHarness harness(clock, options);
    harness.post_ok("/db/execute", R"j(["CREATE TABLE t (x INTEGER)"])j");
    harness.backend().fail_next(EngineError{EngineErrorKind::timeout, "timeout", ""});
    harness.post_ok("/db/execute?queue", R"j(["INSERT INTO t VALUES(1)"])j");
    harness.post_ok("/db/execute?queue", R"j(["INSERT INTO t VALUES(2)"])j");  // batch of 2 fails
    harness.post_ok("/db/execute?queue", R"j(["INSERT INTO t VALUES(3)"])j");
    harness.post_ok("/db/execute?queue", R"j(["INSERT INTO t VALUES(4)"])j");  // queue full again
    auto held = harness.call("POST", "/db/execute?queue", R"j(["INSERT INTO t VALUES(5)"])j", "", true);
    EXPECT_FALSE(held.has_value());
    harness.scheduler().advance(1s);  // the retry succeeds; the next batch runs and frees room
    harness.scheduler().advance(50ms);
    EXPECT_EQ(harness.get_ok("/db/query?q=SELECT+COUNT(*)+FROM+t"), count_is(5));
}

}  // namespace
}  // namespace rq::http::testing
