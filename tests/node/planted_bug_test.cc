// The planted bugs the driver honours (base/planted_bug.h), end to end on real drivers: each test
// shows the correct behaviour with the switch off and the intended misbehaviour with it on, so a
// switch that does nothing fails here before the simulator relies on it.
#include <gtest/gtest.h>

#include "store/value.h"
#include "tests/node/cluster_harness.h"
#include "tests/node/reply_cells.h"
#include "wal/snapshot_format.h"

namespace rq::node::testing {
namespace {

// (2) ack_before_fsync. n3 is cut off; n1 and n2 commit and acknowledge two writes (a CREATE TABLE
// and an INSERT); then both crash (losing unsynced writes) and the cluster comes back with n3.
// Returns how many of the two acknowledged writes the cluster then shows.
std::int64_t writes_after_majority_crash(PlantedBug bug) {
    TestCluster cluster(3, 1000, bug);
    cluster.driver("n1").campaign();
    EXPECT_EQ(cluster.await_leader(), "n1");
    cluster.isolate("n3");
    for (const char* sql : {"CREATE TABLE t (x INTEGER)", "INSERT INTO t VALUES(1)"}) {
        const Reply write = cluster.execute("n1", {sql});
        EXPECT_TRUE(write.ok()) << "acknowledged by n1 and n2: " << write.message;
    }

    cluster.crash("n1");
    cluster.crash("n2");
    cluster.heal();
    cluster.start("n1");
    cluster.start("n2");
    const std::string leader = cluster.await_leader(400);
    EXPECT_FALSE(leader.empty());
    if (leader.empty()) return -1;
    const std::string tables = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 't'";
    if (count_of(cluster.query(leader, tables, ReadLevel::linearizable)) == 0) return 0;
    return 1 + count_of(cluster.query(leader, "SELECT COUNT(*) FROM t", ReadLevel::linearizable));
}

TEST(PlantedBugAckBeforeFsync, AcknowledgedWritesSurviveACrashWithoutTheBug) {
    EXPECT_EQ(writes_after_majority_crash(PlantedBug::none), 2);
}

TEST(PlantedBugAckBeforeFsync, AcknowledgedWritesAreLostInACrashWithTheBug) {
    EXPECT_EQ(writes_after_majority_crash(PlantedBug::ack_before_fsync), 0);
}

// (4) skip_snapshot_checksum. A single node snapshots a row holding a marker, the marker rots in
// its newest snapshot file, and the node restarts (its database is in memory, so it is rebuilt from
// a snapshot and the log).
struct RottenSnapshotRestart {
    TestCluster cluster;
    raft::Index rotten_index;  // of the newest snapshot, the one that rots
    static constexpr const char* marker = "MARKER-TO-ROT";

    explicit RottenSnapshotRestart(PlantedBug bug) : cluster(1, /*snapshot_threshold=*/5, bug) {
        cluster.driver("n1").campaign();
        EXPECT_EQ(cluster.await_leader(), "n1");
        EXPECT_TRUE(cluster.execute("n1", {"CREATE TABLE t (x TEXT)"}).ok());
        EXPECT_TRUE(cluster.execute("n1", {std::string("INSERT INTO t VALUES('") + marker + "')"}).ok());
        for (int i = 0; i < 6; ++i) EXPECT_TRUE(cluster.execute("n1", {"INSERT INTO t VALUES('filler')"}).ok());
        EXPECT_GE(cluster.driver("n1").stats().snapshots_taken, 1U);
        const raft::SnapshotMetadata snapshot = cluster.driver("n1").storage().snapshot_metadata();
        EXPECT_GT(cluster.driver("n1").storage().first_index(), raft::Index(2)) << "the log was compacted";
        rotten_index = snapshot.index;
        cluster.crash("n1");
        rot_marker(wal::snapshot_file_name(snapshot.index, snapshot.term));
    }

    // Flips the first byte of the marker inside the snapshot file.
    void rot_marker(const std::string& name) {
        env::MemoryDisk& disk = cluster.disk("n1");
        const std::string path = "/data/n1/raft/snapshots/" + name;
        auto file = disk.open(path, env::OpenMode::read_only);
        ASSERT_TRUE(file.ok()) << path << ": " << file.error().message();
        auto size = (*file)->size();
        ASSERT_TRUE(size.ok());
        auto bytes = (*file)->read(0, *size);
        ASSERT_TRUE(bytes.ok());
        const std::size_t at = bytes->find(marker);
        ASSERT_NE(at, std::string::npos) << "the snapshot holds the row as plain SQLite bytes";
        ASSERT_TRUE(disk.corrupt(path, at, 1).ok());
    }
};

// Without the bug the rotten snapshot is removed on start; this node still has an older snapshot
// and the log after it, so it recovers from those and serves the intact row.
TEST(PlantedBugSkipSnapshotChecksum, ARottenSnapshotIsRefusedWithoutTheBug) {
    RottenSnapshotRestart scenario(PlantedBug::none);
    TestCluster& cluster = scenario.cluster;
    const Status started = cluster.try_start("n1");
    ASSERT_TRUE(started.ok()) << started.error().message();
    EXPECT_LT(cluster.driver("n1").storage().snapshot_metadata().index, scenario.rotten_index);
    ASSERT_EQ(cluster.await_leader(), "n1");
    EXPECT_EQ(count_of(cluster.query("n1", "SELECT COUNT(*) FROM t", ReadLevel::linearizable)), 7);
    EXPECT_EQ(text_of(cluster.query("n1", "SELECT x FROM t ORDER BY rowid LIMIT 1", ReadLevel::linearizable)),
              RottenSnapshotRestart::marker);
}

TEST(PlantedBugSkipSnapshotChecksum, ARottenSnapshotIsInstalledWithTheBug) {
    RottenSnapshotRestart scenario(PlantedBug::skip_snapshot_checksum);
    const Status started = scenario.cluster.try_start("n1");
    ASSERT_TRUE(started.ok()) << started.error().message();
    TestCluster& cluster = scenario.cluster;
    EXPECT_EQ(cluster.driver("n1").storage().snapshot_metadata().index, scenario.rotten_index);
    ASSERT_EQ(cluster.await_leader(), "n1");
    EXPECT_EQ(count_of(cluster.query("n1", "SELECT COUNT(*) FROM t", ReadLevel::linearizable)), 7);
    const std::string first = text_of(cluster.query("n1", "SELECT x FROM t ORDER BY rowid LIMIT 1", ReadLevel::linearizable));
    EXPECT_NE(first, RottenSnapshotRestart::marker) << "served the rotten bytes as data";
    EXPECT_EQ(first.substr(1), std::string(RottenSnapshotRestart::marker).substr(1));
}

}  // namespace
}  // namespace rq::node::testing
