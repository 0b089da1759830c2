// /db/execute, /db/query and /db/request through the Service, with byte-exact bodies for every shape
// API.md §3.4 describes.

#include <gtest/gtest.h>

#include <regex>

#include "service_harness.h"

namespace rq::http::testing {
namespace {

class DataApiTest : public ::testing::Test {
protected:
    void create_foo() {
        EXPECT_EQ(harness_.post_ok("/db/execute", R"j(["CREATE TABLE foo (id INTEGER NOT NULL PRIMARY KEY, name TEXT)"])j"),
                  R"j({"results":[{}]})j");
    }
    void insert_fiona_and_declan() {
        create_foo();
        EXPECT_EQ(harness_.post_ok("/db/execute", R"j([["INSERT INTO foo(name) VALUES(?)", "fiona"], ["INSERT INTO foo(name) VALUES(?)", "declan"]])j"),
                  R"j({"results":[{"last_insert_id":1,"rows_affected":1},{"last_insert_id":2,"rows_affected":1}]})j");
    }
    ServiceHarness harness_;
};

TEST_F(DataApiTest, CreateOnFreshConnectionIsEmptyObject) { create_foo(); }

TEST_F(DataApiTest, QueryRowsColumnsTypesValues) {
    insert_fiona_and_declan();
    EXPECT_EQ(harness_.get_ok("/db/query?q=SELECT%20*%20FROM%20foo"),
              R"j({"results":[{"columns":["id","name"],"types":["integer","text"],"values":[[1,"fiona"],[2,"declan"]]}]})j");
    EXPECT_EQ(harness_.post_ok("/db/query", R"j(["SELECT * FROM foo"])j"),
              R"j({"results":[{"columns":["id","name"],"types":["integer","text"],"values":[[1,"fiona"],[2,"declan"]]}]})j");
}

TEST_F(DataApiTest, ZeroRowsOmitValues) {
    create_foo();
    EXPECT_EQ(harness_.get_ok("/db/query?q=SELECT+*+FROM+foo"), R"j({"results":[{"columns":["id","name"],"types":["integer","text"]}]})j");
}

TEST_F(DataApiTest, PerStatementErrorsKeepGoing) {
    EXPECT_EQ(harness_.get_ok("/db/query?q=SELECT+*+FROM+foo"), R"j({"results":[{"error":"no such table: foo"}]})j");
    EXPECT_EQ(harness_.post_ok("/db/execute", R"j(["INSERT INTO bar VALUES(1)", "CREATE TABLE bar (x)", "blah"])j"),
              R"j({"results":[{"error":"no such table: bar"},{},{"error":"near \"blah\": syntax error"}]})j");
}

TEST_F(DataApiTest, DdlAfterDmlReportsStaleConnectionValues) {
    insert_fiona_and_declan();
    EXPECT_EQ(harness_.post_ok("/db/execute", R"j(["DROP TABLE foo"])j"), R"j({"results":[{"last_insert_id":2,"rows_affected":1}]})j");
}

TEST_F(DataApiTest, PrettyIsFourSpaceIndentWithoutTrailingNewline) {
    insert_fiona_and_declan();
    EXPECT_EQ(harness_.get_ok("/db/query?pretty&q=SELECT+*+FROM+foo+WHERE+id=1"),
              "{\n"
              "    \"results\": [\n"
              "        {\n"
              "            \"columns\": [\n"
              "                \"id\",\n"
              "                \"name\"\n"
              "            ],\n"
              "            \"types\": [\n"
              "                \"integer\",\n"
              "                \"text\"\n"
              "            ],\n"
              "            \"values\": [\n"
              "                [\n"
              "                    1,\n"
              "                    \"fiona\"\n"
              "                ]\n"
              "            ]\n"
              "        }\n"
              "    ]\n"
              "}");
    EXPECT_EQ(harness_.post_ok("/db/execute?pretty", R"j(["CREATE TABLE t (x)"])j"),
              "{\n    \"results\": [\n        {\n            \"last_insert_id\": 2,\n            \"rows_affected\": 1\n        }\n    ]\n}");
    EXPECT_EQ(harness_.get_ok("/db/query?pretty&q=SELECT+*+FROM+t"),
              "{\n    \"results\": [\n        {\n            \"columns\": [\n                \"x\"\n            ],\n"
              "            \"types\": [\n                \"\"\n            ]\n        }\n    ]\n}");
}

TEST_F(DataApiTest, AssociativeRowsHaveSortedKeys) {
    EXPECT_EQ(harness_.post_ok("/db/execute", R"j(["CREATE TABLE foo (name TEXT, id INTEGER PRIMARY KEY)"])j"), R"j({"results":[{}]})j");
    harness_.post_ok("/db/execute", R"j(["INSERT INTO foo(name) VALUES('fiona')", "INSERT INTO foo(name) VALUES('declan')"])j");
    EXPECT_EQ(harness_.get_ok("/db/query?associative&q=SELECT+*+FROM+foo"),
              R"j({"results":[{"types":{"id":"integer","name":"text"},"rows":[{"id":1,"name":"fiona"},{"id":2,"name":"declan"}]}]})j");
    EXPECT_EQ(harness_.get_ok("/db/query?associative&q=SELECT+*+FROM+foo+WHERE+id>5"),
              R"j({"results":[{"types":{"id":"integer","name":"text"},"rows":[]}]})j");
    EXPECT_EQ(harness_.get_ok("/db/query?associative&q=SELECT+*+FROM+nope"), R"j({"results":[{"rows":[],"error":"no such table: nope"}]})j");
}

TEST_F(DataApiTest, AssociativeExecuteResultsGainNullRows) {
    create_foo();
    EXPECT_EQ(harness_.post_ok("/db/execute?associative", R"j(["INSERT INTO foo(id, name) VALUES(99, 'x')"])j"),
              R"j({"results":[{"last_insert_id":99,"rows_affected":1,"rows":null}]})j");
    EXPECT_EQ(harness_.post_ok("/db/request?associative", R"j(["INSERT INTO foo(name) VALUES('y')", "SELECT name FROM foo"])j"),
              R"j({"results":[{"last_insert_id":100,"rows_affected":1,"rows":null},{"types":{"name":"text"},"rows":[{"name":"x"},{"name":"y"}]}]})j");
}

TEST_F(DataApiTest, AssociativeRepeatedColumnKeepsTheLast) {
    EXPECT_EQ(harness_.get_ok("/db/query?associative&q=SELECT+1+AS+a,+2+AS+a,+3+AS+b"),
              R"j({"results":[{"types":{"a":"integer","b":"integer"},"rows":[{"a":2,"b":3}]}]})j");
}

TEST_F(DataApiTest, TransactionRollsBackAndStopsAtFirstFailure) {
    create_foo();
    EXPECT_EQ(harness_.post_ok("/db/execute?transaction",
                               R"j(["INSERT INTO foo(name) VALUES('a')", "INSERT INTO nope VALUES(1)", "INSERT INTO foo(name) VALUES('b')"])j"),
              R"j({"results":[{"last_insert_id":1,"rows_affected":1},{"error":"no such table: nope"}]})j");
    EXPECT_EQ(harness_.get_ok("/db/query?q=SELECT+COUNT(*)+FROM+foo"), R"j({"results":[{"columns":["COUNT(*)"],"types":["integer"],"values":[[0]]}]})j");
}

TEST_F(DataApiTest, DisallowedPragmaRefusesTheWholeRequest) {
    for (const char* endpoint : {"/db/execute", "/db/query", "/db/request"}) {
        EXPECT_EQ(harness_.post_ok(endpoint, R"j(["SELECT 1", "PRAGMA journal_mode=DELETE"])j"), R"j({"results":[],"error":"disallowed pragma"})j")
            << endpoint;
    }
}

TEST_F(DataApiTest, RaftIndexOnlyForLogEntries) {
    create_foo();
    EXPECT_EQ(harness_.post_ok("/db/execute?raft_index", R"j(["INSERT INTO foo(name) VALUES('a')"])j"),
              R"j({"results":[{"last_insert_id":1,"rows_affected":1}],"raft_index":2})j");
    EXPECT_EQ(harness_.get_ok("/db/query?raft_index&level=none&q=SELECT+id+FROM+foo"),
              R"j({"results":[{"columns":["id"],"types":["integer"],"values":[[1]]}]})j");
    EXPECT_EQ(harness_.get_ok("/db/query?raft_index&level=strong&q=SELECT+id+FROM+foo"),
              R"j({"results":[{"columns":["id"],"types":["integer"],"values":[[1]]}],"raft_index":3})j");
}

TEST_F(DataApiTest, BlobsAreBase64OrByteArrays) {
    harness_.post_ok("/db/execute", R"j(["CREATE TABLE b (data BLOB)", "INSERT INTO b VALUES(x'deadbeef')"])j");
    EXPECT_EQ(harness_.get_ok("/db/query?q=SELECT+data+FROM+b"), R"j({"results":[{"columns":["data"],"types":["blob"],"values":[["3q2+7w=="]]}]})j");
    EXPECT_EQ(harness_.get_ok("/db/query?blob_array&q=SELECT+data+FROM+b"),
              R"j({"results":[{"columns":["data"],"types":["blob"],"values":[[[222,173,190,239]]]}]})j");
}

TEST_F(DataApiTest, EveryParameterTypeRoundTrips) {
    harness_.post_ok("/db/execute", R"j(["CREATE TABLE v (i INTEGER, r REAL, t TEXT, b BLOB, n, flag BOOLEAN)"])j");
    EXPECT_EQ(harness_.post_ok("/db/execute", R"j([["INSERT INTO v VALUES(?, ?, ?, ?, ?, ?)", -42, 2.5, "h\u00e9 \u65e5", [1, 2, 255], null, true]])j"),
              R"j({"results":[{"last_insert_id":1,"rows_affected":1}]})j");
    EXPECT_EQ(harness_.post_ok("/db/execute", R"j([["INSERT INTO v(i, r, t, b, flag) VALUES(:i, :r, :t, :b, :flag)", {"i": 9223372036854775807, "r": 20.0, "t": "<&>", "b": "x'00ff'", "flag": false}]])j"),
              R"j({"results":[{"last_insert_id":2,"rows_affected":1}]})j");
    EXPECT_EQ(harness_.get_ok("/db/query?q=SELECT+*+FROM+v"),
              "{\"results\":[{\"columns\":[\"i\",\"r\",\"t\",\"b\",\"n\",\"flag\"],\"types\":[\"integer\",\"real\",\"text\",\"blob\",\"\",\"boolean\"],"
              "\"values\":[[-42,2.5,\"h\xC3\xA9 \xE6\x97\xA5\",\"AQL/\",null,true],"
              "[9223372036854775807,20,\"\\u003c\\u0026\\u003e\",\"AP8=\",null,false]]}]}");
}

TEST_F(DataApiTest, UnicodeRoundTrip) {
    harness_.post_ok("/db/execute", R"j(["CREATE TABLE u (s TEXT)"])j");
    const std::string text = "\xF0\x9F\x98\x80 \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \xE4\xB8\xAD\xE6\x96\x87 \xC3\xB1";
    harness_.post_ok("/db/execute", "[[\"INSERT INTO u VALUES(?)\", \"" + text + "\"]]");
    EXPECT_EQ(harness_.get_ok("/db/query?q=SELECT+s+FROM+u"), "{\"results\":[{\"columns\":[\"s\"],\"types\":[\"text\"],\"values\":[[\"" + text + "\"]]}]}");
}

TEST_F(DataApiTest, DateAndBooleanColumns) {
    harness_.post_ok("/db/execute", R"j(["CREATE TABLE d (day DATE, at DATETIME, ok BOOLEAN)", "INSERT INTO d VALUES('2004-02-14', '2021-10-22 19:39:32.016087', 1)"])j");
    EXPECT_EQ(harness_.get_ok("/db/query?q=SELECT+*+FROM+d"),
              R"j({"results":[{"columns":["day","at","ok"],"types":["date","datetime","boolean"],"values":[["2004-02-14T00:00:00Z","2021-10-22T19:39:32.016087Z",true]]}]})j");
}

TEST_F(DataApiTest, RealFormattingAndExpressionTypes) {
    EXPECT_EQ(harness_.get_ok("/db/query?q=SELECT+1,+20.0,+1e21,+0.1,+'x',+NULL"),
              R"j({"results":[{"columns":["1","20.0","1e21","0.1","'x'","NULL"],"types":["integer","real","real","real","text",""],"values":[[1,20,1e+21,0.1,"x",null]]}]})j");
}

TEST_F(DataApiTest, NonFiniteRealIsAMarshalError) {
    HttpResponse response = harness_.get("/db/query?q=SELECT+1e999");
    EXPECT_EQ(response.status, 500u);
    EXPECT_EQ(response.body, "json: unsupported value: +Inf\n");
}

TEST_F(DataApiTest, RequestMixesReadsAndWrites) {
    create_foo();
    EXPECT_EQ(harness_.post_ok("/db/request", R"j(["INSERT INTO foo(name) VALUES('fiona')", "SELECT * FROM foo", "SELECT * FROM nope"])j"),
              R"j({"results":[{"last_insert_id":1,"rows_affected":1},{"columns":["id","name"],"types":["integer","text"],"values":[[1,"fiona"]]},{"error":"no such table: nope"}]})j");
    const std::uint64_t index = harness_.backend().last_index();
    EXPECT_EQ(harness_.post_ok("/db/request", R"j(["SELECT name FROM foo"])j"), R"j({"results":[{"columns":["name"],"types":["text"],"values":[["fiona"]]}]})j");
    EXPECT_EQ(harness_.backend().last_index(), index) << "a read-only request does not go through the log";
}

TEST_F(DataApiTest, ReturningThroughExecuteGivesRows) {
    create_foo();
    EXPECT_EQ(harness_.post_ok("/db/execute", R"j(["INSERT INTO foo(name) VALUES('declan') RETURNING *"])j"),
              R"j({"results":[{"columns":["id","name"],"types":["integer","text"],"values":[[1,"declan"]]}]})j");
}

TEST_F(DataApiTest, QueryRefusesWrites) {
    create_foo();
    EXPECT_EQ(harness_.post_ok("/db/query", R"j(["INSERT INTO foo(name) VALUES('x')"])j"),
              R"j({"results":[{"error":"attempt to change database via query operation"}]})j");
}

TEST_F(DataApiTest, PlainTextBodyIsOneStatement) {
    create_foo();
    HttpResponse response = harness_.post("/db/execute", "INSERT INTO foo(name) VALUES('plain')", "text/plain");
    EXPECT_EQ(response.body, R"j({"results":[{"last_insert_id":1,"rows_affected":1}]})j");
    response = harness_.post("/db/query", "SELECT name FROM foo", "text/plain; charset=utf-8");
    EXPECT_EQ(response.body, R"j({"results":[{"columns":["name"],"types":["text"],"values":[["plain"]]}]})j");
}

TEST_F(DataApiTest, CurlFormContentTypeIsStillJson) {
    HttpResponse response = harness_.post("/db/execute", R"j([["CREATE TABLE foo (id INTEGER PRIMARY KEY, name TEXT)"]])j",
                                          "application/x-www-form-urlencoded");
    EXPECT_EQ(response.status, 200u);
    EXPECT_EQ(response.body, R"j({"results":[{}]})j");
}

TEST_F(DataApiTest, GetQueryWithoutQIsEmptyAndEmptyQIsRefused) {
    EXPECT_EQ(harness_.get_ok("/db/query"), R"j({"results":[]})j");
    HttpResponse response = harness_.get("/db/query?q=");
    EXPECT_EQ(response.status, 400u);
    EXPECT_EQ(response.body, "query parameter not set\n");
}

TEST_F(DataApiTest, EmptyStatementsProduceNoResult) {
    EXPECT_EQ(harness_.post_ok("/db/execute", R"j(["", "CREATE TABLE t (x)", ""])j"), R"j({"results":[{}]})j");
}

TEST_F(DataApiTest, MalformedBodiesGet400WithRqliteText) {
    const std::pair<const char*, const char*> cases[] = {
        {"", "invalid JSON body\n"},          {"[", "invalid JSON body\n"},
        {"{}", "invalid request\n"},          {"[]", "no statements\n"},
        {"[1]", "invalid request\n"},         {"[[\"SELECT ?\", {\"a\": {}}]]", "unsupported type\n"},
    };
    for (const auto& [body, message] : cases) {
        for (const char* endpoint : {"/db/execute", "/db/query", "/db/request"}) {
            HttpResponse response = harness_.post(endpoint, body);
            EXPECT_EQ(response.status, 400u) << endpoint << " " << body;
            EXPECT_EQ(response.body, message) << endpoint << " " << body;
            EXPECT_EQ(response.header("Content-Type"), "text/plain; charset=utf-8");
        }
    }
}

TEST_F(DataApiTest, TimingsAddTimeFields) {
    SteppingClock clock(std::chrono::microseconds(250));
    ServiceHarness timed(clock);
    const std::string body = timed.post_ok("/db/execute?timings", R"j(["CREATE TABLE t (x)", "INSERT INTO t VALUES(1)"])j");
    EXPECT_TRUE(std::regex_match(body, std::regex(R"j(\{"results":\[\{"time":[0-9.e-]+\},\{"last_insert_id":1,"rows_affected":1,"time":[0-9.e-]+\}\],"time":[0-9.e-]+\})j")))
        << body;
    const std::string query = timed.get_ok("/db/query?timings&q=SELECT+x+FROM+t");
    EXPECT_TRUE(std::regex_match(query, std::regex(R"j(\{"results":\[\{"columns":\["x"\],"types":\["integer"\],"values":\[\[1\]\],"time":[0-9.e-]+\}\],"time":[0-9.e-]+\})j")))
        << query;
}

TEST_F(DataApiTest, RewritingHappensUnlessNoparse) {
    create_foo();
    harness_.post_ok("/db/execute", R"j(["INSERT INTO foo(id, name) VALUES(1, datetime('now'))"])j");
    harness_.post_ok("/db/execute?norwtime", R"j(["INSERT INTO foo(id, name) VALUES(2, datetime('now'))"])j");
    // The manual clock stands at 2023-11-14 22:13:20 UTC, and so does SQLite's "now" while applying.
    EXPECT_EQ(harness_.get_ok("/db/query?q=SELECT+name+FROM+foo+ORDER+BY+id"),
              R"j({"results":[{"columns":["name"],"types":["text"],"values":[["2023-11-14 22:13:20"],["2023-11-14 22:13:20"]]}]})j");
}

}  // namespace
}  // namespace rq::http::testing
