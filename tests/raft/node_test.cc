// Focused unit tests of raft::Node that are clearer stepped by hand than as scripts.
#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "raft/codec.h"
#include "raft/memory_storage.h"
#include "raft/node.h"
#include "raft/printer.h"

namespace rq::raft {
namespace {

Config config_for(NodeId id) {
    Config config;
    config.id = id;
    config.seed = 1;
    return config;
}

// A follower (node 2 of voters 1, 2, 3) that has persisted the founding entry.
struct Follower {
    MemoryStorage storage;
    std::unique_ptr<Node> node;

    Follower() {
        storage.append({bootstrap_entry(Configuration{{NodeId(1), NodeId(2), NodeId(3)}, {}})});
        storage.set_hard_state(HardState{Term(1), no_node, Index(1)});
        node = std::move(Node::create(config_for(NodeId(2)), storage)).value();
    }

    void step_chunk(Index snapshot_index, std::string data, std::uint64_t offset, std::uint64_t total) {
        SnapshotMetadata metadata{snapshot_index, Term(1), Configuration{{NodeId(1), NodeId(2), NodeId(3)}, {}}};
        node->step(Message{NodeId(1), NodeId(2), Term(1), SnapshotChunk{metadata, total, offset, std::move(data)}});
    }

    void step_heartbeat() { node->step(Message{NodeId(1), NodeId(2), Term(1), Heartbeat{Index(1), 0}}); }

    // Loses the node's memory (an in-progress transfer included); storage survives.
    void restart() {
        node.reset();
        node = std::move(Node::create(config_for(NodeId(2)), storage)).value();
    }

    // Handles one Ready (the driver's part is not needed here) and returns the snapshot responses
    // it sends.
    std::vector<SnapshotResponse> snapshot_responses() {
        std::vector<SnapshotResponse> responses;
        if (!node->has_ready()) return responses;
        const Ready ready = node->ready();
        for (const Message& message : ready.messages) {
            if (const auto* response = std::get_if<SnapshotResponse>(&message.payload)) responses.push_back(*response);
        }
        node->advance();
        return responses;
    }
};

// A 80-byte snapshot in 16-byte chunks: chunk(0) is bytes 0..15, chunk(64) the last one.
std::string chunk_bytes(std::uint64_t offset) { return std::string(16, static_cast<char>('a' + offset / 16)); }

TEST(NodeConfig, ValidationRejectsNonsenseWithAnError) {
    MemoryStorage storage;
    Config config = config_for(NodeId(1));
    config.heartbeat_interval_ticks = config.election_timeout_ticks;
    auto node = Node::create(config, storage);
    ASSERT_FALSE(node.ok());
    EXPECT_NE(node.error().message().find("heartbeat interval"), std::string::npos) << node.error().message();

    config = config_for(NodeId(0));
    EXPECT_FALSE(Node::create(config, storage).ok());
    config = config_for(NodeId(1));
    config.max_inflight_messages = 0;
    EXPECT_FALSE(Node::create(config, storage).ok());
    config = config_for(NodeId(1));
    config.snapshot_chunk_bytes = 0;
    EXPECT_FALSE(Node::create(config, storage).ok());
    config = config_for(NodeId(1));
    config.applied = Index(5);  // beyond what storage holds
    EXPECT_FALSE(Node::create(config, storage).ok());
}

// Regression (found by the cluster property test): a follower completed snapshot 5 and then, in
// the same Ready batch, accepted the first chunk of snapshot 8. The Ready lists chunks before the
// install, so the driver would have installed snapshot 5 from snapshot 8's bytes.
TEST(NodeSnapshot, ChunksOfANewerSnapshotNeverShareAReadyWithAnInstall) {
    Follower follower;
    follower.step_chunk(Index(5), "abcd", 0, 4);        // snapshot 5, complete in one chunk
    follower.step_chunk(Index(8), "01234567", 0, 16);   // snapshot 8, first of two chunks
    Ready ready = follower.node->ready();
    ASSERT_TRUE(ready.snapshot.has_value());
    EXPECT_EQ(ready.snapshot->index, Index(5));
    ASSERT_FALSE(ready.snapshot_chunks.empty());
    EXPECT_EQ(ready.snapshot_chunks.back().metadata.index, Index(5)) << describe(ready);
    // The newer chunk was refused with a request to resend it from the start.
    bool asked_again = false;
    for (const Message& message : ready.messages) {
        if (const auto* response = std::get_if<SnapshotResponse>(&message.payload)) {
            asked_again = asked_again || (response->snapshot_index == Index(8) && response->rewind &&
                                          response->next_offset == 0);
        }
    }
    EXPECT_TRUE(asked_again) << describe(ready);
}

// Regression (found by the cluster property test): the follower had asked once for a resend (a
// gap) and then ignored every out-of-order chunk. When its acknowledgement of the second chunk was
// lost, the leader resent from that chunk's offset, the follower ignored it as out of order, and
// the transfer stalled forever.
TEST(NodeSnapshot, AResentChunkBelowTheExpectedOffsetIsAnsweredWithThatOffset) {
    Follower follower;
    follower.step_chunk(Index(5), "01234567", 0, 32);   // accepted: next offset 8
    follower.step_chunk(Index(5), "89abcdef", 8, 32);   // accepted: next offset 16 (ack lost)
    follower.step_chunk(Index(5), "ghijklmn", 24, 32);  // chunk 16 was lost: asks for 16 (lost too)
    (void)follower.node->ready();
    follower.node->advance();
    follower.step_chunk(Index(5), "89abcdef", 8, 32);   // the leader resends from its last ack
    Ready ready = follower.node->ready();
    bool answered = false;
    for (const Message& message : ready.messages) {
        if (const auto* response = std::get_if<SnapshotResponse>(&message.payload)) {
            answered = answered || (response->snapshot_index == Index(5) && response->next_offset == 16);
        }
    }
    EXPECT_TRUE(answered) << describe(ready);
}

// Regression (found by the cluster property test, seed 11536597806666648017): the follower asked
// once for a resend from the start of a gap and then ignored every chunk past the gap, so that a
// window of them would not trigger a window of rewinds. When that one request was lost and the
// leader believed the follower held more than it did (here: a stale acknowledgement from before
// the follower restarted), the leader's stall resends all landed past the gap and were ignored:
// the transfer stalled forever. A heartbeat in between must make the follower report the gap again.
TEST(NodeSnapshot, AGapIsReportedAgainAfterAHeartbeatWhenTheFirstReportWasLost) {
    Follower follower;
    for (std::uint64_t offset = 0; offset < 64; offset += 16) follower.step_chunk(Index(5), chunk_bytes(offset), offset, 80);
    (void)follower.snapshot_responses();  // the acknowledgement of 64 is delayed in the network
    follower.restart();                   // the transfer restarts from the beginning
    follower.step_chunk(Index(5), chunk_bytes(0), 0, 80);
    (void)follower.snapshot_responses();
    // The stale acknowledgement of 64 reaches the leader, which goes on from there.
    follower.step_chunk(Index(5), chunk_bytes(64), 64, 80);
    const auto lost = follower.snapshot_responses();
    ASSERT_EQ(lost.size(), 1U);
    EXPECT_TRUE(lost[0].rewind);
    EXPECT_EQ(lost[0].next_offset, 16U);
    // That request is lost. Heartbeats go by; the leader sees no progress and resends from 64.
    follower.step_heartbeat();
    (void)follower.snapshot_responses();
    follower.step_chunk(Index(5), chunk_bytes(64), 64, 80);
    const auto again = follower.snapshot_responses();
    ASSERT_EQ(again.size(), 1U) << "the resend past the gap was ignored: the transfer is stalled";
    EXPECT_TRUE(again[0].rewind);
    EXPECT_EQ(again[0].next_offset, 16U);
}

// Regression (the trigger of the stall above, seed 11536597806666648017): a delayed duplicate of
// the first chunk, arriving in the middle of the transfer, restarted it there and threw away the
// bytes already received, while the leader went on from its acknowledged offset. Within a term the
// leader's snapshot bytes do not change, so the follower keeps what it has and tells the leader
// where it is.
TEST(NodeSnapshot, ADelayedDuplicateOfTheFirstChunkKeepsTheBytesReceived) {
    Follower follower;
    for (std::uint64_t offset = 0; offset < 48; offset += 16) follower.step_chunk(Index(5), chunk_bytes(offset), offset, 80);
    (void)follower.snapshot_responses();
    follower.step_chunk(Index(5), chunk_bytes(0), 0, 80);  // the duplicate
    ASSERT_TRUE(follower.node->has_ready());
    const Ready ready = follower.node->ready();
    EXPECT_TRUE(ready.snapshot_chunks.empty()) << "the transfer restarted: " << describe(ready);
    follower.node->advance();
    bool told_where = false;
    for (const Message& message : ready.messages) {
        if (const auto* response = std::get_if<SnapshotResponse>(&message.payload)) {
            told_where = told_where || (response->rewind && response->next_offset == 48);
        }
    }
    EXPECT_TRUE(told_where) << describe(ready);
    // The transfer goes on from 48 and completes.
    follower.step_chunk(Index(5), chunk_bytes(48), 48, 80);
    follower.step_chunk(Index(5), chunk_bytes(64), 64, 80);
    const Ready done = follower.node->ready();
    ASSERT_TRUE(done.snapshot.has_value()) << describe(done);
    EXPECT_EQ(done.snapshot->index, Index(5));
    follower.node->advance();
}

}  // namespace
}  // namespace rq::raft
