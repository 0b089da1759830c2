// The planted bugs of the Raft core (base/planted_bug.h): each test shows the correct behaviour with
// the switch off and the intended misbehaviour with it on, so a switch that does nothing fails here
// before the simulator relies on it.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "raft/codec.h"
#include "raft/memory_storage.h"
#include "raft/node.h"
#include "raft/testing/cluster.h"

namespace rq::raft {
namespace {

using testing::Cluster;
using testing::ClusterViolation;

TEST(PlantedBugNames, ParseIsTheInverseOfName) {
    for (PlantedBug bug : {PlantedBug::none, PlantedBug::read_without_quorum, PlantedBug::ack_before_fsync,
                           PlantedBug::accept_stale_term, PlantedBug::skip_snapshot_checksum}) {
        auto parsed = parse_planted_bug(planted_bug_name(bug));
        ASSERT_TRUE(parsed.ok()) << planted_bug_name(bug);
        EXPECT_EQ(*parsed, bug);
    }
    auto unknown = parse_planted_bug("lose_everything");
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().code(), ErrorCode::invalid_argument);
    EXPECT_NE(unknown.error().message().find("skip_snapshot_checksum"), std::string::npos) << unknown.error().message();
}

// Plain elections (no PreVote, no CheckQuorum) so that a test can elect a second leader by hand
// while the first one, cut off, still believes it leads.
Config hand_driven(PlantedBug bug) {
    Config config;
    config.seed = 3;
    config.pre_vote = false;
    config.check_quorum = false;
    config.planted_bug = bug;
    return config;
}

bool involves(const Message& message, NodeId node) { return message.from == node || message.to == node; }

// Runs Ready cycles and delivers messages until nothing moves; messages from or to `cut_off` are lost.
void settle_without(Cluster& cluster, NodeId cut_off) {
    for (int round = 0; round < 1000; ++round) {
        bool moved = false;
        for (NodeId id : cluster.ids()) moved = cluster.process_ready(id).has_value() || moved;
        const std::vector<Message> messages = cluster.take_outbox();
        for (const Message& message : messages) {
            if (!involves(message, cut_off)) cluster.deliver(message);
        }
        if (!moved && messages.empty()) return;
    }
    FAIL() << "the cluster never settles";
}

// Three nodes founded; node 1 wins term 2 and commits "before" on all of them.
void node_1_leads_with_before_committed(Cluster& cluster) {
    const Configuration founding{{NodeId(1), NodeId(2), NodeId(3)}, {}};
    for (std::size_t i = 1; i <= 3; ++i) cluster.add(NodeId(i), founding);
    cluster.node(NodeId(1)).campaign();
    cluster.stabilize();
    EXPECT_EQ(cluster.node(NodeId(1)).propose("before").refusal, Refusal::none);
    cluster.stabilize();
}

// Three nodes; node 1 led term 2 and committed "before"; then it was cut off, and node 2 won term 3
// with node 3's vote and committed "after". Node 1 does not know yet.
struct DeposedLeader {
    Cluster cluster;
    Index after_index;

    explicit DeposedLeader(PlantedBug bug) : cluster(hand_driven(bug), Cluster::Options{true, true}) {
        node_1_leads_with_before_committed(cluster);
        cluster.node(NodeId(2)).campaign();
        settle_without(cluster, NodeId(1));
        EXPECT_EQ(cluster.node(NodeId(2)).role(), Role::leader);
        EXPECT_EQ(cluster.node(NodeId(1)).role(), Role::leader) << "node 1 has heard nothing";
        EXPECT_EQ(cluster.node(NodeId(2)).propose("after").refusal, Refusal::none);
        settle_without(cluster, NodeId(1));
        after_index = cluster.node(NodeId(2)).log().committed();
        EXPECT_GT(after_index, cluster.node(NodeId(1)).log().committed());
    }
};

// (1) read_without_quorum: the deposed leader must not answer a linearizable read on its own; with
// the bug it answers at once, at a commit index that misses the write the new leader committed.
TEST(PlantedBugReadWithoutQuorum, DeposedLeaderNeverAnswersWithoutTheBug) {
    DeposedLeader scenario(PlantedBug::none);
    Cluster& cluster = scenario.cluster;
    ASSERT_EQ(cluster.node(NodeId(1)).read_index(7), Refusal::none);
    for (int tick = 0; tick < 5; ++tick) {
        cluster.node(NodeId(1)).tick();
        settle_without(cluster, NodeId(1));
    }
    EXPECT_TRUE(cluster.member(NodeId(1)).reads.empty()) << "no quorum confirmed node 1's leadership";
}

TEST(PlantedBugReadWithoutQuorum, DeposedLeaderAnswersAStaleReadWithTheBug) {
    DeposedLeader scenario(PlantedBug::read_without_quorum);
    Cluster& cluster = scenario.cluster;
    ASSERT_EQ(cluster.node(NodeId(1)).read_index(7), Refusal::none);
    settle_without(cluster, NodeId(1));
    const std::vector<ReadState>& reads = cluster.member(NodeId(1)).reads;
    ASSERT_EQ(reads.size(), 1U) << "answered without any heartbeat response";
    EXPECT_EQ(reads[0].read_id, 7U);
    EXPECT_LT(reads[0].index, scenario.after_index) << "the read misses the new leader's committed write";
}

// A follower (node 2 of voters 1, 2, 3) at term 5 with the founding entry, and one AppendRequest of
// term 3 from node 1, a leader deposed since.
struct FollowerAtTerm5 {
    MemoryStorage storage;
    std::unique_ptr<Node> node;

    explicit FollowerAtTerm5(PlantedBug bug) {
        storage.append({bootstrap_entry(Configuration{{NodeId(1), NodeId(2), NodeId(3)}, {}})});
        storage.set_hard_state(HardState{Term(5), no_node, Index(1)});
        Config config;  // PreVote and CheckQuorum on: a stale leader is told the current term
        config.id = NodeId(2);
        config.seed = 3;
        config.planted_bug = bug;
        node = std::move(Node::create(config, storage)).value();
        const AppendRequest stale{Index(1), Term(1), {Entry{Term(3), Index(2), EntryType::normal, "stale"}}, Index(1)};
        node->step(Message{NodeId(1), NodeId(2), Term(3), stale});
    }

    // The one AppendResponse the follower sends back to node 1.
    Message response() {
        EXPECT_TRUE(node->has_ready());
        const Ready ready = node->ready();
        std::optional<Message> found;
        for (const Message& message : ready.messages) {
            if (message.to == NodeId(1) && std::holds_alternative<AppendResponse>(message.payload)) found = message;
        }
        node->advance();
        EXPECT_TRUE(found.has_value());
        return found.value_or(Message{});
    }
};

// (3) accept_stale_term: the follower must refuse the old term's append and tell the sender the new
// term; with the bug it takes the entry and acknowledges it in the sender's term.
TEST(PlantedBugAcceptStaleTerm, FollowerRefusesAnOlderTermWithoutTheBug) {
    FollowerAtTerm5 follower(PlantedBug::none);
    EXPECT_EQ(follower.node->log().last_index(), Index(1));
    EXPECT_NE(follower.node->leader(), NodeId(1));
    const Message response = follower.response();
    EXPECT_EQ(response.term, Term(5)) << "tells the deposed leader the current term";
}

TEST(PlantedBugAcceptStaleTerm, FollowerAcceptsAnOlderTermWithTheBug) {
    FollowerAtTerm5 follower(PlantedBug::accept_stale_term);
    EXPECT_EQ(follower.node->log().last_index(), Index(2));
    EXPECT_EQ(follower.node->log().term(Index(2)), Term(3));
    EXPECT_EQ(follower.node->term(), Term(5)) << "its own term does not go back";
    const Message response = follower.response();
    EXPECT_EQ(response.term, Term(3));
    const auto& accepted = std::get<AppendResponse>(response.payload);
    EXPECT_FALSE(accepted.rejected);
    EXPECT_EQ(accepted.index, Index(2));
}

// Runs one round: every Ready, then the messages `deliver_if` allows (the others are lost).
template <typename Filter>
void round_with(Cluster& cluster, Filter&& deliver_if) {
    for (NodeId id : cluster.ids()) (void)cluster.process_ready(id);
    for (const Message& message : cluster.take_outbox()) {
        if (deliver_if(message)) cluster.deliver(message);
    }
}

bool between(const Message& message, NodeId a, NodeId b) { return involves(message, a) && involves(message, b); }

// The whole effect on a cluster. Node 1 leads term 2 with "before" committed at index i and is cut
// off. Node 2 wins term 3 with node 3's vote and commits its no-op at i + 1 with node 3's
// acknowledgement (node 3 has not learnt that commit yet). Then node 1 proposes "stale" and reaches
// node 3 only. Returns node 3's term at i + 1; the cluster checks state machine safety throughout.
Term stale_leader_reaches_node_3(PlantedBug bug) {
    Cluster cluster(hand_driven(bug), Cluster::Options{true, true});
    node_1_leads_with_before_committed(cluster);
    const Index before = cluster.node(NodeId(3)).log().committed();

    cluster.node(NodeId(2)).campaign();
    for (int round = 0; round < 10 && cluster.node(NodeId(2)).log().committed() <= before; ++round) {
        round_with(cluster, [](const Message& m) { return between(m, NodeId(2), NodeId(3)); });
    }
    EXPECT_EQ(cluster.node(NodeId(2)).role(), Role::leader);
    EXPECT_EQ(cluster.node(NodeId(2)).log().committed(), before + 1);
    EXPECT_EQ(cluster.node(NodeId(3)).log().committed(), before);

    EXPECT_EQ(cluster.node(NodeId(1)).propose("stale").refusal, Refusal::none);
    for (int round = 0; round < 10; ++round) {
        round_with(cluster, [](const Message& m) { return between(m, NodeId(1), NodeId(3)); });
    }
    cluster.check_safety();
    return cluster.node(NodeId(3)).log().term(before + 1).value_or(Term(0));
}

TEST(PlantedBugAcceptStaleTerm, TheNewLeadersCommittedEntryStaysWithoutTheBug) {
    EXPECT_EQ(stale_leader_reaches_node_3(PlantedBug::none), Term(3));
}

TEST(PlantedBugAcceptStaleTerm, TheDeposedLeaderCommitsOverItWithTheBug) {
    // Node 3 takes "stale" over the no-op, and its acknowledgement lets node 1 commit "stale" at the
    // index where node 2 committed its no-op: two entries committed at one index.
    try {
        (void)stale_leader_reaches_node_3(PlantedBug::accept_stale_term);
        ADD_FAILURE() << "no safety violation";
    } catch (const ClusterViolation& violation) {
        EXPECT_NE(std::string(violation.what()).find("commit safety"), std::string::npos) << violation.what();
    }
}

}  // namespace
}  // namespace rq::raft
