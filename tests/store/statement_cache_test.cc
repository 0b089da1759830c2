// The prepared-statement cache: reuse, what a reused statement must not carry over, when the cache
// empties, and that statements run through the store behave as freshly prepared ones would.

#include <gtest/gtest.h>

#include "store/statement_cache.h"
#include "store_test_util.h"

namespace rq::store::testing {
namespace {

// ---- The cache on its own ----------------------------------------------------------------------

class StatementCacheTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto opened = Connection::open("file:/" + unique_memory_name("cache-test") + "?vfs=memdb",
                                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        ASSERT_TRUE(opened.ok()) << opened.error().message();
        connection_ = std::move(opened).value();
        ASSERT_TRUE(connection_.exec("CREATE TABLE t (a, b); INSERT INTO t VALUES (1, 2)").ok());
    }

    PreparedStatement prepare(std::string_view sql, SqlOrigin origin = SqlOrigin::user) {
        int rc = SQLITE_OK;
        std::size_t consumed = 0;
        PreparedStatement statement = connection_.statements().prepare(sql, origin, rc, consumed);
        EXPECT_EQ(rc, SQLITE_OK) << sqlite3_errmsg(connection_.get());
        return statement;
    }
    StatementCacheStats stats() const { return connection_.statements().stats(); }

    Connection connection_;
};

TEST_F(StatementCacheTest, ASecondUseOfTheSameTextReusesTheStatement) {
    sqlite3_stmt* first = nullptr;
    {
        PreparedStatement statement = prepare("SELECT a FROM t");
        ASSERT_TRUE(statement);
        first = statement.get();
        ASSERT_EQ(sqlite3_step(statement.get()), SQLITE_ROW);
        EXPECT_EQ(sqlite3_column_int(statement.get(), 0), 1);
    }
    EXPECT_EQ(stats().idle, 1u);
    PreparedStatement again = prepare("SELECT a FROM t");
    EXPECT_EQ(again.get(), first);
    EXPECT_EQ(stats().hits, 1u);
    EXPECT_EQ(stats().misses, 1u);
    EXPECT_EQ(stats().idle, 0u) << "a lent statement is out of the cache";
    ASSERT_EQ(sqlite3_step(again.get()), SQLITE_ROW) << "given back reset, it runs from the start";
    EXPECT_EQ(sqlite3_column_int(again.get(), 0), 1);
}

TEST_F(StatementCacheTest, ADifferentTextIsADifferentStatement) {
    { PreparedStatement statement = prepare("SELECT a FROM t"); }
    PreparedStatement other = prepare("SELECT b FROM t");
    EXPECT_EQ(stats().hits, 0u);
    ASSERT_EQ(sqlite3_step(other.get()), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int(other.get(), 0), 2);
}

TEST_F(StatementCacheTest, BindingsAndTheInstructionCountDoNotOutliveAUse) {
    {
        PreparedStatement statement = prepare("SELECT ?1, :name");
        ASSERT_EQ(sqlite3_bind_int(statement.get(), 1, 7), SQLITE_OK);
        ASSERT_EQ(sqlite3_bind_text(statement.get(), 2, "x", -1, SQLITE_STATIC), SQLITE_OK);
        ASSERT_EQ(sqlite3_step(statement.get()), SQLITE_ROW);
        EXPECT_GT(sqlite3_stmt_status(statement.get(), SQLITE_STMTSTATUS_VM_STEP, 0), 0);
    }
    PreparedStatement again = prepare("SELECT ?1, :name");
    ASSERT_EQ(stats().hits, 1u);
    // The progress handler counts a statement's instructions across runs: a fresh count keeps db_timeout
    // checks where a newly prepared statement would have them.
    EXPECT_EQ(sqlite3_stmt_status(again.get(), SQLITE_STMTSTATUS_VM_STEP, 0), 0);
    ASSERT_EQ(sqlite3_step(again.get()), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_type(again.get(), 0), SQLITE_NULL);
    EXPECT_EQ(sqlite3_column_type(again.get(), 1), SQLITE_NULL);
}

TEST_F(StatementCacheTest, AStatementInUseIsNotLentTwice) {
    PreparedStatement outer = prepare("SELECT a FROM t");
    {
        PreparedStatement inner = prepare("SELECT a FROM t");
        EXPECT_NE(inner.get(), outer.get());
        ASSERT_EQ(sqlite3_step(outer.get()), SQLITE_ROW);
        ASSERT_EQ(sqlite3_step(inner.get()), SQLITE_ROW);
    }
    outer.release();
    EXPECT_EQ(stats().idle, 1u) << "one copy is kept, the other finalized";
}

TEST_F(StatementCacheTest, AStatementLentWhenTheCacheEmptiesIsNotKeptWhenGivenBack) {
    PreparedStatement lent = prepare("SELECT a FROM t");
    { PreparedStatement idle = prepare("SELECT b FROM t"); }
    connection_.statements().clear();
    EXPECT_EQ(stats().idle, 0u);
    ASSERT_EQ(sqlite3_step(lent.get()), SQLITE_ROW) << "still usable until given back";
    lent.release();
    EXPECT_EQ(stats().idle, 0u);
    { PreparedStatement again = prepare("SELECT a FROM t"); }
    EXPECT_EQ(stats().hits, 0u);
    EXPECT_EQ(stats().idle, 1u);
}

TEST_F(StatementCacheTest, HoldsAtMostItsCapacityDroppingTheLeastRecentlyUsed) {
    StatementCache small(connection_.get(), std::make_shared<SchemaEpoch>(), 2);
    auto use = [&](std::string_view sql) {
        int rc = SQLITE_OK;
        std::size_t consumed = 0;
        PreparedStatement statement = small.prepare(sql, SqlOrigin::user, rc, consumed);
        ASSERT_EQ(rc, SQLITE_OK);
    };
    use("SELECT 1");
    use("SELECT 2");
    use("SELECT 1");  // now the most recent
    use("SELECT 3");  // drops SELECT 2
    EXPECT_EQ(small.stats().idle, 2u);
    use("SELECT 1");
    EXPECT_EQ(small.stats().hits, 2u);
    use("SELECT 2");
    EXPECT_EQ(small.stats().hits, 2u) << "SELECT 2 had been dropped";
}

TEST_F(StatementCacheTest, ALongTextIsPreparedForOneUseOnly) {
    const std::string long_text = "SELECT '" + std::string(StatementCache::kept_sql_bytes_max, 'x') + "'";
    { PreparedStatement statement = prepare(long_text); }
    EXPECT_EQ(stats().idle, 0u);
    { PreparedStatement statement = prepare(long_text); }
    EXPECT_EQ(stats().hits, 0u);
}

TEST_F(StatementCacheTest, ReportsHowMuchOfAMultiStatementTextTheFirstStatementSpans) {
    const std::string_view text = "SELECT 1; SELECT 2";
    for (int use = 0; use < 2; ++use) {
        int rc = SQLITE_OK;
        std::size_t consumed = 0;
        PreparedStatement statement = connection_.statements().prepare(text, SqlOrigin::user, rc, consumed);
        ASSERT_EQ(rc, SQLITE_OK);
        EXPECT_EQ(text.substr(0, consumed), "SELECT 1;") << "use " << use;
    }
    EXPECT_EQ(stats().hits, 1u);
}

TEST_F(StatementCacheTest, AFailedPrepareIsReportedAndNotKept) {
    int rc = SQLITE_OK;
    std::size_t consumed = 0;
    PreparedStatement statement = connection_.statements().prepare("SELECT nope FROM t", SqlOrigin::user, rc, consumed);
    EXPECT_FALSE(statement);
    EXPECT_EQ(rc, SQLITE_ERROR);
    EXPECT_STREQ(sqlite3_errmsg(connection_.get()), "no such column: nope");
    EXPECT_EQ(stats().idle, 0u);
}

TEST_F(StatementCacheTest, SchemaChangingUserStatementsAreNeverKeptAndEmptyTheCache) {
    for (std::string_view changing : {"CREATE TABLE u (x)", "  /* c */ pragma user_version = 3", "DROP TABLE u",
                                      "ALTER TABLE t ADD COLUMN c", "VACUUM", "ANALYZE", "REINDEX"}) {
        { PreparedStatement kept = prepare("SELECT a FROM t"); }
        ASSERT_EQ(stats().idle, 1u);
        {
            PreparedStatement statement = prepare(changing);
            ASSERT_TRUE(statement) << changing;
            const int rc = sqlite3_step(statement.get());
            EXPECT_TRUE(rc == SQLITE_DONE || rc == SQLITE_ROW) << changing << ": " << sqlite3_errmsg(connection_.get());
        }
        PreparedStatement after = prepare("SELECT a FROM t");
        EXPECT_EQ(stats().idle, 0u) << changing;
        EXPECT_EQ(stats().hits, 0u) << changing << " emptied the cache";
        after.release();
        connection_.statements().clear();
    }
}

TEST_F(StatementCacheTest, TheStoresOwnPragmasAreKept) {
    { PreparedStatement statement = prepare("PRAGMA user_version", SqlOrigin::internal); }
    PreparedStatement again = prepare("PRAGMA user_version", SqlOrigin::internal);
    EXPECT_EQ(stats().hits, 1u);
}

TEST_F(StatementCacheTest, AnExpiredStatementIsPreparedAgain) {
    { PreparedStatement statement = prepare("SELECT * FROM t"); }
    // A temporary table shadows t; SQLite expires every statement of the connection.
    ASSERT_TRUE(connection_.exec("CREATE TEMP TABLE t (x, y, z)").ok());
    PreparedStatement again = prepare("SELECT * FROM t");
    EXPECT_EQ(stats().hits, 0u);
    EXPECT_EQ(sqlite3_column_count(again.get()), 3);
}

TEST_F(StatementCacheTest, ConnectionsSharingAnEpochSeeEachOthersSchemaChanges) {
    auto epoch = std::make_shared<SchemaEpoch>();
    const std::string name = unique_memory_name("cache-shared");
    auto writer = Connection::open("file:/" + name + "?vfs=memdb", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, epoch);
    auto reader = Connection::open("file:/" + name + "?vfs=memdb&mode=ro", SQLITE_OPEN_READONLY, epoch);
    ASSERT_TRUE(writer.ok() && reader.ok());
    auto run = [](Connection& connection, std::string_view sql) {
        int rc = SQLITE_OK;
        std::size_t consumed = 0;
        PreparedStatement statement = connection.statements().prepare(sql, SqlOrigin::user, rc, consumed);
        EXPECT_EQ(rc, SQLITE_OK) << sqlite3_errmsg(connection.get());
        const int columns = statement ? sqlite3_column_count(statement.get()) : -1;
        while (statement && sqlite3_step(statement.get()) == SQLITE_ROW) {
        }
        return columns;
    };
    run(*writer, "CREATE TABLE w (a)");
    EXPECT_EQ(run(*reader, "SELECT * FROM w"), 1);
    run(*writer, "ALTER TABLE w ADD COLUMN b");
    EXPECT_EQ(run(*reader, "SELECT * FROM w"), 2) << "the reader's cached statement and schema are refreshed";
    EXPECT_EQ(reader->statements().stats().hits, 0u);
}

// ---- Through the store ---------------------------------------------------------------------------

class StoreStatementCacheTest : public ::testing::Test {
protected:
    env::ManualClock clock_;
};

TEST_F(StoreStatementCacheTest, RepeatedReadsAndWritesReuseStatements) {
    auto store = open_memory_store(clock_);
    Applier applier(*store);
    applier.execute({sql("CREATE TABLE t (k TEXT PRIMARY KEY, v)")});
    for (int i = 0; i < 3; ++i) {
        applier.execute({sql("INSERT OR REPLACE INTO t VALUES ('a', ?)", {positional(std::int64_t{i})})});
        EXPECT_EQ(render(local_query(*store, {sql("SELECT v FROM t WHERE k = 'a'")})),
                  R"j([{"columns":["v"],"types":["integer"],"values":[[)j" + std::to_string(i) + "]]}]");
    }
    const Store::StatementStats stats = store->statement_stats();
    EXPECT_EQ(stats.read_write.hits, 2u) << "the INSERT";
    EXPECT_GE(stats.read_only.hits, 5u) << "the SELECT, classified then run";
}

TEST_F(StoreStatementCacheTest, NamedParametersLeftOutAreNullNotTheLastValues) {
    auto store = open_memory_store(clock_);
    EXPECT_EQ(render(local_query(*store, {sql("SELECT :a AS a, :b AS b", {named("a", std::int64_t{1}), named("b", std::int64_t{2})})})),
              R"j([{"columns":["a","b"],"types":["integer","integer"],"values":[[1,2]]}])j");
    EXPECT_EQ(render(local_query(*store, {sql("SELECT :a AS a, :b AS b", {named("a", std::int64_t{3})})})),
              R"j([{"columns":["a","b"],"types":["integer",""],"values":[[3,null]]}])j");
}

TEST_F(StoreStatementCacheTest, ReadsSeeColumnsTheWriterAdded) {
    // Before the cache, the read-only connection's first statement after an ALTER was prepared against
    // its old copy of the schema and reported the old columns.
    auto store = open_memory_store(clock_);
    Applier applier(*store);
    applier.execute({sql("CREATE TABLE t (a)"), sql("INSERT INTO t VALUES (1)")});
    EXPECT_EQ(render(local_query(*store, {sql("SELECT * FROM t")})),
              R"j([{"columns":["a"],"types":["integer"],"values":[[1]]}])j");
    applier.execute({sql("ALTER TABLE t ADD COLUMN b TEXT")});
    EXPECT_EQ(render(local_query(*store, {sql("SELECT * FROM t")})),
              R"j([{"columns":["a","b"],"types":["integer","text"],"values":[[1,null]]}])j");
    applier.execute({sql("DROP TABLE t")});
    EXPECT_EQ(render(local_query(*store, {sql("SELECT * FROM t")})), R"j([{"error":"no such table: t"}])j");
    EXPECT_FALSE(store->is_read_only(batch({sql("SELECT * FROM t")}))) << "fails to prepare: goes through the log";
}

TEST_F(StoreStatementCacheTest, ATemporaryTableShadowsTheCachedMainTable) {
    auto store = open_memory_store(clock_);
    Applier applier(*store);
    applier.execute({sql("CREATE TABLE t (a)"), sql("INSERT INTO t VALUES (1)")});
    EXPECT_EQ(render(applier.request({sql("SELECT * FROM t")})), R"j([{"columns":["a"],"types":["integer"],"values":[[1]]}])j");
    applier.execute({sql("CREATE TEMP TABLE t (x, y)"), sql("INSERT INTO temp.t VALUES (8, 9)")});
    EXPECT_EQ(render(applier.request({sql("SELECT * FROM t")})),
              R"j([{"columns":["x","y"],"types":["integer","integer"],"values":[[8,9]]}])j");
}

TEST_F(StoreStatementCacheTest, ARolledBackTableDoesNotLingerInTheCache) {
    auto store = open_memory_store(clock_);
    Applier applier(*store);
    // The transaction fails at its last statement and rolls back, taking table x with it.
    const BatchResult failed = applier.request(
        {sql("CREATE TABLE x (a)"), sql("SELECT * FROM x"), sql("INSERT INTO nowhere VALUES (1)")}, true);
    ASSERT_EQ(failed.results.size(), 3u);
    EXPECT_FALSE(failed.results[2].error.empty());
    EXPECT_EQ(render(applier.request({sql("SELECT * FROM x")})), R"j([{"error":"no such table: x"}])j");
    applier.execute({sql("CREATE TABLE x (a, b)"), sql("INSERT INTO x VALUES (1, 2)")});
    EXPECT_EQ(render(applier.request({sql("SELECT * FROM x")})),
              R"j([{"columns":["a","b"],"types":["integer","integer"],"values":[[1,2]]}])j");
}

TEST_F(StoreStatementCacheTest, APragmaTakesEffectOnCachedStatements) {
    auto store = open_memory_store(clock_);
    const char* like = "SELECT 'ABC' LIKE 'abc' AS matched";
    EXPECT_EQ(render(local_query(*store, {sql(like)})), R"j([{"columns":["matched"],"types":["integer"],"values":[[1]]}])j");
    EXPECT_EQ(render(local_query(*store, {sql("PRAGMA case_sensitive_like = 1")})), "[{}]");
    EXPECT_EQ(render(local_query(*store, {sql(like)})), R"j([{"columns":["matched"],"types":["integer"],"values":[[0]]}])j");
}

TEST_F(StoreStatementCacheTest, RestoreAndLoadStartWithEmptyCaches) {
    auto store = open_memory_store(clock_);
    Applier applier(*store);
    applier.execute({sql("CREATE TABLE t (a)"), sql("INSERT INTO t VALUES (1)")});
    local_query(*store, {sql("SELECT * FROM t")});
    ASSERT_GT(store->statement_stats().read_only.idle, 0u);

    auto other = open_memory_store(clock_);
    Applier other_applier(*other);
    other_applier.execute({sql("CREATE TABLE t (x, y)"), sql("INSERT INTO t VALUES (5, 6)")});
    auto image = other->serialize();
    ASSERT_TRUE(image.ok());

    ASSERT_TRUE(store->restore(*image, raft::Index(40)).ok());
    EXPECT_EQ(store->statement_stats().read_only.idle, 0u);
    EXPECT_EQ(store->statement_stats().read_write.idle, 0u);
    EXPECT_EQ(render(local_query(*store, {sql("SELECT * FROM t")})),
              R"j([{"columns":["x","y"],"types":["integer","integer"],"values":[[5,6]]}])j");

    // The load command replaces the database the same way.
    local_query(*store, {sql("SELECT * FROM t")});
    Applier after_restore(*store);
    auto first_image = open_memory_store(clock_);
    Applier first_applier(*first_image);
    first_applier.execute({sql("CREATE TABLE t (only)")});
    auto loaded_image = first_image->serialize();
    ASSERT_TRUE(loaded_image.ok());
    Command load;
    load.kind = CommandKind::load;
    load.database_image = *loaded_image;
    EXPECT_EQ(render(after_restore.apply(load)), "[]");
    EXPECT_EQ(store->statement_stats().read_only.idle, 0u);
    EXPECT_EQ(render(local_query(*store, {sql("SELECT * FROM t")})), R"j([{"columns":["only"],"types":[""]}])j");
}

TEST_F(StoreStatementCacheTest, ContentHashesAgreeWhetherStatementsAreCachedOrNot) {
    auto store = open_memory_store(clock_);
    Applier applier(*store);
    applier.execute({sql("CREATE TABLE t (a)"), sql("INSERT INTO t VALUES (1)")});
    auto first = store->content_hash();
    auto second = store->content_hash();
    ASSERT_TRUE(first.ok() && second.ok());
    EXPECT_EQ(*first, *second);
    EXPECT_GT(store->statement_stats().read_only.hits, 0u);
    applier.execute({sql("INSERT INTO t VALUES (2)")});
    auto changed = store->content_hash();
    ASSERT_TRUE(changed.ok());
    EXPECT_NE(*changed, *first);
}

}  // namespace
}  // namespace rq::store::testing
