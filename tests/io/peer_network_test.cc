// PeerNetwork over real loopback TCP: Raft messages both ways over one connection per pair of nodes,
// cluster calls, simultaneous dials, and a restarted peer.
#include <gtest/gtest.h>

#include "node/meta.h"
#include "tests/io/peer_test_support.h"

namespace rq::io::testing {
namespace {

namespace asio = boost::asio;

std::uint64_t live_connections(const PeerNetwork& network) {
    const auto stats = network.stats();
    return stats.connections_opened - stats.connections_closed;
}

TEST(PeerNetwork, RaftMessagesFlowBothWaysOverOneConnection) {
    asio::io_context io;
    TestNode a(io, "a"), b(io, "b");
    // Only a knows where b is: b learns a's address from the hello and answers over the same link.
    a.network->set_peer_address(b.raft_id, b.address);
    a.network->send(heartbeat(a.raft_id, b.raft_id, 1));
    ASSERT_TRUE(run_until(io, [&] { return b.inbox.size() == 1; }));
    EXPECT_EQ(b.inbox[0], heartbeat(a.raft_id, b.raft_id, 1));

    b.network->send(raft::Message{b.raft_id, a.raft_id, raft::Term(3), raft::HeartbeatResponse{1}});
    ASSERT_TRUE(run_until(io, [&] { return a.inbox.size() == 1; }));
    EXPECT_EQ(std::get<raft::HeartbeatResponse>(a.inbox[0].payload).read_round, 1u);

    EXPECT_EQ(a.network->stats().connections_opened, 1u);
    EXPECT_EQ(b.network->stats().connections_opened, 1u);
    EXPECT_EQ(live_connections(*a.network), 1u);
}

TEST(PeerNetwork, MessagesQueuedDuringAWriteGoOutInOrder) {
    asio::io_context io;
    TestNode a(io, "a"), b(io, "b");
    a.network->set_peer_address(b.raft_id, b.address);
    raft::AppendRequest append{raft::Index(0), raft::Term(0), {}, raft::Index(0)};
    append.entries.push_back(raft::Entry{raft::Term(1), raft::Index(1), raft::EntryType::normal, std::string(100000, 'x')});
    for (std::uint64_t round = 0; round < 500; ++round) {
        a.network->send(round % 50 == 0 ? raft::Message{a.raft_id, b.raft_id, raft::Term(1), append}
                                        : heartbeat(a.raft_id, b.raft_id, round));
    }
    ASSERT_TRUE(run_until(io, [&] { return b.inbox.size() == 500; }));
    for (std::uint64_t round = 0; round < 500; ++round) {
        if (round % 50 == 0) {
            EXPECT_EQ(std::get<raft::AppendRequest>(b.inbox[round].payload), append);
        } else {
            EXPECT_EQ(b.inbox[round], heartbeat(a.raft_id, b.raft_id, round));
        }
    }
    // Far fewer frames than messages: what queued while a write was in progress went out as batches.
    EXPECT_LT(b.network->stats().received_frames, 100u);
}

TEST(PeerNetwork, SimultaneousDialsSettleOnOneConnection) {
    asio::io_context io;
    TestNode a(io, "a"), b(io, "b");
    a.network->set_peer_address(b.raft_id, b.address);
    b.network->set_peer_address(a.raft_id, a.address);
    a.network->send(heartbeat(a.raft_id, b.raft_id, 1));
    b.network->send(heartbeat(b.raft_id, a.raft_id, 1));
    ASSERT_TRUE(run_until(io, [&] { return a.inbox.size() == 1 && b.inbox.size() == 1; }));
    // Both dials complete their hello exchange; each side then retires the same one of the two.
    auto settled = [](const PeerNetwork& network) {
        return network.stats().connections_opened == 2 && live_connections(network) == 1;
    };
    ASSERT_TRUE(run_until(io, [&] { return settled(*a.network) && settled(*b.network); }));

    for (std::uint64_t round = 2; round < 20; ++round) {
        a.network->send(heartbeat(a.raft_id, b.raft_id, round));
        b.network->send(heartbeat(b.raft_id, a.raft_id, round));
    }
    ASSERT_TRUE(run_until(io, [&] { return a.inbox.size() == 19 && b.inbox.size() == 19; }));
    run_for(io, 100ms);
    EXPECT_EQ(live_connections(*a.network), 1u);
    EXPECT_EQ(live_connections(*b.network), 1u);
}

TEST(PeerNetwork, ThreeNodesUseOneConnectionPerPair) {
    asio::io_context io;
    std::vector<std::unique_ptr<TestNode>> nodes;
    for (const char* id : {"n1", "n2", "n3"}) nodes.push_back(std::make_unique<TestNode>(io, id));
    for (auto& from : nodes) {
        for (auto& to : nodes) {
            if (from != to) from->network->set_peer_address(to->raft_id, to->address);
        }
    }
    for (auto& from : nodes) {
        for (auto& to : nodes) {
            if (from != to) from->network->send(heartbeat(from->raft_id, to->raft_id, 5));
        }
    }
    ASSERT_TRUE(run_until(io, [&] {
        for (auto& node : nodes) {
            if (node->inbox.size() != 2 || live_connections(*node->network) != 2) return false;
        }
        return true;
    }));
    for (auto& node : nodes) {
        for (const auto& message : node->inbox) EXPECT_EQ(message.to, node->raft_id);
    }
}

TEST(PeerNetwork, CallsAreAnswered) {
    asio::io_context io;
    TestNode a(io, "a"), b(io, "b");
    std::vector<Result<ClusterResponse>> answers;
    a.network->call(b.address, MetadataRequest{}, 1s, [&](Result<ClusterResponse> r) { answers.push_back(std::move(r)); });
    a.network->call(b.address, ForwardRequest{"POST", "/db/execute", "application/json", "", "[\"x\"]"}, 1s,
                    [&](Result<ClusterResponse> r) { answers.push_back(std::move(r)); });
    ASSERT_TRUE(run_until(io, [&] { return answers.size() == 2; }));
    ASSERT_TRUE(answers[0].ok()) << answers[0].error().message();
    EXPECT_EQ(answers[0]->meta.id, "b");
    EXPECT_EQ(answers[0]->meta.http_address, "http-of-b");
    ASSERT_TRUE(answers[1].ok()) << answers[1].error().message();
    EXPECT_EQ(answers[1]->http_status, 200u);
    EXPECT_EQ(answers[1]->http_body, "echo:[\"x\"]");
    ASSERT_EQ(b.requests.size(), 2u);
    EXPECT_TRUE(std::holds_alternative<MetadataRequest>(b.requests[0]));
}

TEST(PeerNetwork, AnswersMayComeLaterAndCallsToOneselfWork) {
    asio::io_context io;
    TestNode a(io, "a");
    std::vector<ClusterResponder> held;
    a.network->on_cluster_request([&](const PeerIdentity& from, ClusterRequest, ClusterResponder respond) {
        EXPECT_EQ(from.node_id, "a");
        held.push_back(std::move(respond));
    });
    std::vector<Result<ClusterResponse>> answers;
    // bootstrap-expect notifies every address, its own included.
    a.network->call(a.address, NotifyRequest{node::NodeMeta{"a", a.address, ""}}, 1s,
                    [&](Result<ClusterResponse> r) { answers.push_back(std::move(r)); });
    ASSERT_TRUE(run_until(io, [&] { return held.size() == 1; }));
    run_for(io, 20ms);
    EXPECT_TRUE(answers.empty());
    ClusterResponse response;
    response.leader_raft_address = "somewhere:1";
    held[0](response);
    ASSERT_TRUE(run_until(io, [&] { return answers.size() == 1; }));
    ASSERT_TRUE(answers[0].ok()) << answers[0].error().message();
    EXPECT_EQ(answers[0]->leader_raft_address, "somewhere:1");
}

TEST(PeerNetwork, MessagesFlowAgainAfterThePeerRestarts) {
    asio::io_context io;
    TestNode a(io, "a");
    auto b = std::make_unique<TestNode>(io, "b");
    const std::string b_address = b->address;
    const raft::NodeId b_id = b->raft_id;
    a.network->set_peer_address(b_id, b_address);
    a.network->send(heartbeat(a.raft_id, b_id, 1));
    ASSERT_TRUE(run_until(io, [&] { return b->inbox.size() == 1; }));

    b->network->stop();
    b.reset();
    ASSERT_TRUE(run_until(io, [&] { return a.network->stats().connections_closed == 1; }));

    b = std::make_unique<TestNode>(io, "b", b_address);
    // The first sends may go to the dead connection's successor attempts; a keeps retrying with backoff.
    std::uint64_t round = 2;
    ASSERT_TRUE(run_until(io, [&] {
        a.network->send(heartbeat(a.raft_id, b_id, round++));
        run_for(io, 5ms);
        return !b->inbox.empty();
    }));
    b->network->send(heartbeat(b_id, a.raft_id, 1));
    ASSERT_TRUE(run_until(io, [&] { return a.inbox.size() == 1; }));
}

TEST(PeerNetwork, AQueuedMessageReachesAPeerThatStartsLaterWithoutFurtherSends) {
    asio::io_context io;
    TestNode a(io, "a");
    const std::string b_address = "127.0.0.1:" + std::to_string(unused_port(io));
    const raft::NodeId b_id = node::raft_id_of("b");
    a.network->set_peer_address(b_id, b_address);
    a.network->send(heartbeat(a.raft_id, b_id, 1));
    // Dials fail and back off (10 ms doubling to 100 ms); the message waits in the queue.
    run_for(io, 150ms);
    TestNode b(io, "b", b_address);
    ASSERT_TRUE(run_until(io, [&] { return b.inbox.size() == 1; }, 2s));
    EXPECT_EQ(b.inbox[0], heartbeat(a.raft_id, b_id, 1));
}

}  // namespace
}  // namespace rq::io::testing
