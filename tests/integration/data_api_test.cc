// Integration tests: a real rqlited process on loopback, spoken to over HTTP exactly as rqlite's
// clients do (API.md sections 3, 4 and 7). One node serves a whole suite (starting one is the slow
// part); each test uses its own tables.
#include <gtest/gtest.h>

#include <memory>

#include "tests/integration/rqlited_process.h"

namespace rq::testing {
namespace {

class DataApi : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        directory_ = new TempDirectory();
        node_ = new RqlitedProcess(directory_->path());
        node_->start();
    }
    static void TearDownTestSuite() {
        delete node_;
        delete directory_;
        node_ = nullptr;
        directory_ = nullptr;
    }
    void TearDown() override {
        if (HasFailure() && node_ != nullptr) std::cerr << "rqlited log:\n" << node_->log();
    }

    static Response execute(const std::string& body, const std::string& query = "") {
        return node_->client().post("/db/execute" + query, body);
    }
    static Response query(const std::string& sql, const std::string& params = "") {
        return node_->client().get("/db/query?q=" + url_encode(sql) + params);
    }
    static Response request(const std::string& body, const std::string& query = "") {
        return node_->client().post("/db/request" + query, body);
    }
    static void expect_body(const Response& response, const std::string& body, unsigned status = 200) {
        EXPECT_EQ(response.status, status) << response.body << response.error;
        EXPECT_EQ(response.body, body);
    }

    static inline TempDirectory* directory_ = nullptr;
    static inline RqlitedProcess* node_ = nullptr;
};

// The README's walk-through, byte for byte as curl sends it (no JSON content type).
TEST_F(DataApi, ReadmeWalkThrough) {
    expect_body(execute(R"j([["CREATE TABLE foo (id INTEGER PRIMARY KEY, name TEXT)"]])j"), R"j({"results":[{}]})j");
    expect_body(execute(R"j([["INSERT INTO foo(name) VALUES(?)", "bar"]])j"),
                R"j({"results":[{"last_insert_id":1,"rows_affected":1}]})j");
    const std::string rows = R"j({"results":[{"columns":["id","name"],"types":["integer","text"],"values":[[1,"bar"]]}]})j";
    expect_body(query("SELECT * FROM foo"), rows);
    expect_body(query("SELECT * FROM foo", "&level=none"), rows);
    expect_body(query("SELECT * FROM foo", "&level=weak"), rows);
    expect_body(query("SELECT * FROM foo", "&level=linearizable"), rows);
    expect_body(query("SELECT * FROM foo", "&level=strong"), rows);
    expect_body(query("SELECT * FROM foo", "&level=auto"), rows);
    const Response status = node_->client().get("/status?pretty");
    EXPECT_EQ(status.status, 200u);
    EXPECT_NE(status.body.find("\n    \"store\": {"), std::string::npos) << status.body;
}

TEST_F(DataApi, ZeroRowsErrorsAndDdlAfterDml) {
    // DDL reports the connection's last DML values, so only the first test can expect {} here.
    ASSERT_EQ(execute(R"j(["CREATE TABLE zero (id INTEGER PRIMARY KEY, name TEXT)"])j").status, 200u);
    expect_body(query("SELECT * FROM zero"), R"j({"results":[{"columns":["id","name"],"types":["integer","text"]}]})j");
    expect_body(query("SELECT * FROM missing"), R"j({"results":[{"error":"no such table: missing"}]})j");
    expect_body(execute(R"j(["INSERT INTO zero(name) VALUES('a')", "INSERT INTO nope VALUES(1)", "blah"])j"),
                R"j({"results":[{"last_insert_id":1,"rows_affected":1},{"error":"no such table: nope"},)j"
                R"j({"error":"near \"blah\": syntax error"}]})j");
    expect_body(execute(R"j(["DROP TABLE zero"])j"), R"j({"results":[{"last_insert_id":1,"rows_affected":1}]})j");
}

TEST_F(DataApi, TransactionRollsBackAndStopsAtTheFirstFailure) {
    execute(R"j(["CREATE TABLE tx (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"])j");
    expect_body(execute(R"j(["INSERT INTO tx(name) VALUES('a')", "INSERT INTO tx(name) VALUES('a')", "INSERT INTO tx(name) VALUES('b')"])j",
                        "?transaction"),
                R"j({"results":[{"last_insert_id":1,"rows_affected":1},{"error":"UNIQUE constraint failed: tx.name"}]})j");
    expect_body(query("SELECT COUNT(*) FROM tx"), R"j({"results":[{"columns":["COUNT(*)"],"types":["integer"],"values":[[0]]}]})j");
}

TEST_F(DataApi, PrettyAssociativeBlobArrayAndRaftIndex) {
    execute(R"j(["CREATE TABLE shapes (id INTEGER PRIMARY KEY, name TEXT, data BLOB)"])j");
    const Response inserted = execute(R"j([["INSERT INTO shapes(name, data) VALUES(?, x'deadbeef')", "fiona"]])j", "?raft_index");
    EXPECT_EQ(inserted.status, 200u);
    EXPECT_NE(inserted.body.find(R"j({"results":[{"last_insert_id":1,"rows_affected":1}],"raft_index":)j"), std::string::npos)
        << inserted.body;
    expect_body(query("SELECT id, name, data FROM shapes"),
                R"j({"results":[{"columns":["id","name","data"],"types":["integer","text","blob"],"values":[[1,"fiona","3q2+7w=="]]}]})j");
    expect_body(query("SELECT id, name, data FROM shapes", "&blob_array"),
                R"j({"results":[{"columns":["id","name","data"],"types":["integer","text","blob"],"values":[[1,"fiona",[222,173,190,239]]]}]})j");
    expect_body(query("SELECT name, id FROM shapes", "&associative"),
                R"j({"results":[{"types":{"id":"integer","name":"text"},"rows":[{"id":1,"name":"fiona"}]}]})j");
    expect_body(execute(R"j([["INSERT INTO shapes(name) VALUES('x')"]])j", "?associative"),
                R"j({"results":[{"last_insert_id":2,"rows_affected":1,"rows":null}]})j");
    expect_body(query("SELECT id FROM shapes WHERE id = 1", "&pretty"),
                "{\n    \"results\": [\n        {\n            \"columns\": [\n                \"id\"\n            ],\n"
                "            \"types\": [\n                \"integer\"\n            ],\n            \"values\": [\n"
                "                [\n                    1\n                ]\n            ]\n        }\n    ]\n}");
    // A strong read goes through the log and reports its index; a local read does not.
    EXPECT_NE(query("SELECT 1", "&level=strong&raft_index").body.find("\"raft_index\":"), std::string::npos);
    EXPECT_EQ(query("SELECT 1", "&level=weak&raft_index").body.find("\"raft_index\":"), std::string::npos);
}

TEST_F(DataApi, TimingsAddTimesWithoutChangingTheRest) {
    const Response timed = query("SELECT 1", "&timings");
    EXPECT_EQ(timed.status, 200u);
    EXPECT_EQ(timed.body.rfind(R"j({"results":[{"columns":["1"],"types":["integer"],"values":[[1]],"time":)j", 0), 0u) << timed.body;
    EXPECT_NE(timed.body.find(R"j(}],"time":)j"), std::string::npos) << timed.body;
}

TEST_F(DataApi, ParametersOfEveryTypeAndUnicodeRoundTrip) {
    execute(R"j(["CREATE TABLE params (i INTEGER, r REAL, t TEXT, b BLOB, n TEXT, flag INTEGER)"])j");
    expect_body(execute(R"j([["INSERT INTO params VALUES(?, ?, ?, ?, ?, ?)", 42, 2.5, "héllo ✓ 日本 😀", [1,2,255], null, true]])j"),
                R"j({"results":[{"last_insert_id":1,"rows_affected":1}]})j");
    expect_body(execute(R"j([["INSERT INTO params(i, t, b) VALUES(:i, @t, $b)", {"i": -9007199254740993, "t": "named", "b": "x'00ff'"}]])j"),
                R"j({"results":[{"last_insert_id":2,"rows_affected":1}]})j");
    expect_body(query("SELECT i, r, t, b, n, flag FROM params ORDER BY rowid"),
                R"j({"results":[{"columns":["i","r","t","b","n","flag"],"types":["integer","real","text","blob","text","integer"],)j"
                R"j("values":[[42,2.5,"héllo ✓ 日本 😀","AQL/",null,1],[-9007199254740993,null,"named","AP8=",null,null]]}]})j");
    expect_body(execute(R"j([["INSERT INTO params(i) VALUES(?)", {"nested": {}}]])j"), "unsupported type\n", 400);
}

TEST_F(DataApi, RequestMixesReadsAndWrites) {
    ASSERT_EQ(request(R"j(["CREATE TABLE req (id INTEGER PRIMARY KEY, v TEXT)"])j").status, 200u);
    const Response mixed = request(R"j(["INSERT INTO req(v) VALUES('x')", "SELECT * FROM req"])j");
    expect_body(mixed, R"j({"results":[{"last_insert_id":1,"rows_affected":1},)j"
                       R"j({"columns":["id","v"],"types":["integer","text"],"values":[[1,"x"]]}]})j");
    expect_body(request(R"j(["SELECT v FROM req"])j", "?level=none"),
                R"j({"results":[{"columns":["v"],"types":["text"],"values":[["x"]]}]})j");
    expect_body(query("INSERT INTO req(v) VALUES('y')"),
                R"j({"results":[{"error":"attempt to change database via query operation"}]})j");
}

TEST_F(DataApi, BadInputGetsClearErrorsAndTheNodeStaysUp) {
    EXPECT_EQ(execute("[").status, 400u);
    EXPECT_EQ(execute("[]").status, 400u);
    EXPECT_EQ(execute("{}").status, 400u);
    EXPECT_EQ(execute("[1]").status, 400u);
    EXPECT_EQ(node_->client().get("/db/query?q=").status, 400u);
    EXPECT_EQ(query("SELECT 1", "&level=weak&db_timeout=notaduration").status, 400u);
    expect_body(execute(R"j(["PRAGMA journal_mode=DELETE"])j"), R"j({"results":[],"error":"disallowed pragma"})j");
    EXPECT_EQ(node_->client().get("/no/such/endpoint").status, 404u);
    const std::string huge(65 << 20, ' ');
    const Response too_big = execute("[" + huge + "]");
    EXPECT_EQ(too_big.status, 413u) << too_big.error;
    // Still serving, and nothing acknowledged was lost.
    expect_body(query("SELECT 1"), R"j({"results":[{"columns":["1"],"types":["integer"],"values":[[1]]}]})j");
}

TEST_F(DataApi, AStatementPastItsDbTimeoutFailsAloneAndTheNodeGoesOn) {
    const std::string endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT COUNT(*) FROM c";
    expect_body(query(endless, "&db_timeout=100ms"), R"j({"results":[{"error":"query timeout"}]})j");
    expect_body(query("SELECT 1"), R"j({"results":[{"columns":["1"],"types":["integer"],"values":[[1]]}]})j");
}

TEST_F(DataApi, PlainTextBodiesAreOneStatement) {
    EXPECT_EQ(node_->client().post("/db/execute", "CREATE TABLE plain (x)", "text/plain").status, 200u);
    expect_body(node_->client().post("/db/query", "SELECT COUNT(*) FROM plain", "text/plain"),
                R"j({"results":[{"columns":["COUNT(*)"],"types":["integer"],"values":[[0]]}]})j");
}

TEST_F(DataApi, StatusReadyzAndDebugVars) {
    const Response status = node_->client().get("/status");
    ASSERT_EQ(status.status, 200u);
    for (const char* key : {R"j("store":{)j", R"j("node_id":)j", R"j("leader":{"addr":)j", R"j("fsm_index":)j", R"j("db_applied_index":)j",
                            R"j("raft":{)j", R"j("state":"Leader")j", R"j("last_log_index":)j", R"j("commit_index":)j",
                            R"j("applied_index":)j", R"j("fsm_pending":)j", R"j("last_snapshot_index":)j", R"j("voter":true)j",
                            R"j("sqlite3":{)j", R"j("pragmas":{)j", R"j("snapshot_store":{)j", R"j("snapshots":[)j", R"j("build":{)j",
                            R"j("version":)j", R"j("node":{)j", R"j("http":{)j"}) {
        EXPECT_NE(status.body.find(key), std::string::npos) << key << " in " << status.body;
    }
    EXPECT_NE(status.body.find(R"j("journal_mode":"wal","synchronous":"0","wal_autocheckpoint":"0")j"), std::string::npos);
    EXPECT_EQ(node_->client().get("/status?key=store.raft.state").body, R"j("Leader")j");
    const Response ready = node_->client().get("/readyz");
    EXPECT_EQ(ready.status, 200u);
    EXPECT_EQ(ready.body, "[+]node ok\n[+]leader ok\n[+]store ok\n[+]db ok");
    EXPECT_EQ(node_->client().get("/readyz?sync").status, 200u);
    EXPECT_EQ(node_->client().get("/readyz?noleader").status, 200u);
    const Response vars = node_->client().get("/debug/vars");
    EXPECT_EQ(vars.status, 200u);
    EXPECT_NE(vars.body.find(R"j("cmdline": [)j"), std::string::npos) << vars.body;
    EXPECT_NE(vars.body.find(R"j("num_snapshots")j"), std::string::npos);
    Response options = node_->client().send("OPTIONS", "/db/query", "");
    EXPECT_EQ(options.status, 200u);
    EXPECT_FALSE(options.headers["x-rqlite-version"].empty());
}

TEST_F(DataApi, BackupAndLoadRoundTrip) {
    execute(R"j(["CREATE TABLE saved (v TEXT)", "INSERT INTO saved VALUES('kept')"])j");
    const Response backup = node_->client().get("/db/backup");
    ASSERT_EQ(backup.status, 200u);
    ASSERT_EQ(backup.body.rfind("SQLite format 3", 0), 0u);
    const Response sql = node_->client().get("/db/backup?fmt=sql");
    EXPECT_NE(sql.body.find("INSERT INTO \"saved\" VALUES('kept');"), std::string::npos) << sql.body;
    execute(R"j(["DROP TABLE saved"])j");
    const Response loaded = node_->client().post("/db/load", backup.body, "application/octet-stream");
    EXPECT_EQ(loaded.status, 200u) << loaded.body;
    expect_body(query("SELECT v FROM saved"), R"j({"results":[{"columns":["v"],"types":["text"],"values":[["kept"]]}]})j");
    EXPECT_EQ(node_->client().post("/snapshot", "").status / 100, 2u);
}

}  // namespace
}  // namespace rq::testing
