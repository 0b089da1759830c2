// Reads: the query path on the read-only connection (levels none, weak, linearizable) and through the
// log (strong). Row-set contents and value conversions as API.md §3.4 and §4 describe them.

#include <gtest/gtest.h>

#include "store_test_util.h"

namespace rq::store::testing {
namespace {

class StoreQueryTest : public ::testing::Test {
protected:
    void SetUp() override {
        applier_.execute({sql("CREATE TABLE foo (id INTEGER NOT NULL PRIMARY KEY, name TEXT)"),
                          sql("INSERT INTO foo(name) VALUES('fiona')"), sql("INSERT INTO foo(name) VALUES('declan')")});
    }
    std::string query(std::vector<Statement> statements, bool transaction = false) {
        return render(local_query(*store_, std::move(statements), transaction));
    }

    env::ManualClock clock_;
    std::unique_ptr<Store> store_ = open_memory_store(clock_);
    Applier applier_{*store_};
};

TEST_F(StoreQueryTest, RowsColumnsAndDeclaredTypes) {
    EXPECT_EQ(query({sql("SELECT * FROM foo")}),
              R"j([{"columns":["id","name"],"types":["integer","text"],"values":[[1,"fiona"],[2,"declan"]]}])j");
}

TEST_F(StoreQueryTest, ZeroRowsKeepColumnsAndTypes) {
    BatchResult result = local_query(*store_, {sql("SELECT * FROM foo WHERE id > 10")});
    EXPECT_EQ(render(result), R"j([{"columns":["id","name"],"types":["integer","text"]}])j");
    EXPECT_EQ(result.results[0].row_count, 0u);
    EXPECT_EQ(result.results[0].kind, StatementResult::Kind::rows);
}

TEST_F(StoreQueryTest, FailedQueryCarriesOnlyTheError) {
    EXPECT_EQ(query({sql("SELECT * FROM bar"), sql("SELECT id FROM foo WHERE id = 1")}),
              R"j([{"error":"no such table: bar"},{"columns":["id"],"types":["integer"],"values":[[1]]}])j");
}

TEST_F(StoreQueryTest, ExpressionTypesComeFromTheFirstRow) {
    EXPECT_EQ(query({sql("SELECT COUNT(*) FROM foo")}), R"j([{"columns":["COUNT(*)"],"types":["integer"],"values":[[2]]}])j");
    EXPECT_EQ(query({sql("SELECT 1")}), R"j([{"columns":["1"],"types":["integer"],"values":[[1]]}])j");
    EXPECT_EQ(query({sql("SELECT 1.5, 'a', x'01', NULL")}),
              R"j([{"columns":["1.5","'a'","x'01'","NULL"],"types":["real","text","blob",""],"values":[[1.5,"a",x'01',null]]}])j");
    EXPECT_EQ(query({sql("SELECT 1 WHERE 0")}), R"j([{"columns":["1"],"types":[""]}])j");
    // Only the first row decides.
    EXPECT_EQ(query({sql("SELECT NULL UNION ALL SELECT 2")}), R"j([{"columns":["NULL"],"types":[""],"values":[[null],[2]]}])j");
}

TEST_F(StoreQueryTest, QualifiedColumnsNameTheirTable) {
    applier_.execute({sql("CREATE TABLE bar (id INTEGER, foo_id INTEGER)"), sql("INSERT INTO bar VALUES(7, 1)")});
    StatementBatch qualified = batch({sql("SELECT foo.id, bar.id, name AS n, 1 + 1 FROM foo JOIN bar ON bar.foo_id = foo.id")});
    qualified.qualify_columns = true;
    auto result = store_->query(qualified);
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(render(*result), R"j([{"columns":["foo.id","bar.id","foo.n","1 + 1"],"types":["integer","integer","text","integer"],)j"
                               R"j("values":[[1,7,"fiona",2]]}])j");
}

TEST_F(StoreQueryTest, DeclaredTypesAreLowerCased) {
    applier_.execute({sql("CREATE TABLE t (a VARCHAR(255), b Numeric, c)"), sql("INSERT INTO t VALUES('x', 2, 3.0)")});
    EXPECT_EQ(query({sql("SELECT * FROM t")}),
              R"j([{"columns":["a","b","c"],"types":["varchar(255)","numeric","real"],"values":[["x",2,3]]}])j");
}

TEST_F(StoreQueryTest, DateTimeColumnsRenderAsRfc3339) {
    applier_.execute({sql("CREATE TABLE t (d DATE, dt DATETIME, ts TIMESTAMP, other DATETIME(6))"),
                      sql("INSERT INTO t VALUES('2004-02-14', '2021-10-22 19:39:32.016087', 1633000000, '2004-02-14')"),
                      sql("INSERT INTO t VALUES('nonsense', 1700000000123, '2021-01-02T03:04:05+01:00', 7)"),
                      sql("INSERT INTO t VALUES(NULL, 1.5, x'00', 'x')")});
    EXPECT_EQ(query({sql("SELECT * FROM t")}),
              R"j([{"columns":["d","dt","ts","other"],"types":["date","datetime","timestamp","datetime(6)"],"values":[)j"
              R"j(["2004-02-14T00:00:00Z","2021-10-22T19:39:32.016087Z","2021-09-30T11:06:40Z","2004-02-14"],)j"
              R"j(["0001-01-01T00:00:00Z","2023-11-14T22:13:20.123Z","2021-01-02T03:04:05+01:00",7],)j"
              R"j([null,1.5,x'00',"x"]]}])j");
}

TEST_F(StoreQueryTest, BooleanColumnsRenderIntegersAsBooleans) {
    applier_.execute({sql("CREATE TABLE t (b BOOLEAN)"), sql("INSERT INTO t VALUES(1), (0), (-1), (5), ('yes'), (NULL)")});
    EXPECT_EQ(query({sql("SELECT b FROM t")}),
              R"j([{"columns":["b"],"types":["boolean"],"values":[[true],[false],[false],[true],["yes"],[null]]}])j");
}

TEST_F(StoreQueryTest, BlobsAndTextInTextOrBlobColumns) {
    applier_.execute({sql("CREATE TABLE t (y BLOB, s TEXT)"), sql("INSERT INTO t VALUES(x'deadbeef', x'6869')"),
                      sql("INSERT INTO t VALUES('text in blob', 'plain')")});
    EXPECT_EQ(query({sql("SELECT * FROM t")}),
              R"j([{"columns":["y","s"],"types":["blob","text"],"values":[[x'deadbeef',"hi"],["text in blob","plain"]]}])j");
}

TEST_F(StoreQueryTest, WriteAttemptIsRefusedWithRqlitesMessage) {
    EXPECT_EQ(query({sql("INSERT INTO foo(name) VALUES('x')"), sql("SELECT 1; DELETE FROM foo"), sql("SELECT COUNT(*) FROM foo")}),
              R"j([{"error":"attempt to change database via query operation"},)j"
              R"j({"error":"attempt to change database via query operation"},)j"
              R"j({"columns":["COUNT(*)"],"types":["integer"],"values":[[2]]}])j");
}

TEST_F(StoreQueryTest, ReadOnlyConnectionCannotWriteEvenIfAsked) {
    // A statement SQLite believes read-only cannot write through the read-only connection either.
    EXPECT_EQ(query({sql("PRAGMA user_version = 5"), sql("PRAGMA user_version")}),
              R"j([{"error":"attempt to change database via query operation"},)j"
              R"j({"columns":["user_version"],"types":["integer"],"values":[[0]]}])j");
}

TEST_F(StoreQueryTest, MultiStatementQueryReturnsTheLastRows) {
    EXPECT_EQ(query({sql("SELECT name FROM foo WHERE id = ?; SELECT id FROM foo WHERE name = ?",
                         {positional(std::int64_t{1}), positional(std::string("declan"))})}),
              R"j([{"columns":["id"],"types":["integer"],"values":[[2]]}])j");
}

TEST_F(StoreQueryTest, QueryTransactionReadsOneSnapshotAndNeverStops) {
    EXPECT_EQ(query({sql("SELECT COUNT(*) FROM foo"), sql("SELECT * FROM nope"), sql("SELECT MAX(id) FROM foo")}, true),
              R"j([{"columns":["COUNT(*)"],"types":["integer"],"values":[[2]]},{"error":"no such table: nope"},)j"
              R"j({"columns":["MAX(id)"],"types":["integer"],"values":[[2]]}])j");
    // The read transaction ended with the batch: later writes are visible.
    applier_.execute({sql("INSERT INTO foo(name) VALUES('x')")});
    EXPECT_EQ(query({sql("SELECT COUNT(*) FROM foo")}), R"j([{"columns":["COUNT(*)"],"types":["integer"],"values":[[3]]}])j");
}

TEST_F(StoreQueryTest, StrongQueryGoesThroughTheLog) {
    BatchResult result = applier_.strong_query({sql("SELECT name FROM foo ORDER BY id DESC"), sql("DELETE FROM foo")});
    EXPECT_EQ(render(result), R"j([{"columns":["name"],"types":["text"],"values":[["declan"],["fiona"]]},)j"
                              R"j({"error":"attempt to change database via query operation"}])j");
    EXPECT_EQ(store_->applied_index(), raft::Index(2));
    // A follower applying the same entry need not run it.
    auto skipped = store_->apply(raft::Index(3), command(CommandKind::query, batch({sql("SELECT 1")})), ResultsWanted::no);
    ASSERT_TRUE(skipped.ok());
    EXPECT_TRUE(skipped->results.empty());
    EXPECT_EQ(store_->applied_index(), raft::Index(3));
}

TEST_F(StoreQueryTest, LocalReadsSeeEveryAppliedWrite) {
    for (int i = 0; i < 5; ++i) {
        applier_.execute({sql("INSERT INTO foo(name) VALUES('x')")});
        EXPECT_EQ(query({sql("SELECT COUNT(*) FROM foo")}),
                  R"j([{"columns":["COUNT(*)"],"types":["integer"],"values":[[)j" + std::to_string(3 + i) + "]]}]");
    }
}

TEST_F(StoreQueryTest, DbTimeoutInterruptsALongQuery) {
    SteppingClock clock(std::chrono::milliseconds(1));
    auto store = open_memory_store(clock);
    StatementBatch slow = batch({sql("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000) "
                                     "SELECT COUNT(*) FROM c"),
                                 sql("SELECT 1")});
    slow.db_timeout = std::chrono::milliseconds(100);
    auto result = store->query(slow);
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(render(*result), R"j([{"error":"query timeout"},{"error":"query timeout"}])j");
    // Without a deadline the same query completes.
    slow.db_timeout = env::Duration::zero();
    result = store->query(slow);
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result->results[0].cell(0, 0), Value(std::int64_t{1000000}));
}

TEST_F(StoreQueryTest, StatementAndBatchTimesComeFromTheClock) {
    SteppingClock clock(std::chrono::milliseconds(1));
    auto store = open_memory_store(clock);
    auto result = store->query(batch({sql("SELECT 1"), sql("SELECT 2")}));
    ASSERT_TRUE(result.ok());
    EXPECT_GT(result->results[0].time, env::Duration::zero());
    EXPECT_GT(result->time, result->results[0].time + result->results[1].time - env::Duration(1));
}

TEST_F(StoreQueryTest, NowInLocalReadsIsTheEnvironmentClock) {
    EXPECT_EQ(query({sql("SELECT datetime('now'), CURRENT_TIMESTAMP")}),
              R"j([{"columns":["datetime('now')","CURRENT_TIMESTAMP"],"types":["text","text"],)j"
              R"j("values":[["2023-11-14 22:13:20","2023-11-14 22:13:20"]]}])j");
    clock_.advance(std::chrono::hours(24));
    EXPECT_EQ(query({sql("SELECT date('now')")}), R"j([{"columns":["date('now')"],"types":["text"],"values":[["2023-11-15"]]}])j");
}

}  // namespace
}  // namespace rq::store::testing
