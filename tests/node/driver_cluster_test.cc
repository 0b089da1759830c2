// The engine end to end on the in-memory environment: three real drivers (raft core, WAL on a
// MemoryDisk, SQLite store) exchanging messages through a queue. Issue 4's cluster tests.
#include <gtest/gtest.h>

#include <set>

#include "store/value.h"
#include "tests/node/cluster_harness.h"
#include "tests/node/reply_cells.h"

namespace rq::node::testing {
namespace {

// Every live replica holds the same database.
void expect_identical_replicas(TestCluster& cluster) {
    const auto hashes = cluster.hashes();
    std::set<std::uint64_t> distinct;
    for (const auto& [id, hash] : hashes) distinct.insert(hash);
    EXPECT_EQ(distinct.size(), 1U) << "replicas differ";
}

TEST(DriverCluster, WritesAndReadsAtEveryLevel) {
    TestCluster cluster(3);
    cluster.driver("n1").campaign();
    const std::string leader = cluster.await_leader();
    ASSERT_EQ(leader, "n1");
    ASSERT_TRUE(cluster.execute(leader, {"CREATE TABLE foo (id INTEGER PRIMARY KEY, name TEXT)"}).ok());
    const Reply insert = cluster.execute(leader, {"INSERT INTO foo(name) VALUES('fiona')", "INSERT INTO foo(name) VALUES('sinead')"});
    ASSERT_TRUE(insert.ok()) << insert.message;
    ASSERT_EQ(insert.results.results.size(), 2U);
    EXPECT_EQ(insert.results.results[1].last_insert_id, 2);
    EXPECT_GT(insert.index, raft::Index(0));

    for (ReadLevel level : {ReadLevel::none, ReadLevel::weak, ReadLevel::linearizable, ReadLevel::strong}) {
        EXPECT_EQ(count_of(cluster.query(leader, "SELECT COUNT(*) FROM foo", level)), 2) << static_cast<int>(level);
    }
    EXPECT_EQ(cluster.driver(leader).stats().read_index_rounds, 1U) << "the linearizable read ran a ReadIndex round";
    // Followers serve `none` locally once applied, and send the rest to the leader.
    cluster.run_ticks(3);
    EXPECT_EQ(count_of(cluster.query("n2", "SELECT COUNT(*) FROM foo", ReadLevel::none)), 2);
    for (ReadLevel level : {ReadLevel::weak, ReadLevel::linearizable, ReadLevel::strong}) {
        const Reply refused = cluster.query("n2", "SELECT COUNT(*) FROM foo", level);
        EXPECT_EQ(refused.failure, Failure::not_leader);
        ASSERT_TRUE(refused.leader.has_value());
        EXPECT_EQ(refused.leader->http_address, "n1:4001");
    }
    EXPECT_EQ(cluster.execute("n3", {"INSERT INTO foo(name) VALUES('x')"}).failure, Failure::not_leader);
    expect_identical_replicas(cluster);
}

TEST(DriverCluster, StatementErrorsAndReadOnlyViolations) {
    TestCluster cluster(3);
    cluster.driver("n1").campaign();
    ASSERT_EQ(cluster.await_leader(), "n1");
    const Reply bad = cluster.execute("n1", {"INSERT INTO nosuchtable VALUES(1)"});
    ASSERT_TRUE(bad.ok());  // the batch ran; the statement failed
    EXPECT_EQ(bad.results.results[0].error, "no such table: nosuchtable");
    const Reply pragma = cluster.execute("n1", {"PRAGMA journal_mode=DELETE"});
    EXPECT_EQ(pragma.failure, Failure::rejected);
    ASSERT_TRUE(cluster.execute("n1", {"CREATE TABLE t (x)"}).ok());
    const Reply write_in_query = cluster.query("n1", "INSERT INTO t VALUES(1)", ReadLevel::weak);
    ASSERT_TRUE(write_in_query.ok());
    EXPECT_EQ(write_in_query.results.results[0].error, "attempt to change database via query operation");
}

// Non-deterministic SQL is rewritten on the leader, so every replica stores the same values.
TEST(DriverCluster, NonDeterministicSqlGivesIdenticalReplicas) {
    TestCluster cluster(3);
    cluster.driver("n1").campaign();
    ASSERT_EQ(cluster.await_leader(), "n1");
    ASSERT_TRUE(cluster.execute("n1", {"CREATE TABLE r (a INTEGER, b BLOB, c TEXT, d REAL)"}).ok());
    for (int i = 0; i < 5; ++i) {
        cluster.clock().advance(std::chrono::milliseconds(1234));
        ASSERT_TRUE(cluster.execute("n1", {"INSERT INTO r VALUES(RANDOM(), randomblob(8), datetime('now'), julianday('now'))",
                                           "INSERT INTO r VALUES(abs(random()) % 100, CURRENT_TIMESTAMP, time('now'), unixepoch('now'))"})
                        .ok());
    }
    cluster.run_ticks(3);
    expect_identical_replicas(cluster);
    EXPECT_EQ(count_of(cluster.query("n1", "SELECT COUNT(DISTINCT a) FROM r", ReadLevel::weak)), 10);
}

TEST(DriverCluster, LeaderCrashThenRecovery) {
    TestCluster cluster(3);
    cluster.driver("n1").campaign();
    ASSERT_EQ(cluster.await_leader(), "n1");
    ASSERT_TRUE(cluster.execute("n1", {"CREATE TABLE t (x INTEGER)"}).ok());
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(cluster.execute("n1", {"INSERT INTO t VALUES(" + std::to_string(i) + ")"}).ok());

    cluster.crash("n1");
    const std::string successor = cluster.await_leader(400);
    ASSERT_FALSE(successor.empty());
    ASSERT_NE(successor, "n1");
    // Every acknowledged write survived; the new leader takes writes.
    EXPECT_EQ(count_of(cluster.query(successor, "SELECT COUNT(*) FROM t", ReadLevel::linearizable)), 10);
    ASSERT_TRUE(cluster.execute(successor, {"INSERT INTO t VALUES(100)"}).ok());

    cluster.start("n1");  // restarts from its WAL and rebuilds its database
    cluster.run_ticks(30);
    EXPECT_EQ(count_of(cluster.query("n1", "SELECT COUNT(*) FROM t", ReadLevel::none)), 11);
    expect_identical_replicas(cluster);
}

// A node that was down while the leader compacted its log catches up through InstallSnapshot.
TEST(DriverCluster, SnapshotCatchUpOfARestartedNode) {
    TestCluster cluster(3, /*snapshot_threshold=*/10);
    cluster.driver("n1").campaign();
    ASSERT_EQ(cluster.await_leader(), "n1");
    ASSERT_TRUE(cluster.execute("n1", {"CREATE TABLE t (x INTEGER, pad TEXT)"}).ok());
    cluster.crash("n3");
    for (int i = 0; i < 60; ++i) {
        ASSERT_TRUE(cluster.execute("n1", {"INSERT INTO t VALUES(" + std::to_string(i) + ", hex(zeroblob(200)))"}).ok());
    }
    EXPECT_GE(cluster.driver("n1").stats().snapshots_taken, 1U);
    EXPECT_GT(cluster.driver("n1").storage().first_index(), raft::Index(2)) << "the leader compacted its log";

    cluster.start("n3");
    cluster.run_ticks(50);
    EXPECT_GE(cluster.driver("n3").stats().snapshots_installed, 1U);
    EXPECT_EQ(count_of(cluster.query("n3", "SELECT COUNT(*) FROM t", ReadLevel::none)), 60);
    expect_identical_replicas(cluster);

    // And a restart of a node that has snapshots of its own rebuilds from snapshot plus log.
    cluster.crash("n2");
    cluster.start("n2");
    cluster.run_ticks(20);
    EXPECT_EQ(count_of(cluster.query("n2", "SELECT COUNT(*) FROM t", ReadLevel::none)), 60);
    expect_identical_replicas(cluster);
}

// A leader cut off before its write reaches anyone steps down (CheckQuorum) and tells the caller the
// outcome is unknown; the write indeed never happens, and the cluster moves on without it.
TEST(DriverCluster, PendingWritesFailWhenLeadershipMoves) {
    TestCluster cluster(3);
    cluster.driver("n1").campaign();
    ASSERT_EQ(cluster.await_leader(), "n1");
    ASSERT_TRUE(cluster.execute("n1", {"CREATE TABLE t (x)"}).ok());
    cluster.isolate("n1");
    std::optional<Reply> outcome;
    store::StatementBatch batch;
    batch.statements.push_back({"INSERT INTO t VALUES(1)", {}, false});
    cluster.driver("n1").execute(batch, WriteOptions{}, [&](Reply reply) { outcome = std::move(reply); });
    cluster.run_ticks(40);
    ASSERT_TRUE(outcome.has_value());
    EXPECT_EQ(outcome->failure, Failure::leadership_lost) << failure_name(outcome->failure) << ": " << outcome->message;
    EXPECT_FALSE(cluster.driver("n1").is_leader());
    const std::string successor = cluster.await_leader();
    ASSERT_TRUE(successor == "n2" || successor == "n3") << successor;
    cluster.heal();
    cluster.run_ticks(20);
    EXPECT_EQ(count_of(cluster.query(successor, "SELECT COUNT(*) FROM t", ReadLevel::linearizable)), 0);
    expect_identical_replicas(cluster);
}

TEST(DriverCluster, SingleNodeServesImmediately) {
    TestCluster cluster(1);
    cluster.driver("n1").campaign();
    ASSERT_EQ(cluster.await_leader(), "n1");
    ASSERT_TRUE(cluster.execute("n1", {"CREATE TABLE t (x)", "INSERT INTO t VALUES(1)"}).ok());
    EXPECT_EQ(count_of(cluster.query("n1", "SELECT COUNT(*) FROM t", ReadLevel::linearizable)), 1);
    EXPECT_EQ(count_of(cluster.query("n1", "SELECT COUNT(*) FROM t", ReadLevel::strong)), 1);
}

}  // namespace
}  // namespace rq::node::testing
