// rqlited clusters of real processes on loopback (issue 6): formed as rqlite's quick start shows,
// writes and reads through any node (forwarded to the leader), redirects, the loss of the leader or
// of a minority, full restarts without -join, read replicas, removal, and -bootstrap-expect.
#include <gtest/gtest.h>

#include <iostream>
#include <memory>
#include <optional>
#include <regex>
#include <thread>

#include "tests/integration/rqlited_process.h"

namespace rq::testing {
namespace {

using namespace std::chrono_literals;

// Short Raft timeouts keep elections after a kill quick.
const std::vector<std::string> fast_raft = {"-raft-election-timeout", "500ms", "-raft-heartbeat-timeout", "500ms"};

std::vector<std::string> with(std::vector<std::string> flags, const std::vector<std::string>& more) {
    flags.insert(flags.end(), more.begin(), more.end());
    return flags;
}

struct Node {
    TempDirectory directory;
    std::unique_ptr<RqlitedProcess> process;
};

// Nodes 1..N with ids "1".."N"; node 1 founds the cluster, the others join it.
class Cluster {
public:
    explicit Cluster(std::size_t size) : nodes_(size) {}

    RqlitedProcess& node(std::size_t i) { return *nodes_.at(i - 1).process; }

    void create(std::size_t i, std::vector<std::string> flags) {
        Node& n = nodes_.at(i - 1);
        n.process = std::make_unique<RqlitedProcess>(n.directory.path(),
                                                     with({"-node-id", std::to_string(i)}, with(fast_raft, flags)));
    }
    // Founds with node 1 and joins the rest through node 1's Raft address; `flags` go to every node.
    void form(std::size_t voters, const std::vector<std::string>& flags = {}) {
        create(1, flags);
        node(1).start();
        for (std::size_t i = 2; i <= voters; ++i) {
            create(i, with({"-join", node(1).raft_address()}, flags));
            node(i).start();
        }
    }

    std::size_t size() const { return nodes_.size(); }

private:
    std::vector<Node> nodes_;
};

// The id of the leader as `node` sees it (GET /leader), or "".
std::string leader_id(RqlitedProcess& node) {
    const Response response = node.client().get("/leader");
    std::smatch match;
    if (response.status != 200 || !std::regex_search(response.body, match, std::regex(R"j("id":"([^"]+)")j"))) return "";
    return match[1];
}

// Waits until every listed node names the same leader, other than `not_this` (a killed leader the
// survivors may still name for an election timeout); returns it or "".
std::string await_common_leader(const std::vector<RqlitedProcess*>& nodes, const std::string& not_this = "",
                                std::chrono::seconds patience = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + patience;
    while (std::chrono::steady_clock::now() < deadline) {
        std::string common = leader_id(*nodes.front());
        bool agreed = !common.empty() && common != not_this;
        for (RqlitedProcess* node : nodes) agreed = agreed && leader_id(*node) == common;
        if (agreed) return common;
        std::this_thread::sleep_for(100ms);
    }
    return "";
}

Response execute(RqlitedProcess& node, const std::string& body, const std::string& query = "") {
    return node.client().post("/db/execute" + query, body);
}

bool succeeded(const Response& response) {
    return response.status == 200 && response.body.find("\"error\"") == std::string::npos;
}

// SELECT COUNT(*) FROM t at `level` on `node`, or nullopt when the read failed.
std::optional<long> row_count(RqlitedProcess& node, const std::string& level) {
    const Response response = node.client().get("/db/query?level=" + level + "&q=" + url_encode("SELECT COUNT(*) FROM t"));
    std::smatch match;
    if (response.status != 200 || !std::regex_search(response.body, match, std::regex(R"j("values":\[\[(\d+)\]\])j"))) {
        return std::nullopt;
    }
    return std::stol(match[1]);
}

// Waits until `node` holds `expected` rows read locally (level none).
bool await_rows(RqlitedProcess& node, long expected, std::chrono::seconds patience = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + patience;
    while (std::chrono::steady_clock::now() < deadline) {
        if (row_count(node, "none") == expected) return true;
        std::this_thread::sleep_for(100ms);
    }
    return false;
}

void insert_rows(RqlitedProcess& node, int first, int count) {
    for (int i = first; i < first + count; ++i) {
        const Response response = execute(node, R"j([["INSERT INTO t(v) VALUES(?)", )j" + std::to_string(i) + "]]");
        ASSERT_TRUE(succeeded(response)) << response.status << " " << response.body << response.error;
    }
}

std::size_t count_of(const std::string& text, const std::string& needle) {
    std::size_t count = 0;
    for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
    return count;
}

TEST(Cluster, QuickStartFormsThreeNodesAndAnyNodeServes) {
    Cluster cluster(3);
    cluster.create(1, {});
    ASSERT_NO_FATAL_FAILURE(cluster.node(1).start());
    // Older rqlite's form (the leader's HTTP URL) and current rqlite's (its Raft address).
    cluster.create(2, {"-join", "http://" + cluster.node(1).http_address()});
    ASSERT_NO_FATAL_FAILURE(cluster.node(2).start());
    cluster.create(3, {"-join", cluster.node(1).raft_address()});
    ASSERT_NO_FATAL_FAILURE(cluster.node(3).start());

    ASSERT_TRUE(succeeded(execute(cluster.node(1), R"j(["CREATE TABLE foo (id INTEGER NOT NULL PRIMARY KEY, name TEXT)"])j")));
    const Response forwarded = execute(cluster.node(2), R"j([["INSERT INTO foo(name) VALUES(?)", "bar"]])j");
    EXPECT_TRUE(succeeded(forwarded)) << forwarded.body;
    EXPECT_NE(forwarded.body.find("\"rows_affected\":1"), std::string::npos) << forwarded.body;

    const Response strong = cluster.node(3).client().get("/db/query?level=strong&q=" + url_encode("SELECT * FROM foo"));
    EXPECT_EQ(strong.status, 200u);
    EXPECT_NE(strong.body.find(R"j("values":[[1,"bar"]])j"), std::string::npos) << strong.body;
    for (const char* level : {"weak", "linearizable", "none"}) {
        const Response read = cluster.node(2).client().get(std::string("/db/query?level=") + level + "&q=" +
                                                           url_encode("SELECT name FROM foo"));
        EXPECT_NE(read.body.find(R"j("values":[["bar"]])j"), std::string::npos) << level << ": " << read.body;
    }

    const Response nodes = cluster.node(1).client().get("/nodes?pretty");
    EXPECT_EQ(nodes.status, 200u);
    EXPECT_EQ(count_of(nodes.body, "\"reachable\": true"), 3u) << nodes.body;
    EXPECT_EQ(count_of(nodes.body, "\"leader\": true"), 1u) << nodes.body;
    EXPECT_NE(nodes.body.find("\"api_addr\": \"http://" + cluster.node(3).http_address() + "\""), std::string::npos)
        << nodes.body;
    const Response nodes_v2 = cluster.node(2).client().get("/nodes?ver=2");
    EXPECT_EQ(count_of(nodes_v2.body, "\"reachable\":true"), 3u) << nodes_v2.body;
}

TEST(Cluster, RedirectNamesTheLeaderBeforeAndAfterALeaderChange) {
    Cluster cluster(3);
    cluster.form(3);
    const std::string leader = await_common_leader({&cluster.node(1), &cluster.node(2), &cluster.node(3)});
    ASSERT_EQ(leader, "1");
    const Response redirect = execute(cluster.node(2), R"j(["CREATE TABLE t (v)"])j", "?redirect");
    EXPECT_EQ(redirect.status, 301u);
    EXPECT_EQ(redirect.headers.at("location"), "http://" + cluster.node(1).http_address() + "/db/execute?redirect");

    cluster.node(1).kill_hard();
    const std::string next = await_common_leader({&cluster.node(2), &cluster.node(3)}, "1");
    ASSERT_TRUE(next == "2" || next == "3") << next;
    RqlitedProcess& follower = cluster.node(next == "2" ? 3 : 2);
    const Response moved = execute(follower, R"j(["CREATE TABLE t (v)"])j", "?redirect");
    EXPECT_EQ(moved.status, 301u);
    EXPECT_EQ(moved.headers.at("location"), "http://" + cluster.node(next == "2" ? 2 : 3).http_address() + "/db/execute?redirect");
}

TEST(Cluster, KillNineOfTheLeaderLosesNoAcknowledgedWriteAndItCatchesUp) {
    Cluster cluster(3);
    cluster.form(3);
    ASSERT_TRUE(succeeded(execute(cluster.node(1), R"j(["CREATE TABLE t (v INTEGER)"])j")));
    ASSERT_NO_FATAL_FAILURE(insert_rows(cluster.node(2), 0, 20));  // through a follower
    cluster.node(1).kill_hard();
    const std::string next = await_common_leader({&cluster.node(2), &cluster.node(3)}, "1");
    ASSERT_FALSE(next.empty());
    RqlitedProcess& new_leader = cluster.node(std::stoul(next));
    EXPECT_EQ(row_count(new_leader, "strong"), 20);
    ASSERT_NO_FATAL_FAILURE(insert_rows(new_leader, 20, 5));
    ASSERT_NO_FATAL_FAILURE(insert_rows(cluster.node(next == "2" ? 3 : 2), 25, 5));
    ASSERT_NO_FATAL_FAILURE(cluster.node(1).start());
    EXPECT_TRUE(await_rows(cluster.node(1), 30)) << cluster.node(1).log();
    EXPECT_EQ(row_count(cluster.node(1), "linearizable"), 30);
}

TEST(Cluster, FullClusterKillAndRestartWithoutJoinReformsTheCluster) {
    Cluster cluster(3);
    cluster.form(3);
    ASSERT_TRUE(succeeded(execute(cluster.node(1), R"j(["CREATE TABLE t (v INTEGER)"])j")));
    ASSERT_NO_FATAL_FAILURE(insert_rows(cluster.node(3), 0, 10));
    for (std::size_t i = 1; i <= 3; ++i) cluster.node(i).kill_hard();
    for (std::size_t i = 1; i <= 3; ++i) {
        cluster.node(i).set_extra_flags(with({"-node-id", std::to_string(i)}, fast_raft));
        // No quorum until two are up: wait for HTTP only.
        ASSERT_NO_FATAL_FAILURE(cluster.node(i).start(30s, "/status"));
    }
    ASSERT_FALSE(await_common_leader({&cluster.node(1), &cluster.node(2), &cluster.node(3)}).empty());
    for (std::size_t i = 1; i <= 3; ++i) EXPECT_EQ(row_count(cluster.node(i), "strong"), 10) << i;
    ASSERT_NO_FATAL_FAILURE(insert_rows(cluster.node(2), 10, 1));
}

TEST(Cluster, ReadReplicaReceivesTheLogMissesWritesWhileDownAndCatchesUp) {
    Cluster cluster(4);
    cluster.form(3);
    cluster.create(4, {"-join", cluster.node(2).raft_address(), "-raft-non-voter"});
    ASSERT_NO_FATAL_FAILURE(cluster.node(4).start());
    ASSERT_TRUE(succeeded(execute(cluster.node(1), R"j(["CREATE TABLE t (v INTEGER)"])j")));
    ASSERT_NO_FATAL_FAILURE(insert_rows(cluster.node(1), 0, 5));
    EXPECT_TRUE(await_rows(cluster.node(4), 5));
    const Response nodes = cluster.node(1).client().get("/nodes?nonvoters&pretty");
    EXPECT_NE(nodes.body.find("\"voter\": false"), std::string::npos) << nodes.body;
    const Response voters_only = cluster.node(1).client().get("/nodes?pretty");
    EXPECT_EQ(count_of(voters_only.body, "\"voter\": true"), 3u) << voters_only.body;

    EXPECT_EQ(cluster.node(4).terminate(), 0);
    ASSERT_NO_FATAL_FAILURE(insert_rows(cluster.node(3), 5, 10));
    ASSERT_NO_FATAL_FAILURE(cluster.node(4).start());
    EXPECT_TRUE(await_rows(cluster.node(4), 15)) << cluster.node(4).log();
    // Writes through the replica are forwarded like any follower's.
    ASSERT_NO_FATAL_FAILURE(insert_rows(cluster.node(4), 15, 1));
}

TEST(Cluster, RemoveThroughAFollowerAndThroughTheLeader) {
    Cluster cluster(4);
    cluster.form(4);
    ASSERT_EQ(await_common_leader({&cluster.node(1), &cluster.node(2)}), "1");
    const Response via_follower = cluster.node(2).client().send("DELETE", "/remove", R"j({"id":"4"})j");
    EXPECT_EQ(via_follower.status, 200u) << via_follower.body;
    const Response via_leader = cluster.node(1).client().send("DELETE", "/remove", R"j({"id":"3"})j");
    EXPECT_EQ(via_leader.status, 200u) << via_leader.body;
    const Response nodes = cluster.node(2).client().get("/nodes?pretty");
    EXPECT_EQ(count_of(nodes.body, "\"id\": "), 2u) << nodes.body;
    // Two voters left, both up: still a quorum.
    ASSERT_TRUE(succeeded(execute(cluster.node(2), R"j(["CREATE TABLE t (v INTEGER)"])j")));
}

TEST(Cluster, JoiningThroughAFollowerReachesTheLeader) {
    Cluster cluster(3);
    cluster.form(2);
    ASSERT_EQ(await_common_leader({&cluster.node(1), &cluster.node(2)}), "1");
    cluster.create(3, {"-join", cluster.node(2).raft_address()});
    ASSERT_NO_FATAL_FAILURE(cluster.node(3).start());
    const Response nodes = cluster.node(1).client().get("/nodes?pretty");
    EXPECT_EQ(count_of(nodes.body, "\"reachable\": true"), 3u) << nodes.body;
    EXPECT_NE(cluster.node(3).log().find("not the leader"), std::string::npos) << cluster.node(3).log();
}

TEST(Cluster, FiveNodesLoseTwoAndKeepServing) {
    Cluster cluster(5);
    cluster.form(5);
    ASSERT_TRUE(succeeded(execute(cluster.node(3), R"j(["CREATE TABLE t (v INTEGER)"])j")));
    ASSERT_NO_FATAL_FAILURE(insert_rows(cluster.node(4), 0, 5));
    cluster.node(1).kill_hard();  // the leader
    cluster.node(5).kill_hard();
    ASSERT_FALSE(await_common_leader({&cluster.node(2), &cluster.node(3), &cluster.node(4)}, "1").empty());
    ASSERT_NO_FATAL_FAILURE(insert_rows(cluster.node(2), 5, 5));
    for (std::size_t i = 2; i <= 4; ++i) EXPECT_EQ(row_count(cluster.node(i), "strong"), 10) << i;
}

TEST(Cluster, BootstrapExpectThreeFormsAClusterOfThreeVoters) {
    Cluster cluster(3);
    // Every node needs every Raft address before any starts: create all, then start all.
    for (std::size_t i = 1; i <= 3; ++i) cluster.create(i, {});
    std::string join;
    for (std::size_t i = 1; i <= 3; ++i) join += (i > 1 ? "," : "") + cluster.node(i).raft_address();
    for (std::size_t i = 1; i <= 3; ++i) {
        cluster.node(i).set_extra_flags(with({"-node-id", std::to_string(i), "-bootstrap-expect", "3", "-join", join}, fast_raft));
        ASSERT_NO_FATAL_FAILURE(cluster.node(i).start(30s, "/status"));
    }
    ASSERT_FALSE(await_common_leader({&cluster.node(1), &cluster.node(2), &cluster.node(3)}).empty());
    // Founders bootstrap a moment apart, so a second election right after the first can fail a
    // write in flight ("leadership lost"); a client retries, and so does this test (seen once in 10).
    Response created;
    for (int attempt = 0; attempt < 3 && !succeeded(created); ++attempt) {
        if (attempt > 0) {
            std::cout << "retrying the first write after: " << created.status << " " << created.body << created.error << "\n";
            std::this_thread::sleep_for(500ms);
        }
        created = execute(cluster.node(2), R"j(["CREATE TABLE t (v INTEGER)"])j");
    }
    ASSERT_TRUE(succeeded(created)) << created.status << " " << created.body << created.error;
    const Response nodes = cluster.node(3).client().get("/nodes?pretty");
    EXPECT_EQ(count_of(nodes.body, "\"voter\": true"), 3u) << nodes.body;
    EXPECT_EQ(count_of(nodes.body, "\"reachable\": true"), 3u) << nodes.body;
}

TEST(Cluster, LeaderWithoutQuorumFailsStrongReadsInsteadOfHanging) {
    Cluster cluster(3);
    cluster.form(3);
    ASSERT_TRUE(succeeded(execute(cluster.node(1), R"j(["CREATE TABLE t (v INTEGER)"])j")));
    cluster.node(2).kill_hard();
    cluster.node(3).kill_hard();
    for (const char* level : {"strong", "linearizable"}) {
        const auto started = std::chrono::steady_clock::now();
        const Response read = cluster.node(1).client().get(std::string("/db/query?level=") + level +
                                                           "&linearizable_timeout=2s&q=" + url_encode("SELECT 1"));
        EXPECT_FALSE(succeeded(read)) << level << ": " << read.status << " " << read.body;
        EXPECT_LT(std::chrono::steady_clock::now() - started, 25s) << level;
    }
}

TEST(Cluster, SingleNodeLeaderRestartedWithJoinExitsWithAClearMessage) {
    TempDirectory directory;
    RqlitedProcess node(directory.path(), {"-node-id", "solo"});
    ASSERT_NO_FATAL_FAILURE(node.start());
    ASSERT_EQ(node.terminate(), 0);
    const std::string flags = "-node-id solo -http-addr 127.0.0.1:" + std::to_string(free_port()) + " -raft-addr 127.0.0.1:" +
                              std::to_string(free_port()) + " -join 127.0.0.1:" + std::to_string(free_port()) + " ";
    const ProcessRun run = run_rqlited(flags + directory.path());
    EXPECT_EQ(run.status, 1);
    EXPECT_NE(run.output.find("already leads a single-node cluster"), std::string::npos) << run.output;
}

TEST(Cluster, JoiningAnAddressThatSpeaksHttpFailsClearly) {
    TempDirectory first_directory;
    RqlitedProcess first(first_directory.path());
    ASSERT_NO_FATAL_FAILURE(first.start());
    TempDirectory directory;
    // The HTTP address where the Raft address belongs (no http:// scheme).
    const std::string flags = "-http-addr 127.0.0.1:" + std::to_string(free_port()) + " -raft-addr 127.0.0.1:" +
                              std::to_string(free_port()) + " -join " + first.http_address() +
                              " -join-attempts 1 ";
    const ProcessRun run = run_rqlited(flags + directory.path());
    EXPECT_EQ(run.status, 1);
    EXPECT_NE(run.output.find("HTTP"), std::string::npos) << run.output;
    EXPECT_EQ(first.client().get("/status").status, 200u);
}

TEST(Cluster, GarbageOnTheRaftPortIsDisconnectedAndTheNodeServesOn) {
    Cluster cluster(2);
    cluster.form(2);
    const std::string raft = cluster.node(1).raft_address();
    HttpClient garbage("127.0.0.1", static_cast<unsigned short>(std::stoi(raft.substr(raft.find(':') + 1))), 2s);
    const Response answer = garbage.post("/not-raft", std::string(4096, 'x'));
    EXPECT_EQ(answer.status, 0u);  // no HTTP answer: the connection is closed
    ASSERT_TRUE(succeeded(execute(cluster.node(2), R"j(["CREATE TABLE t (v INTEGER)"])j")));
}

// The leader snapshots every 8 entries while node 3 is down. Whether node 3 is then sent the
// snapshot or the entries depends on whether the WAL's compaction (by whole 64 MiB segments) has
// dropped them yet; with 30 small rows it has not, so this proves catch-up after snapshots, and the
// chunked InstallSnapshot path is covered by the simulator and tests/io's codec.
TEST(Cluster, ANodeFarBehindCatchesUpAfterTheLeaderSnapshotted) {
    Cluster cluster(3);
    ASSERT_NO_FATAL_FAILURE(cluster.form(3, {"-raft-snap", "8"}));
    ASSERT_TRUE(succeeded(execute(cluster.node(1), R"j(["CREATE TABLE t (v INTEGER)"])j")));
    cluster.node(3).kill_hard();
    ASSERT_NO_FATAL_FAILURE(insert_rows(cluster.node(2), 0, 30));
    const Response vars = cluster.node(1).client().get("/debug/vars");
    std::smatch match;
    ASSERT_TRUE(std::regex_search(vars.body, match, std::regex(R"j("num_snapshots": ?(\d+))j"))) << vars.body;
    EXPECT_GE(std::stol(match[1]), 3) << vars.body;
    ASSERT_NO_FATAL_FAILURE(cluster.node(3).start());
    EXPECT_TRUE(await_rows(cluster.node(3), 30)) << cluster.node(3).log();
    EXPECT_EQ(row_count(cluster.node(3), "linearizable"), 30);
}

// rqlite's join rules: the same id at the same address is already a member (a no-op); the same id
// at a new address is the member moved, so the old entry is removed and the new one added.
TEST(Cluster, RejoiningWithTheSameIdIsANoOpAndANewAddressReplacesTheMember) {
    Cluster cluster(3);
    cluster.form(3);
    ASSERT_TRUE(succeeded(execute(cluster.node(1), R"j(["CREATE TABLE t (v INTEGER)"])j")));
    // Node 3 restarted with -join again: its state names the cluster, so the join is skipped.
    ASSERT_EQ(cluster.node(3).terminate(), 0);
    ASSERT_NO_FATAL_FAILURE(cluster.node(3).start());
    EXPECT_NE(cluster.node(3).log().find("-join ignored"), std::string::npos) << cluster.node(3).log();

    // Node 3's machine is lost; a fresh node with id 3 on other ports joins in its place.
    cluster.node(3).kill_hard();
    TempDirectory fresh_directory;
    RqlitedProcess replacement(fresh_directory.path(),
                               with({"-node-id", "3", "-join", cluster.node(2).raft_address()}, fast_raft));
    ASSERT_NO_FATAL_FAILURE(replacement.start());
    const Response nodes = cluster.node(1).client().get("/nodes?pretty");
    EXPECT_EQ(count_of(nodes.body, "\"id\": "), 3u) << nodes.body;
    EXPECT_EQ(count_of(nodes.body, "\"reachable\": true"), 3u) << nodes.body;
    EXPECT_NE(nodes.body.find("\"addr\": \"" + replacement.raft_address() + "\""), std::string::npos) << nodes.body;
    ASSERT_NO_FATAL_FAILURE(insert_rows(replacement, 0, 1));
    EXPECT_TRUE(await_rows(replacement, 1));
}

TEST(Cluster, SigtermOnTheLeaderHandsLeadershipOver) {
    Cluster cluster(3);
    cluster.form(3);
    ASSERT_EQ(await_common_leader({&cluster.node(1), &cluster.node(2), &cluster.node(3)}), "1");
    EXPECT_EQ(cluster.node(1).terminate(), 0);
    EXPECT_NE(cluster.node(1).log().find("handing leadership to"), std::string::npos) << cluster.node(1).log();
    // The transfer happened before the old leader left: a successor is there at once, not after an
    // election timeout.
    const std::string next = await_common_leader({&cluster.node(2), &cluster.node(3)}, "1", 1s);
    EXPECT_TRUE(next == "2" || next == "3") << next;
}

TEST(Cluster, ClusterRemoveShutdownLeavesTheConfiguration) {
    Cluster cluster(3);
    cluster.form(2);
    cluster.create(3, {"-join", cluster.node(1).raft_address(), "-raft-cluster-remove-shutdown"});
    ASSERT_NO_FATAL_FAILURE(cluster.node(3).start());
    EXPECT_EQ(count_of(cluster.node(1).client().get("/nodes?pretty").body, "\"id\": "), 3u);
    EXPECT_EQ(cluster.node(3).terminate(), 0);
    const Response nodes = cluster.node(1).client().get("/nodes?pretty");
    EXPECT_EQ(count_of(nodes.body, "\"id\": "), 2u) << nodes.body << cluster.node(3).log();
    ASSERT_TRUE(succeeded(execute(cluster.node(2), R"j(["CREATE TABLE t (v INTEGER)"])j")));
}

}  // namespace
}  // namespace rq::testing
