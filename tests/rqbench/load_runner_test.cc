// rqbench against our own HTTP server (over the fake backend) in this process: the counts must add
// up, whatever the timing. Nothing here asserts a time or a rate.

#include "cmd/rqbench/load_runner.h"

#include <boost/asio/ip/tcp.hpp>

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <vector>

#include "cmd/rqbench/report.h"
#include "cmd/rqbench/setup.h"
#include "tests/rqbench/in_process_server.h"

namespace rq::rqbench {
namespace {

using testing::InProcessServer;

constexpr auto kTimeout = std::chrono::seconds(20);

struct BenchRun {
    Options options;
    LoadResult load;
};

Options options_for(const std::string& port, std::vector<std::string> args) {
    args.insert(args.begin(), {"-a", "127.0.0.1:" + port});
    Result<Options> options = parse_options(args);
    EXPECT_TRUE(options.ok()) << (options.ok() ? "" : options.error().message());
    return options.ok() ? options.value() : Options{};
}

// What main() does, minus printing: setup, then the load.
BenchRun run_rqbench(const std::string& port, std::vector<std::string> args) {
    BenchRun run{options_for(port, std::move(args)), {}};
    const Workload workload = Workload::from_options(run.options);
    const Endpoint endpoint{run.options.host, run.options.port};
    Result<void> setup = run_setup(endpoint, workload, kTimeout);
    EXPECT_TRUE(setup.ok()) << (setup.ok() ? "" : setup.error().message());
    const LoadSettings settings{endpoint,
                                run.options.target(),
                                run.options.clients,
                                run.options.requests,
                                run.options.duration,
                                run.options.timeout,
                                run.options.batch,
                                run.options.progress_every};
    Result<LoadResult> load = run_load(settings, workload);
    EXPECT_TRUE(load.ok()) << (load.ok() ? "" : load.error().message());
    if (load.ok()) run.load = std::move(load).value();
    return run;
}

void expect_counts_add_up(const LoadResult& load) {
    EXPECT_EQ(load.requests, load.ok + load.errors.total());
    EXPECT_EQ(load.latency.count(), load.ok);
    std::uint64_t by_status = 0;
    for (const auto& [status, count] : load.error_statuses) {
        EXPECT_NE(status, 200u);
        by_status += count;
    }
    EXPECT_EQ(by_status, load.errors.http_status);
}

std::string query(const std::string& port, const std::string& sql) {
    Result<HttpReply> reply = post_once({"127.0.0.1", port}, "/db/query?level=strong", "[\"" + sql + "\"]", kTimeout);
    EXPECT_TRUE(reply.ok()) << (reply.ok() ? "" : reply.error().message());
    return reply.ok() ? reply->body : "";
}

TEST(RqbenchLoad, DefaultWritesAllSucceedAndEveryRowArrives) {
    InProcessServer server;
    const BenchRun run = run_rqbench(server.port(), {"-n", "200", "-c", "4", "-b", "3"});
    expect_counts_add_up(run.load);
    EXPECT_EQ(run.load.requests, 200u);
    EXPECT_EQ(run.load.ok, 200u);
    EXPECT_EQ(run.load.errors.total(), 0u) << run.load.first_error;
    EXPECT_EQ(run.load.connections, 4u);  // keep-alive: one connection per client for the whole run
    EXPECT_NE(query(server.port(), "SELECT COUNT(*) FROM rqbench").find("[[600]]"), std::string::npos);
}

TEST(RqbenchLoad, DefaultReadsSucceedAtEveryLevel) {
    InProcessServer server;
    for (const char* level : {"none", "weak", "linearizable", "strong"}) {
        SCOPED_TRACE(level);
        const BenchRun run = run_rqbench(server.port(),
                                    {"-p", "/db/query", "-l", level, "-n", "60", "-c", "3", "-b", "2", "-rows", "100"});
        expect_counts_add_up(run.load);
        EXPECT_EQ(run.load.ok, 60u);
        EXPECT_EQ(run.load.errors.total(), 0u) << run.load.first_error;
    }
    // Preloading twice wrote the same 100 rows, not 200.
    EXPECT_NE(query(server.port(), "SELECT COUNT(*) FROM rqbench").find("[[100]]"), std::string::npos);
}

TEST(RqbenchLoad, SqlErrorsAreCountedAndNeverSucceed) {
    InProcessServer server;
    const BenchRun run = run_rqbench(server.port(), {"-n", "30", "-c", "2", "INSERT INTO missing VALUES(1)"});
    expect_counts_add_up(run.load);
    EXPECT_EQ(run.load.requests, 30u);
    EXPECT_EQ(run.load.ok, 0u);
    EXPECT_EQ(run.load.errors.sql, 30u);
    EXPECT_EQ(run.load.first_error, "no such table: missing");
    // No latency is reported for a run where nothing succeeded.
    const Report report{run.options, "statement", run.load, std::nullopt};
    EXPECT_NE(format_json(report).find(R"("latency_ms":null)"), std::string::npos) << format_json(report);
    EXPECT_NE(format_text(report).find("none: no request succeeded"), std::string::npos) << format_text(report);
}

TEST(RqbenchLoad, HttpStatusErrorsAreCountedByStatus) {
    InProcessServer server;
    const BenchRun run = run_rqbench(server.port(), {"-n", "12", "-c", "3", "-p", "/db/nowhere", "SELECT 1"});
    expect_counts_add_up(run.load);
    EXPECT_EQ(run.load.ok, 0u);
    EXPECT_EQ(run.load.errors.http_status, 12u);
    EXPECT_EQ(run.load.error_statuses, (std::map<unsigned, std::uint64_t>{{404, 12}}));
}

TEST(RqbenchLoad, OneInjectedFailureIsOneError) {
    InProcessServer unavailable([](http::FakeBackend& backend) {
        backend.fail_next({http::EngineErrorKind::leader_not_found, "leader not found", ""});
    });
    BenchRun run = run_rqbench(unavailable.port(), {"-n", "25", "-p", "/db/query", "SELECT 1"});
    expect_counts_add_up(run.load);
    EXPECT_EQ(run.load.ok, 24u);
    EXPECT_EQ(run.load.errors.http_status, 1u);
    EXPECT_EQ(run.load.error_statuses.at(503), 1u);
    EXPECT_EQ(run.load.first_error, "HTTP 503: leader not found");

    InProcessServer stale([](http::FakeBackend& backend) {
        backend.fail_next({http::EngineErrorKind::stale_read, "stale read", ""});
    });
    run = run_rqbench(stale.port(), {"-n", "25", "-c", "5", "-p", "/db/query", "-l", "none", "SELECT 1"});
    expect_counts_add_up(run.load);
    EXPECT_EQ(run.load.ok, 24u);
    EXPECT_EQ(run.load.errors.sql, 1u);  // 200 with a top-level error is still a failure
    EXPECT_EQ(run.load.first_error, "stale read");
}

TEST(RqbenchLoad, NothingListeningIsTransportErrors) {
    std::uint16_t closed_port = 0;
    {
        boost::asio::io_context io;
        boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
        closed_port = acceptor.local_endpoint().port();
    }
    const Options options = options_for(std::to_string(closed_port), {"-n", "5", "-c", "2", "SELECT 1"});
    EXPECT_FALSE(probe({options.host, options.port}, kTimeout).ok());
    const Workload workload = Workload::from_options(options);
    LoadSettings settings;
    settings.endpoint = {options.host, options.port};
    settings.target = options.target();
    settings.clients = 2;
    settings.requests = 5;
    Result<LoadResult> load = run_load(settings, workload);
    ASSERT_TRUE(load.ok());
    expect_counts_add_up(*load);
    EXPECT_EQ(load->requests, 5u);
    EXPECT_EQ(load->errors.transport, 5u);
    EXPECT_EQ(load->connections, 0u);
    EXPECT_NE(load->first_error.find("connect: "), std::string::npos) << load->first_error;
}

TEST(RqbenchLoad, TimedRunCountsEveryRequestItSent) {
    InProcessServer server;
    const BenchRun run = run_rqbench(server.port(), {"-d", "300ms", "-c", "4"});
    expect_counts_add_up(run.load);
    EXPECT_GT(run.load.ok, 0u);
    EXPECT_EQ(run.load.errors.total(), 0u) << run.load.first_error;
    const std::string count = "[[" + std::to_string(run.load.ok) + "]]";
    EXPECT_NE(query(server.port(), "SELECT COUNT(*) FROM rqbench").find(count), std::string::npos);
}

TEST(RqbenchLoad, QueuedWritesAndTheClosingWait) {
    InProcessServer server;
    // timeout=1s: the server's wait timer outlives the answer (AsioScheduler cancels by flag), and
    // stopping the server waits for it; the default 30s would make this test slow.
    const BenchRun run = run_rqbench(server.port(), {"-q", "-n", "40", "-c", "2", "-p", "/db/execute?timeout=1s"});
    expect_counts_add_up(run.load);
    EXPECT_EQ(run.load.ok, 40u);
    Result<void> waited = post_checked({"127.0.0.1", server.port()}, run.options.target() + "&wait",
                                       Workload::from_options(run.options).body(40), kTimeout);
    EXPECT_TRUE(waited.ok()) << (waited.ok() ? "" : waited.error().message());
    EXPECT_NE(query(server.port(), "SELECT COUNT(*) FROM rqbench").find("[[41]]"), std::string::npos);
}

TEST(RqbenchLoad, JsonReportAddsUp) {
    InProcessServer server;
    const BenchRun run = run_rqbench(server.port(), {"-n", "50", "-c", "2", "-b", "4"});
    const Report report{run.options, "statement", run.load, std::nullopt};
    const std::string json = format_json(report);
    simdjson::dom::parser parser;
    simdjson::dom::object object;
    ASSERT_EQ(parser.parse(json).get(object), simdjson::SUCCESS) << json;
    const std::uint64_t requests = object["requests"].get_uint64().value();
    const std::uint64_t ok = object["ok"].get_uint64().value();
    const std::uint64_t errors = object["errors"]["total"].get_uint64().value();
    EXPECT_EQ(requests, 50u);
    EXPECT_EQ(ok + errors, requests);
    EXPECT_EQ(object["batch"].get_uint64().value(), 4u);
    EXPECT_EQ(object["target"].get_string().value(), "/db/execute");
    EXPECT_GE(object["latency_ms"]["p999"].get_double().value(), object["latency_ms"]["p50"].get_double().value());
    EXPECT_NEAR(object["statements_per_s"].get_double().value(), 4 * object["requests_per_s"].get_double().value(),
                0.5);
    const std::string text = format_text(report);
    EXPECT_NE(text.find("requests:       50 (50 ok, 0 failed)"), std::string::npos) << text;
}

}  // namespace
}  // namespace rq::rqbench
