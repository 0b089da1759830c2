// PeerNetwork against failures: nothing listening, an HTTP server, a peer sending garbage, a peer
// that goes silent (half-open), an unreachable peer while Raft keeps sending (bounded queue), a
// connection lost before an answer, and stopping with work still queued.
#include <gtest/gtest.h>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "io/peer_frame.h"
#include "tests/io/peer_test_support.h"

namespace rq::io::testing {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

struct CallOutcome {
    std::optional<Result<ClusterResponse>> result;
    Clock::duration took{};
};

// Starts a metadata call and returns where its outcome will be recorded.
std::shared_ptr<CallOutcome> start_call(PeerNetwork& network, const std::string& address, env::Duration timeout) {
    auto outcome = std::make_shared<CallOutcome>();
    const auto started = Clock::now();
    network.call(address, MetadataRequest{}, timeout, [outcome, started](Result<ClusterResponse> result) {
        EXPECT_FALSE(outcome->result.has_value()) << "done ran twice";
        outcome->result = std::move(result);
        outcome->took = Clock::now() - started;
    });
    return outcome;
}

bool mentions(const Result<ClusterResponse>& result, const std::string& text) {
    return !result.ok() && result.error().message().find(text) != std::string::npos;
}

TEST(PeerNetworkFaults, ACallWhereNothingListensFailsWithinItsTimeout) {
    asio::io_context io;
    TestNode a(io, "a");
    const std::string nowhere = "127.0.0.1:" + std::to_string(unused_port(io));
    auto outcome = start_call(*a.network, nowhere, 300ms);
    ASSERT_TRUE(run_until(io, [&] { return outcome->result.has_value(); }, 2s));
    ASSERT_FALSE(outcome->result->ok());
    EXPECT_LE(outcome->took, 300ms + 300ms);  // slack for a loaded machine
    EXPECT_TRUE(mentions(*outcome->result, nowhere)) << outcome->result->error().message();
}

TEST(PeerNetworkFaults, ACallToAServerThatNeverAnswersTimesOut) {
    asio::io_context io;
    TestNode a(io, "a");
    RawServer mute(io, [](auto) {});  // accepts, then says nothing
    auto outcome = start_call(*a.network, mute.address(), 200ms);
    ASSERT_TRUE(run_until(io, [&] { return outcome->result.has_value(); }, 2s));
    ASSERT_FALSE(outcome->result->ok());
    EXPECT_EQ(outcome->result->error().code(), ErrorCode::timeout) << outcome->result->error().message();
    EXPECT_GE(outcome->took, 200ms);
    EXPECT_LE(outcome->took, 700ms);  // slack for a loaded machine
}

TEST(PeerNetworkFaults, ACallToAnHttpServerSaysItSpeaksHttp) {
    asio::io_context io;
    TestNode a(io, "a");
    auto buffer = std::make_shared<std::array<char, 64>>();
    RawServer http(io, [buffer](std::shared_ptr<asio::ip::tcp::socket> socket) {
        socket->async_read_some(asio::buffer(*buffer), [socket](const boost::system::error_code&, std::size_t) {
            static const std::string answer = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            asio::async_write(*socket, asio::buffer(answer), [socket](const boost::system::error_code&, std::size_t) {
                boost::system::error_code ignored;
                socket->shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
            });
        });
    });
    auto outcome = start_call(*a.network, http.address(), 1s);
    ASSERT_TRUE(run_until(io, [&] { return outcome->result.has_value(); }, 2s));
    EXPECT_TRUE(mentions(*outcome->result, "HTTP")) << (outcome->result->ok() ? "ok" : outcome->result->error().message());
    EXPECT_LT(outcome->took, 1s) << "failed at once, not by the timeout";
}

TEST(PeerNetworkFaults, APeerSendingGarbageIsDisconnectedAndOthersAreStillServed) {
    asio::io_context io;
    TestNode b(io, "b");
    asio::ip::tcp::socket rogue(io);
    rogue.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), b.network->bound_port()));
    asio::write(rogue, asio::buffer(std::string("RQF1\x10\x00\x00\x00garbage-garbage-garbage", 31)));
    // b must close it: our read ends (after b's hello) with end of file or a reset.
    bool closed = false;
    std::array<char, 256> sink{};
    std::function<void()> drain = [&] {
        rogue.async_read_some(asio::buffer(sink), [&](const boost::system::error_code& error, std::size_t) {
            if (error) closed = true;
            else drain();
        });
    };
    drain();
    ASSERT_TRUE(run_until(io, [&] { return closed; }, 2s));

    TestNode a(io, "a");
    auto outcome = start_call(*a.network, b.address, 1s);
    ASSERT_TRUE(run_until(io, [&] { return outcome->result.has_value(); }, 2s));
    EXPECT_TRUE(outcome->result->ok()) << outcome->result->error().message();
}

TEST(PeerNetworkFaults, RaftMessagesToAnUnreachablePeerStayWithinTheQueueBound) {
    asio::io_context io;
    constexpr std::uint64_t bound = 64 * 1024;
    TestNode a(io, "a", "127.0.0.1:0", [](PeerNetworkOptions& options) { options.max_queue_bytes = bound; });
    const raft::NodeId ghost(99);
    a.network->set_peer_address(ghost, "127.0.0.1:" + std::to_string(unused_port(io)));
    raft::AppendRequest append{raft::Index(0), raft::Term(0), {}, raft::Index(0)};
    append.entries.push_back(raft::Entry{raft::Term(1), raft::Index(1), raft::EntryType::normal, std::string(1000, 'x')});
    for (int i = 0; i < 10000; ++i) {
        a.network->send(raft::Message{a.raft_id, ghost, raft::Term(1), append});
        if (i % 1000 == 0) run_for(io, 5ms);  // let dials fail and retry meanwhile
        ASSERT_LE(a.network->stats().queued_bytes, bound);
    }
    EXPECT_GT(a.network->stats().dropped_messages, 9000u);
    // A call to the full peer fails at once rather than queueing beyond the bound.
    auto outcome = start_call(*a.network, "127.0.0.1:" + std::to_string(unused_port(io)), 1s);
    ASSERT_TRUE(run_until(io, [&] { return outcome->result.has_value(); }, 2s));
    EXPECT_FALSE(outcome->result->ok());
}

TEST(PeerNetworkFaults, ACallToAFullQueueFailsAtOnce) {
    asio::io_context io;
    TestNode a(io, "a", "127.0.0.1:0", [](PeerNetworkOptions& options) { options.max_queue_bytes = 4096; });
    const raft::NodeId ghost(99);
    const std::string nowhere = "127.0.0.1:" + std::to_string(unused_port(io));
    a.network->set_peer_address(ghost, nowhere);
    // Small messages until one is dropped: the queue then has less room than one of them.
    while (a.network->stats().dropped_messages == 0) a.network->send(heartbeat(a.raft_id, ghost, 1));
    std::optional<Result<ClusterResponse>> result;
    a.network->call(nowhere, ForwardRequest{"POST", "/db/execute", "", "", std::string(1000, 'x')}, 1s,
                    [&](Result<ClusterResponse> r) { result = std::move(r); });
    ASSERT_TRUE(run_until(io, [&] { return result.has_value(); }, 2s));
    EXPECT_TRUE(mentions(*result, "queue is full")) << (result->ok() ? "ok" : result->error().message());
}

TEST(PeerNetworkFaults, APeerThatFallsSilentIsClosedAfterTheIdleTimeout) {
    asio::io_context io;
    TestNode a(io, "a");
    // Completes the hello exchange, then neither reads nor writes: a frozen process, a half-open link.
    static const std::string hello = encode_frame(Hello{peer_protocol_version, "silent", "127.0.0.1:1"});
    RawServer silent(io, [](std::shared_ptr<asio::ip::tcp::socket> socket) {
        asio::async_write(*socket, asio::buffer(hello), [socket](const boost::system::error_code&, std::size_t) {});
    });
    const raft::NodeId silent_id(42);
    a.network->set_peer_address(silent_id, silent.address());
    a.network->send(heartbeat(a.raft_id, silent_id, 1));
    ASSERT_TRUE(run_until(io, [&] { return a.network->stats().connections_opened == 1; }, 2s));
    const auto opened = Clock::now();
    ASSERT_TRUE(run_until(io, [&] { return a.network->stats().connections_closed == 1; }, 2s));
    const auto lasted = Clock::now() - opened;
    EXPECT_GE(lasted, 250ms);  // idle_timeout is 300 ms; pings are not an answer from the peer
    EXPECT_LE(lasted, 1000ms);  // slack for a loaded machine
}

TEST(PeerNetworkFaults, PendingCallsFailWhenTheConnectionDrops) {
    asio::io_context io;
    TestNode a(io, "a");
    auto b = std::make_unique<TestNode>(io, "b");
    bool asked = false;
    b->network->on_cluster_request([&](const PeerIdentity&, ClusterRequest, ClusterResponder) { asked = true; });
    auto outcome = start_call(*a.network, b->address, 5s);
    ASSERT_TRUE(run_until(io, [&] { return asked; }));
    b->network->stop();
    ASSERT_TRUE(run_until(io, [&] { return outcome->result.has_value(); }, 2s));
    EXPECT_TRUE(mentions(*outcome->result, "lost")) << (outcome->result->ok() ? "ok" : outcome->result->error().message());
    EXPECT_LT(outcome->took, 1s);
}

TEST(PeerNetworkFaults, StopIsIdempotentFailsPendingCallsAndMayBeFollowedByDestruction) {
    asio::io_context io;
    TestNode b(io, "b");
    b.network->on_cluster_request([](const PeerIdentity&, ClusterRequest, ClusterResponder) {});
    auto a = std::make_unique<TestNode>(io, "a");
    a->network->set_peer_address(b.raft_id, b.address);
    auto outcome = start_call(*a->network, b.address, 5s);
    ASSERT_TRUE(run_until(io, [&] { return a->network->stats().connections_opened == 1; }));
    for (int i = 0; i < 100; ++i) a->network->send(heartbeat(a->raft_id, b.raft_id, 1));  // writes in flight
    a->network->stop();
    a->network->stop();
    a.reset();  // with handlers of its sockets and timers still queued
    ASSERT_TRUE(run_until(io, [&] { return outcome->result.has_value(); }, 1s));
    EXPECT_EQ(outcome->result->error().code(), ErrorCode::closed);
    run_for(io, 50ms);  // the queued handlers run against a destroyed network: nothing may happen
}

TEST(PeerNetworkFaults, ListeningOnATakenPortIsAnError) {
    asio::io_context io;
    TestNode a(io, "a");
    PeerNetwork second(io, fast_options("b", a.address));
    auto listening = second.listen();
    ASSERT_FALSE(listening.ok());
    EXPECT_NE(listening.error().message().find(a.address), std::string::npos) << listening.error().message();
}

}  // namespace
}  // namespace rq::io::testing
