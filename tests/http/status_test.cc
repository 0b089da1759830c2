// /status, /readyz, /debug/vars, /nodes, /leader and the operation endpoints (API.md §6, §7).

#include <gtest/gtest.h>

#include <simdjson.h>

#include "service_harness.h"

namespace rq::http::testing {
namespace {

class StatusTest : public ::testing::Test {
protected:
    ServiceHarness harness_;
};

TEST_F(StatusTest, StatusHasTheFieldsClientsRelyOn) {
    const std::string body = harness_.get_ok("/status");
    simdjson::dom::parser parser;
    simdjson::dom::element status = parser.parse(body);
    EXPECT_EQ(std::string_view(status["store"]["leader"]["addr"]), "localhost:4002");
    EXPECT_EQ(std::string_view(status["store"]["leader"]["node_id"]), "localhost:4002");
    EXPECT_EQ(std::string_view(status["store"]["node_id"]), "localhost:4002");
    EXPECT_EQ(std::string_view(status["store"]["raft"]["state"]), "Leader");
    EXPECT_TRUE(bool(status["store"]["raft"]["voter"]));
    for (const char* key : {"commit_index", "applied_index", "last_log_index", "fsm_pending", "last_snapshot_index"}) {
        EXPECT_TRUE(status["store"]["raft"][key].is_int64()) << key;
    }
    EXPECT_TRUE(status["store"]["fsm_index"].is_int64());
    EXPECT_TRUE(status["store"]["db_applied_index"].is_int64());
    EXPECT_EQ(status["store"]["snapshot_store"]["snapshots"].type().value(), simdjson::dom::element_type::ARRAY);
    EXPECT_EQ(std::string_view(status["build"]["version"]), "v10.3.0-test");
    EXPECT_EQ(std::string_view(status["http"]["queue"]["_default"]["timeout"]), "50ms");
    EXPECT_EQ(std::string_view(status["store"]["apply_timeout"]), "10s");
    EXPECT_EQ(std::string_view(status["node"]["start_time"]), "2023-11-14T22:13:20Z");
}

TEST_F(StatusTest, PragmasAreReportedAsTheStoreReadsThem) {
    // In memory the values differ from the on-disk ones API.md pins (tests/store checks those); what
    // matters here is that "pragmas.ro"/"pragmas.rw" carry the store's strings unchanged.
    auto pragmas = harness_.backend().store().pragmas();
    ASSERT_TRUE(pragmas.ok());
    const auto render = [](const store::PragmaValues& values) {
        std::string out = "{";
        for (const auto& [name, value] : values) out += (out.size() > 1 ? ",\"" : "\"") + name + "\":\"" + value + "\"";
        return out + "}";
    };
    EXPECT_EQ(harness_.get_ok("/status?key=store.sqlite3.pragmas.rw"), render(pragmas->read_write));
    EXPECT_EQ(harness_.get_ok("/status?key=store.sqlite3.pragmas.ro"), render(pragmas->read_only));
}

TEST_F(StatusTest, KeySelectsASubtreeCompactAndSorted) {
    EXPECT_EQ(harness_.get_ok("/status?key=store.leader"), R"j({"addr":"localhost:4002","node_id":"localhost:4002"})j");
    EXPECT_EQ(harness_.get_ok("/status?key=store.leader&pretty"), R"j({"addr":"localhost:4002","node_id":"localhost:4002"})j");
    EXPECT_EQ(harness_.get_ok("/status?key=store.nodes"), R"j([{"addr":"localhost:4002","id":"localhost:4002","suffrage":"voter"}])j");
    EXPECT_EQ(harness_.get_ok("/status?key=store.raft.state"), R"j("Leader")j");
    EXPECT_EQ(harness_.get_ok("/status?key=store.raft.state.deeper"), R"j("Leader")j");
    EXPECT_EQ(harness_.get_ok("/status?key=nope"), "{}");
    const std::string all = harness_.get_ok("/status");
    EXPECT_NE(all.find(R"j("nodes":[{"id":"localhost:4002","addr":"localhost:4002","suffrage":"voter"}])j"), std::string::npos) << all;
}

TEST_F(StatusTest, PrettyStatusIsIndented) {
    const std::string body = harness_.get_ok("/status?pretty");
    EXPECT_EQ(body.rfind("{\n    \"build\": {\n        \"", 0), 0u) << body.substr(0, 40);
}

TEST_F(StatusTest, StatusBeforeTheStoreIsOpen) {
    harness_.backend().set_open(false);
    EXPECT_EQ(harness_.get_ok("/status?key=store"), R"j({"open":false})j");
    HttpResponse readyz = harness_.get("/readyz");
    EXPECT_EQ(readyz.status, 503u);
    EXPECT_EQ(readyz.body, "[+]node ok\n[+]leader does not exist");
    HttpResponse nodes = harness_.get("/nodes");
    EXPECT_EQ(nodes.status, 503u);
    EXPECT_EQ(nodes.body, "store nodes: store not open\n");
}

TEST_F(StatusTest, Readyz) {
    HttpResponse ready = harness_.get("/readyz");
    EXPECT_EQ(ready.status, 200u);
    EXPECT_EQ(ready.body, "[+]node ok\n[+]leader ok\n[+]store ok\n[+]db ok");
    EXPECT_EQ(ready.header("Content-Type"), "text/plain; charset=utf-8");
    EXPECT_EQ(harness_.get("/readyz?sync").body, "[+]node ok\n[+]leader ok\n[+]store ok\n[+]sync ok\n[+]db ok");
    harness_.backend().set_remote_leader(LeaderInfo{});
    EXPECT_EQ(harness_.get("/readyz").status, 503u);
    HttpResponse noleader = harness_.get("/readyz?noleader");
    EXPECT_EQ(noleader.status, 200u);
    EXPECT_EQ(noleader.body, "[+]node ok");
}

TEST_F(StatusTest, DebugVarsIsExpvarShaped) {
    harness_.post_ok("/db/execute", R"j(["CREATE TABLE t (x)"])j");
    const std::string body = harness_.get_ok("/debug/vars");
    EXPECT_EQ(body.substr(0, 2), "{\n");
    EXPECT_EQ(body.substr(body.size() - 3), "\n}\n");
    EXPECT_NE(body.find("\"cmdline\": [\"rqlited\",\"-node-id\",\"n1\",\"data\"]"), std::string::npos) << body;
    EXPECT_NE(body.find("\"executions\": 1"), std::string::npos) << body;
    for (const char* name : {"\"user_snapshots\": 0", "\"user_reaps\": 0", "\"num_snapshots\": 0", "\"num_restores\": 0",
                             "\"num_restores_start_skipped\": 0", "\"num_ignored_joins\": 0", "\"num_removed_before_joins\": 0",
                             "\"num_join_req\": 0", "\"num_client_force_new_conn\": 0", "\"leader_not_found\": 0"}) {
        EXPECT_NE(body.find(name), std::string::npos) << name;
    }
    simdjson::dom::parser parser;
    EXPECT_EQ(parser.parse(body).error(), simdjson::SUCCESS) << body;
    EXPECT_EQ(harness_.get_ok("/debug/vars?key=cmdline"), "{\n\"cmdline\": [\"rqlited\",\"-node-id\",\"n1\",\"data\"]\n}\n");
}

TEST_F(StatusTest, NodesLegacyMapAndVersion2) {
    EXPECT_EQ(harness_.get_ok("/nodes"),
              R"j({"localhost:4002":{"id":"localhost:4002","api_addr":"http://localhost:4001","addr":"localhost:4002","version":"unknown","voter":true,"reachable":true,"leader":true}})j"
              "\n");
    EXPECT_EQ(harness_.get_ok("/nodes?ver=2"),
              R"j({"nodes":[{"id":"localhost:4002","api_addr":"http://localhost:4001","addr":"localhost:4002","version":"unknown","voter":true,"reachable":true,"leader":true}]})j"
              "\n");
    EXPECT_EQ(harness_.get_ok("/leader"),
              R"j({"id":"localhost:4002","api_addr":"http://localhost:4001","addr":"localhost:4002","version":"unknown","voter":true,"reachable":true,"leader":true})j"
              "\n");
}

TEST_F(StatusTest, StepdownOnASingleNodeFails) {
    HttpResponse response = harness_.post("/leader", "");
    EXPECT_EQ(response.status, 500u);
    EXPECT_EQ(response.body, "stepdown: cannot transfer leadership: no other voter\n");
}

TEST_F(StatusTest, RemoveNeedsAnObjectWithOnlyId) {
    EXPECT_EQ(harness_.call("DELETE", "/remove", R"j({"id":"other"})j")->status, 200u);
    EXPECT_EQ(harness_.call("DELETE", "/remove", R"j({"id":"other","x":"y"})j")->status, 400u);
    EXPECT_EQ(harness_.call("DELETE", "/remove", R"j(["other"])j")->status, 400u);
    EXPECT_EQ(harness_.call("DELETE", "/remove", "{")->status, 400u);
    auto refused = harness_.call("DELETE", "/remove", R"j({"id":"localhost:4002"})j");
    EXPECT_EQ(refused->status, 500u);
    EXPECT_EQ(refused->body, "cannot remove the only node\n");
}

TEST_F(StatusTest, SnapshotThen204WhenNothingNew) {
    harness_.post_ok("/db/execute", R"j(["CREATE TABLE t (x)"])j");
    EXPECT_EQ(harness_.post("/snapshot", "").status, 200u);
    EXPECT_EQ(harness_.post("/snapshot?trailing_logs=5", "").status, 204u);
    EXPECT_EQ(harness_.service().counters().get("user_snapshots"), 2);
}

TEST_F(StatusTest, BackupAsSqlAndBinary) {
    harness_.post_ok("/db/execute", R"j(["CREATE TABLE foo (name text)"])j");
    HttpResponse sql = harness_.get("/db/backup?fmt=sql");
    EXPECT_EQ(sql.status, 200u);
    EXPECT_EQ(sql.header("Content-Type"), "application/sql");
    EXPECT_EQ(sql.body, "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE foo (name text);\nCOMMIT;\n");
    HttpResponse binary = harness_.get("/db/backup?fmt=whatever");
    EXPECT_EQ(binary.header("Content-Type"), "application/octet-stream");
    EXPECT_EQ(binary.body.substr(0, 15), "SQLite format 3");
    EXPECT_EQ(harness_.get("/db/backup?fmt=sql&vacuum").status, 500u);
}

TEST_F(StatusTest, LoadSqlTextAndImage) {
    HttpResponse text = harness_.post("/db/load", "CREATE TABLE t (x);\nINSERT INTO t VALUES(1);\n");
    EXPECT_EQ(text.status, 200u);
    EXPECT_EQ(text.body, R"j({"results":[{"last_insert_id":1,"rows_affected":1}]})j");
    const std::string image = harness_.get("/db/backup").body;
    harness_.post_ok("/db/execute", R"j(["DROP TABLE t"])j");
    EXPECT_EQ(harness_.post_ok("/db/load", image), R"j({"results":[]})j");
    EXPECT_EQ(harness_.get_ok("/db/query?q=SELECT+x+FROM+t"), R"j({"results":[{"columns":["x"],"types":["integer"],"values":[[1]]}]})j");
}

}  // namespace
}  // namespace rq::http::testing
