// The execute and request paths of the state machine: API.md §3.1-§3.6 as far as the store produces
// them (results, parameters, errors, transactions, multi-statement strings, disallowed pragmas).

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "store/pragma_guard.h"
#include "store_test_util.h"

namespace rq::store::testing {
namespace {

class StoreExecuteTest : public ::testing::Test {
protected:
    env::ManualClock clock_;
    std::unique_ptr<Store> store_ = open_memory_store(clock_);
    Applier applier_{*store_};

    std::string execute(std::vector<Statement> statements, bool transaction = false) {
        return render(applier_.execute(std::move(statements), transaction));
    }
    std::string query(std::vector<Statement> statements) { return render(local_query(*store_, std::move(statements))); }
    void create_foo() {
        ASSERT_EQ(execute({sql("CREATE TABLE foo (id INTEGER NOT NULL PRIMARY KEY, name TEXT, age INTEGER)")}), "[{}]");
    }
};

TEST_F(StoreExecuteTest, CreateTableOnFreshConnectionReportsNothing) {
    EXPECT_EQ(execute({sql("CREATE TABLE foo (id INTEGER NOT NULL PRIMARY KEY, name TEXT)")}), "[{}]");
}

TEST_F(StoreExecuteTest, InsertReportsLastInsertIdAndRowsAffected) {
    create_foo();
    EXPECT_EQ(execute({sql("INSERT INTO foo(name) VALUES(\"fiona\")")}), R"j([{"last_insert_id":1,"rows_affected":1}])j");
    EXPECT_EQ(execute({sql("INSERT INTO foo(name) VALUES('declan')")}), R"j([{"last_insert_id":2,"rows_affected":1}])j");
    EXPECT_EQ(execute({sql("UPDATE foo SET age = 3")}), R"j([{"last_insert_id":2,"rows_affected":2}])j");
}

TEST_F(StoreExecuteTest, DdlAfterDmlReportsStaleConnectionValues) {
    create_foo();
    execute({sql("INSERT INTO foo(name) VALUES('fiona')")});
    // API.md §3.4 MUST: DROP TABLE after an INSERT reports the INSERT's values.
    EXPECT_EQ(execute({sql("DROP TABLE foo")}), R"j([{"last_insert_id":1,"rows_affected":1}])j");
}

TEST_F(StoreExecuteTest, FailingStatementReportsSqliteMessageAndBatchContinues) {
    create_foo();
    EXPECT_EQ(execute({sql("INSERT INTO bar(name) VALUES('x')"), sql("blah"), sql("INSERT INTO foo(name) VALUES('y')")}),
              R"j([{"error":"no such table: bar"},{"error":"near \"blah\": syntax error"},{"last_insert_id":1,"rows_affected":1}])j");
    EXPECT_EQ(query({sql("SELECT COUNT(*) FROM foo")}), R"j([{"columns":["COUNT(*)"],"types":["integer"],"values":[[1]]}])j");
}

TEST_F(StoreExecuteTest, ConstraintViolationIsAStatementError) {
    create_foo();
    execute({sql("INSERT INTO foo(id, name) VALUES(1, 'a')")});
    EXPECT_EQ(execute({sql("INSERT INTO foo(id, name) VALUES(1, 'b')")}), R"j([{"error":"UNIQUE constraint failed: foo.id"}])j");
}

TEST_F(StoreExecuteTest, EmptyStatementsProduceNoResult) {
    create_foo();
    EXPECT_EQ(execute({sql(""), sql("INSERT INTO foo(name) VALUES('a')"), sql("")}),
              R"j([{"last_insert_id":1,"rows_affected":1}])j");
}

TEST_F(StoreExecuteTest, TransactionRollsBackAndStopsAtFirstFailure) {
    create_foo();
    EXPECT_EQ(execute({sql("INSERT INTO foo(name) VALUES('a')"), sql("INSERT INTO foo(name) VALUES('b')"),
                       sql("INSERT INTO nope VALUES(1)"), sql("INSERT INTO foo(name) VALUES('c')")},
                      true),
              R"j([{"last_insert_id":1,"rows_affected":1},{"last_insert_id":2,"rows_affected":1},{"error":"no such table: nope"}])j");
    EXPECT_EQ(query({sql("SELECT COUNT(*) FROM foo")}), R"j([{"columns":["COUNT(*)"],"types":["integer"],"values":[[0]]}])j");
}

TEST_F(StoreExecuteTest, TransactionCommitsWhenEveryStatementSucceeds) {
    create_foo();
    EXPECT_EQ(execute({sql("INSERT INTO foo(name) VALUES('a')"), sql("INSERT INTO foo(name) VALUES('b')")}, true),
              R"j([{"last_insert_id":1,"rows_affected":1},{"last_insert_id":2,"rows_affected":1}])j");
    EXPECT_EQ(query({sql("SELECT name FROM foo ORDER BY id")}),
              R"j([{"columns":["name"],"types":["text"],"values":[["a"],["b"]]}])j");
}

TEST_F(StoreExecuteTest, FailedCommitIsTheBatchError) {
    StoreOptions options;
    options.foreign_keys = true;
    auto store = open_memory_store(clock_, options);
    Applier applier(*store);
    applier.execute({sql("CREATE TABLE p (id INTEGER PRIMARY KEY)"),
                     sql("CREATE TABLE c (p INTEGER REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED)")});
    BatchResult result = applier.execute({sql("INSERT INTO c VALUES(7)")}, true);
    EXPECT_EQ(render(result), R"j([{"last_insert_id":1,"rows_affected":1}] error=FOREIGN KEY constraint failed)j");
    EXPECT_EQ(render(local_query(*store, {sql("SELECT COUNT(*) FROM c")})),
              R"j([{"columns":["COUNT(*)"],"types":["integer"],"values":[[0]]}])j");
}

TEST_F(StoreExecuteTest, ForeignKeysFollowTheOption) {
    StoreOptions options;
    options.foreign_keys = true;
    auto store = open_memory_store(clock_, options);
    Applier applier(*store);
    applier.execute({sql("CREATE TABLE p (id INTEGER PRIMARY KEY)"), sql("CREATE TABLE c (p INTEGER REFERENCES p(id))")});
    EXPECT_EQ(render(applier.execute({sql("INSERT INTO c VALUES(7)")})), R"j([{"error":"FOREIGN KEY constraint failed"}])j");
    // Without the option the same insert succeeds.
    applier_.execute({sql("CREATE TABLE p (id INTEGER PRIMARY KEY)"), sql("CREATE TABLE c (p INTEGER REFERENCES p(id))")});
    EXPECT_EQ(execute({sql("INSERT INTO c VALUES(7)")}), R"j([{"last_insert_id":1,"rows_affected":1}])j");
}

TEST_F(StoreExecuteTest, PositionalParametersOfEveryType) {
    ASSERT_EQ(execute({sql("CREATE TABLE t (i INTEGER, r REAL, b INTEGER, s TEXT, y BLOB, n TEXT)")}), "[{}]");
    EXPECT_EQ(execute({sql("INSERT INTO t VALUES(?, ?, ?, ?, ?, ?)",
                           {positional(std::int64_t{-9223372036854775807 - 1}), positional(1.5), positional(true),
                            positional(std::string("fiona")), positional(Blob{std::string("\xde\xad\xbe\xef", 4)}),
                            positional(std::monostate{})})}),
              R"j([{"last_insert_id":1,"rows_affected":1}])j");
    EXPECT_EQ(query({sql("SELECT i, r, b, s, y, n, typeof(y), typeof(b) FROM t")}),
              R"j([{"columns":["i","r","b","s","y","n","typeof(y)","typeof(b)"],"types":["integer","real","integer","text","blob","text","text","text"],)j"
              R"j("values":[[-9223372036854775808,1.5,1,"fiona",x'deadbeef',null,"blob","integer"]]}])j");
}

TEST_F(StoreExecuteTest, EmptyTextAndBlobParametersAreNotNull) {
    ASSERT_EQ(execute({sql("CREATE TABLE t (s TEXT, y BLOB)")}), "[{}]");
    execute({sql("INSERT INTO t VALUES(?, ?)", {positional(std::string()), positional(Blob{})})});
    EXPECT_EQ(query({sql("SELECT typeof(s), typeof(y), length(y) FROM t")}),
              R"j([{"columns":["typeof(s)","typeof(y)","length(y)"],"types":["text","text","integer"],"values":[["text","blob",0]]}])j");
}

TEST_F(StoreExecuteTest, NamedParametersBindWithAnyPrefix) {
    create_foo();
    EXPECT_EQ(execute({sql("INSERT INTO foo(name, age) VALUES(:name, @age)",
                           {named("name", std::string("fiona")), named("age", std::int64_t{20})})}),
              R"j([{"last_insert_id":1,"rows_affected":1}])j");
    EXPECT_EQ(query({sql("SELECT name, age FROM foo WHERE name = $name", {named("name", std::string("fiona"))})}),
              R"j([{"columns":["name","age"],"types":["text","integer"],"values":[["fiona",20]]}])j");
}

TEST_F(StoreExecuteTest, PositionalAndNamedParametersMix) {
    create_foo();
    execute({sql("INSERT INTO foo(name, age) VALUES(?, :age)", {positional(std::string("a")), named("age", std::int64_t{7})})});
    EXPECT_EQ(query({sql("SELECT name, age FROM foo")}),
              R"j([{"columns":["name","age"],"types":["text","integer"],"values":[["a",7]]}])j");
}

TEST_F(StoreExecuteTest, TooFewPositionalParametersIsAnError) {
    create_foo();
    EXPECT_EQ(execute({sql("INSERT INTO foo(name, age) VALUES(?, ?)", {positional(std::string("a"))})}),
              R"j([{"error":"not enough args to execute query: want 2 got 1"}])j");
}

TEST_F(StoreExecuteTest, UnicodeTextRoundTrips) {
    create_foo();
    const std::string name = "Fi\xc3\xb3na \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80 <&>";
    execute({sql("INSERT INTO foo(name) VALUES(?)", {positional(name)})});
    execute({sql("INSERT INTO foo(name) VALUES('\xc3\xa9t\xc3\xa9')")});
    EXPECT_EQ(query({sql("SELECT name, length(name) FROM foo ORDER BY id")}),
              R"j([{"columns":["name","length(name)"],"types":["text","integer"],"values":[[")j" + name +
                  R"j(",14],["été",3]]}])j");
}

TEST_F(StoreExecuteTest, ReturningClauseYieldsRows) {
    create_foo();
    execute({sql("INSERT INTO foo(name) VALUES('fiona')")});
    EXPECT_EQ(execute({sql("INSERT INTO foo(name) VALUES('declan') RETURNING *")}),
              R"j([{"columns":["id","name","age"],"types":["integer","text","integer"],"values":[[2,"declan",null]]}])j");
    EXPECT_EQ(execute({sql("INSERT INTO foo(name) VALUES('x') RETURNING id"), sql("DELETE FROM foo WHERE id = 1")}),
              R"j([{"columns":["id"],"types":["integer"],"values":[[3]]},{"last_insert_id":3,"rows_affected":1}])j");
}

TEST_F(StoreExecuteTest, SelectOnTheExecutePathIsAnExecuteResult) {
    create_foo();
    execute({sql("INSERT INTO foo(name) VALUES('fiona')")});
    EXPECT_EQ(execute({sql("SELECT * FROM foo")}), R"j([{"last_insert_id":1,"rows_affected":1}])j");
    Statement forced = sql("SELECT name FROM foo");
    forced.force_query = true;
    EXPECT_EQ(execute({forced}), R"j([{"columns":["name"],"types":["text"],"values":[["fiona"]]}])j");
}

TEST_F(StoreExecuteTest, MultiStatementStringRunsEveryStatementAndReportsTheLast) {
    EXPECT_EQ(execute({sql("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES(?); INSERT INTO t VALUES(?);  -- done",
                           {positional(std::int64_t{5}), positional(std::int64_t{6})})}),
              R"j([{"last_insert_id":2,"rows_affected":1}])j");
    EXPECT_EQ(query({sql("SELECT a FROM t ORDER BY a")}), R"j([{"columns":["a"],"types":["integer"],"values":[[5],[6]]}])j");
}

TEST_F(StoreExecuteTest, MultiStatementStringStopsAtItsFirstError) {
    EXPECT_EQ(execute({sql("CREATE TABLE t (a); INSERT INTO nope VALUES(1); INSERT INTO t VALUES(1)")}),
              R"j([{"error":"no such table: nope"}])j");
    EXPECT_EQ(query({sql("SELECT COUNT(*) FROM t")}), R"j([{"columns":["COUNT(*)"],"types":["integer"],"values":[[0]]}])j");
}

TEST_F(StoreExecuteTest, DumpLoadedAsOneStringWithRollbackOnError) {
    // What Python's iterdump() produces for one table with one row (API.md §6.2 MUST).
    Command load = command(CommandKind::execute, batch({sql("BEGIN TRANSACTION;\nCREATE TABLE foo (id integer not null "
                                                            "primary key, name text);\nINSERT INTO \"foo\" "
                                                            "VALUES(1,'fiona');\nCOMMIT;")}));
    load.batch.rollback_on_error = true;
    EXPECT_EQ(render(applier_.apply(load)), R"j([{"last_insert_id":1,"rows_affected":1}])j");

    Command broken = command(CommandKind::execute,
                             batch({sql("BEGIN TRANSACTION; INSERT INTO foo VALUES(2,'a'); INSERT INTO nope VALUES(1); "
                                        "COMMIT;"),
                                    sql("INSERT INTO foo VALUES(3,'never')")}));
    broken.batch.rollback_on_error = true;
    EXPECT_EQ(render(applier_.apply(broken)), R"j([{"error":"no such table: nope"}])j");
    EXPECT_EQ(query({sql("SELECT id FROM foo")}), R"j([{"columns":["id"],"types":["integer"],"values":[[1]]}])j");
}

TEST_F(StoreExecuteTest, TransactionLeftOpenByUserSqlDoesNotSpanCommands) {
    create_foo();
    execute({sql("BEGIN"), sql("INSERT INTO foo(name) VALUES('a')")});
    EXPECT_EQ(query({sql("SELECT COUNT(*) FROM foo")}), R"j([{"columns":["COUNT(*)"],"types":["integer"],"values":[[0]]}])j");
    EXPECT_EQ(execute({sql("BEGIN"), sql("INSERT INTO foo(name) VALUES('b')"), sql("COMMIT")}),
              R"j([{"last_insert_id":1,"rows_affected":1},{"last_insert_id":1,"rows_affected":1},{"last_insert_id":1,"rows_affected":1}])j");
    EXPECT_EQ(query({sql("SELECT name FROM foo")}), R"j([{"columns":["name"],"types":["text"],"values":[["b"]]}])j");
}

TEST_F(StoreExecuteTest, DisallowedPragmaRefusesTheWholeBatch) {
    create_foo();
    BatchResult result = applier_.execute({sql("INSERT INTO foo(name) VALUES('a')"), sql("PRAGMA journal_mode=DELETE")});
    EXPECT_EQ(render(result), "[] error=disallowed pragma");
    EXPECT_EQ(query({sql("SELECT COUNT(*) FROM foo")}), R"j([{"columns":["COUNT(*)"],"types":["integer"],"values":[[0]]}])j");
    auto refused = store_->query(batch({sql("SELECT 1"), sql("pragma main.wal_checkpoint")}));
    ASSERT_TRUE(refused.ok());
    EXPECT_EQ(render(*refused), "[] error=disallowed pragma");
    EXPECT_EQ(render(applier_.strong_query({sql("PRAGMA query_only = 0")})), "[] error=disallowed pragma");
}

TEST_F(StoreExecuteTest, AllowedPragmasRun) {
    EXPECT_EQ(execute({sql("PRAGMA user_version = 7")}), "[{}]");
    EXPECT_EQ(query({sql("PRAGMA user_version")}), R"j([{"columns":["user_version"],"types":["integer"],"values":[[7]]}])j");
}

TEST_F(StoreExecuteTest, RequestMixesReadsAndWritesInOrder) {
    create_foo();
    BatchResult result = applier_.request({sql("INSERT INTO foo(name) VALUES('a')"), sql("SELECT name FROM foo"),
                                           sql("SELECT * FROM nope"), sql("INSERT INTO foo(name) VALUES('b')")});
    EXPECT_EQ(render(result), R"j([{"last_insert_id":1,"rows_affected":1},{"columns":["name"],"types":["text"],"values":[["a"]]},)j"
                              R"j({"error":"no such table: nope"},{"last_insert_id":2,"rows_affected":1}])j");
    EXPECT_EQ(result.results[0].kind, StatementResult::Kind::execute);
    EXPECT_EQ(result.results[1].kind, StatementResult::Kind::rows);
}

TEST_F(StoreExecuteTest, RequestTransactionSharesReadsAndWritesAndRollsBack) {
    create_foo();
    BatchResult result = applier_.request(
        {sql("INSERT INTO foo(name) VALUES('a')"), sql("SELECT COUNT(*) FROM foo"), sql("SELECT * FROM nope"),
         sql("INSERT INTO foo(name) VALUES('b')")},
        true);
    EXPECT_EQ(render(result), R"j([{"last_insert_id":1,"rows_affected":1},{"columns":["COUNT(*)"],"types":["integer"],"values":[[1]]},)j"
                              R"j({"error":"no such table: nope"}])j");
    EXPECT_EQ(query({sql("SELECT COUNT(*) FROM foo")}), R"j([{"columns":["COUNT(*)"],"types":["integer"],"values":[[0]]}])j");
}

TEST_F(StoreExecuteTest, ReadOnlyClassificationForRequests) {
    create_foo();
    EXPECT_TRUE(store_->is_read_only(batch({sql("SELECT * FROM foo"), sql("EXPLAIN INSERT INTO foo(name) VALUES(1)")})));
    EXPECT_FALSE(store_->is_read_only(batch({sql("SELECT * FROM foo"), sql("INSERT INTO foo(name) VALUES(1)")})));
    EXPECT_FALSE(store_->is_read_only(batch({sql("SELECT 1; DELETE FROM foo")})));
    // Unpreparable statements go through the log, where their error is reported.
    EXPECT_FALSE(store_->is_read_only(batch({sql("SELECT * FROM not_yet_created")})));
}

TEST_F(StoreExecuteTest, AppliedIndexAdvancesWithEveryCommand) {
    EXPECT_EQ(store_->applied_index(), raft::Index(0));
    applier_.apply(Command{});
    EXPECT_EQ(store_->applied_index(), raft::Index(1));
    create_foo();
    EXPECT_EQ(store_->applied_index(), raft::Index(2));
    // Decodable bytes apply like the command; garbage changes nothing.
    auto applied = store_->apply_encoded(raft::Index(3), encode_command(command(CommandKind::execute, batch({sql(
                                                              "INSERT INTO foo(name) VALUES('x')")}))));
    ASSERT_TRUE(applied.ok());
    EXPECT_EQ(render(*applied), R"j([{"last_insert_id":1,"rows_affected":1}])j");
    auto garbage = store_->apply_encoded(raft::Index(4), "not a command");
    ASSERT_FALSE(garbage.ok());
    EXPECT_EQ(garbage.error().code(), ErrorCode::corrupt);
    EXPECT_EQ(store_->applied_index(), raft::Index(3));
}

TEST_F(StoreExecuteTest, WritesIgnoreDbTimeoutByDefaultButCanEnforceIt) {
    const std::string slow = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000) "
                             "INSERT INTO t SELECT x FROM c";
    SteppingClock clock(std::chrono::milliseconds(1));
    for (bool enforce : {false, true}) {
        StoreOptions options;
        options.enforce_db_timeout_on_writes = enforce;
        auto store = open_memory_store(clock, options);
        Applier applier(*store);
        applier.execute({sql("CREATE TABLE t (x)")});
        Command write = command(CommandKind::execute, batch({sql(slow), sql("INSERT INTO t VALUES(0)")}));
        write.batch.db_timeout = std::chrono::milliseconds(50);
        EXPECT_EQ(render(applier.apply(write)), enforce ? R"j([{"error":"execute timeout"},{"error":"execute timeout"}])j"
                                                        : R"j([{"last_insert_id":200000,"rows_affected":200000},)j"
                                                          R"j({"last_insert_id":200001,"rows_affected":1}])j");
    }
}

TEST_F(StoreExecuteTest, TimedOutTransactionRollsBackAndLeavesNothingOpen) {
    SteppingClock clock(std::chrono::milliseconds(1));
    StoreOptions options;
    options.enforce_db_timeout_on_writes = true;
    auto store = open_memory_store(clock, options);
    Applier applier(*store);
    applier.execute({sql("CREATE TABLE t (x)")});
    Command write = command(CommandKind::execute,
                            batch({sql("INSERT INTO t VALUES(-1)"),
                                   sql("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 500000) "
                                       "INSERT INTO t SELECT x FROM c"),
                                   sql("INSERT INTO t VALUES(-2)")},
                                  true));
    write.batch.db_timeout = std::chrono::milliseconds(50);
    EXPECT_EQ(render(applier.apply(write)), R"j([{"last_insert_id":1,"rows_affected":1},{"error":"execute timeout"}])j");
    EXPECT_EQ(render(applier.execute({sql("INSERT INTO t VALUES(7)")})), R"j([{"last_insert_id":1,"rows_affected":1}])j");
    EXPECT_EQ(render(local_query(*store, {sql("SELECT x FROM t")})), R"j([{"columns":["x"],"types":["integer"],"values":[[7]]}])j");
}

}  // namespace
}  // namespace rq::store::testing

namespace rq::store::testing {
namespace {

TEST(InMemoryStoreTest, NameIsExclusiveWhileOpenAndFreedOnClose) {
    env::ManualClock clock;
    StoreOptions options;
    options.path = unique_memory_name("exclusive");
    auto first = open_memory_store(clock, options);
    Applier(*first).execute({sql("CREATE TABLE t (a)")});
    auto second = Store::open(StoreOptions{DatabaseLocation::in_memory, options.path}, clock, Random(1));
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error().code(), ErrorCode::invalid_argument);
    // A crashed node's memory is gone: reopening the name starts empty, ready to be rebuilt.
    first.reset();
    auto reopened = open_memory_store(clock, options);
    EXPECT_EQ(reopened->applied_index(), raft::Index(0));
    EXPECT_EQ(render(local_query(*reopened, {sql("SELECT name FROM sqlite_master")})), R"j([{"columns":["name"],"types":["text"]}])j");
}

TEST(InMemoryStoreTest, TemporaryFilesStayInMemory) {
    env::ManualClock clock;
    auto store = open_memory_store(clock);
    Applier(*store).execute({sql("CREATE TABLE t (a)")});
    EXPECT_EQ(render(local_query(*store, {sql("PRAGMA temp_store")})),
              R"j([{"columns":["temp_store"],"types":["integer"],"values":[[2]]}])j");
    EXPECT_EQ(render(Applier(*store).request({sql("PRAGMA temp_store")})),  // the read-write connection
              R"j([{"columns":["temp_store"],"types":["integer"],"values":[[2]]}])j");
}

TEST(InMemoryStoreTest, ClosedStoreRefusesWork) {
    env::ManualClock clock;
    auto store = open_memory_store(clock);
    ASSERT_TRUE(store->close_clean().ok());
    auto applied = store->apply(raft::Index(1), Command{});
    ASSERT_FALSE(applied.ok());
    EXPECT_EQ(applied.error().code(), ErrorCode::closed);
    EXPECT_FALSE(store->query(batch({sql("SELECT 1")})).ok());
    EXPECT_FALSE(store->serialize().ok());
}

}  // namespace
}  // namespace rq::store::testing

namespace rq::store::testing {
namespace {

// Whatever text arrives as SQL, applying and reading it yields results, never a crash, and the
// store keeps working.
RC_GTEST_PROP(StoreProperty, ArbitrarySqlNeverBreaksTheStore, (std::vector<std::string> texts)) {
    env::ManualClock clock;
    auto store = open_memory_store(clock);
    Applier applier(*store);
    applier.execute({sql("CREATE TABLE t (a, b)"), sql("INSERT INTO t VALUES(1, 'x')")});
    std::vector<Statement> statements;
    for (const std::string& text : texts) statements.push_back(sql(text + (text.size() % 2 ? " FROM t" : "")));
    BatchResult written = applier.execute(statements);
    BatchResult requested = applier.request(statements, true);
    auto read = store->query(batch(statements));
    RC_ASSERT(read.ok());
    RC_ASSERT(written.results.size() <= statements.size());
    BatchResult after = applier.execute({sql("INSERT INTO t VALUES(2, 'y')")});
    RC_ASSERT(after.results.size() == 1u);
}

}  // namespace
}  // namespace rq::store::testing
