// Snapshots: serialize and restore, the load command, image validation, and content hashes.

#include <gtest/gtest.h>

#include "store/database_image.h"
#include "store_test_util.h"

namespace rq::store::testing {
namespace {

class SnapshotTest : public ::testing::Test {
protected:
    void fill(Store& store) {
        Applier applier(store);
        applier.execute({sql("CREATE TABLE foo (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, data BLOB)"),
                         sql("CREATE INDEX foo_name ON foo(name)"),
                         sql("CREATE TABLE kv (k TEXT PRIMARY KEY, v) WITHOUT ROWID"),
                         sql("CREATE VIEW names AS SELECT name FROM foo"),
                         sql("INSERT INTO foo(name, data) VALUES('fiona', x'00ff'), ('d\xc3\xa9" "clan', NULL)"),
                         sql("INSERT INTO kv VALUES('b', 2.5), ('a', 'one')"), sql("PRAGMA user_version = 9")});
    }
    std::uint64_t hash(Store& store) {
        auto digest = store.content_hash();
        EXPECT_TRUE(digest.ok()) << digest.error().message();
        return digest.ok() ? *digest : 0;
    }

    env::ManualClock clock_;
};

TEST_F(SnapshotTest, RestoredCopyHasTheSameContentAndIndex) {
    auto source = open_memory_store(clock_);
    fill(*source);
    auto image = source->serialize();
    ASSERT_TRUE(image.ok());
    EXPECT_TRUE(looks_like_database_image(*image));
    EXPECT_EQ((*image)[18], 1) << "snapshots carry a rollback-journal header";

    auto copy = open_memory_store(clock_);
    ASSERT_TRUE(copy->restore(*image, raft::Index(77)).ok());
    EXPECT_EQ(copy->applied_index(), raft::Index(77));
    EXPECT_EQ(hash(*copy), hash(*source));
    EXPECT_EQ(render(local_query(*copy, {sql("SELECT * FROM foo"), sql("SELECT * FROM names")})),
              render(local_query(*source, {sql("SELECT * FROM foo"), sql("SELECT * FROM names")})));
    // The copy keeps working: writes continue from the restored state, AUTOINCREMENT included.
    Applier applier(*copy);
    EXPECT_EQ(render(applier.execute({sql("INSERT INTO foo(name) VALUES('x')")})), R"j([{"last_insert_id":3,"rows_affected":1}])j");
    EXPECT_NE(hash(*copy), hash(*source));
}

TEST_F(SnapshotTest, RestoreResetsConnectionCounters) {
    auto store = open_memory_store(clock_);
    fill(*store);
    auto image = store->serialize();
    ASSERT_TRUE(image.ok());
    ASSERT_TRUE(store->restore(*image, raft::Index(10)).ok());
    Applier applier(*store);
    EXPECT_EQ(render(applier.execute({sql("CREATE TABLE z (a)")})), "[{}]");
}

TEST_F(SnapshotTest, HashIgnoresPhysicalLayout) {
    auto direct = open_memory_store(clock_);
    auto churned = open_memory_store(clock_);
    Applier a(*direct);
    Applier b(*churned);
    a.execute({sql("CREATE TABLE t (a INTEGER PRIMARY KEY, b)"), sql("INSERT INTO t VALUES(1, 'x'), (3, 'z')")});
    b.execute({sql("CREATE TABLE t (a INTEGER PRIMARY KEY, b)")});
    b.execute({sql("INSERT INTO t VALUES(3, 'z'), (2, 'y'), (1, 'x')"), sql("DELETE FROM t WHERE a = 2"), sql("VACUUM")});
    EXPECT_EQ(hash(*direct), hash(*churned));
    b.execute({sql("UPDATE t SET b = 'w' WHERE a = 1")});
    EXPECT_NE(hash(*direct), hash(*churned));
}

TEST_F(SnapshotTest, HashSeesSchemaTypesAndHeaderFields) {
    auto first = open_memory_store(clock_);
    auto second = open_memory_store(clock_);
    Applier a(*first);
    Applier b(*second);
    a.execute({sql("CREATE TABLE t (v)"), sql("INSERT INTO t VALUES(1)")});
    b.execute({sql("CREATE TABLE t (v)"), sql("INSERT INTO t VALUES('1')")});
    EXPECT_NE(hash(*first), hash(*second)) << "integer 1 and text '1' differ";
    b.execute({sql("DELETE FROM t"), sql("INSERT INTO t VALUES(1)")});
    EXPECT_EQ(hash(*first), hash(*second));
    b.execute({sql("PRAGMA user_version = 1")});
    EXPECT_NE(hash(*first), hash(*second));
}

TEST_F(SnapshotTest, EmptyDatabaseRoundTrips) {
    auto empty = open_memory_store(clock_);
    auto image = empty->serialize();
    ASSERT_TRUE(image.ok());
    auto other = open_memory_store(clock_);
    fill(*other);
    ASSERT_TRUE(other->restore(*image, raft::Index(3)).ok());
    EXPECT_EQ(hash(*other), hash(*empty));
}

TEST_F(SnapshotTest, TheImageInSqlitesBufferIsTheSerializedImage) {
    auto empty = open_memory_store(clock_);
    auto nothing = empty->serialize_image();
    ASSERT_TRUE(nothing.ok());
    EXPECT_TRUE(nothing->bytes().empty()) << "a database never written has no pages";

    auto store = open_memory_store(clock_);
    fill(*store);
    auto image = store->serialize_image();
    ASSERT_TRUE(image.ok());
    auto copied = store->serialize();
    ASSERT_TRUE(copied.ok());
    EXPECT_EQ(image->bytes(), *copied);
    EXPECT_EQ(image->bytes()[18], 1);
    EXPECT_EQ(image->bytes()[19], 1);
    SerializedImage moved = std::move(image).value();  // owns SQLite's buffer: moves, frees once
    EXPECT_EQ(moved.bytes(), *copied);
}

TEST_F(SnapshotTest, InvalidImageIsRefusedAndNothingChanges) {
    auto store = open_memory_store(clock_);
    fill(*store);
    const std::uint64_t before = hash(*store);
    auto image = store->serialize();
    ASSERT_TRUE(image.ok());
    std::string damaged = *image;
    damaged.resize(200);  // header intact, pages gone
    for (const std::string& bad : {std::string("not a database"), std::string(100, 'x'), damaged}) {
        Status restored = store->restore(bad, raft::Index(50));
        ASSERT_FALSE(restored.ok());
        EXPECT_EQ(restored.error().code(), ErrorCode::invalid_argument) << restored.error().message();
    }
    EXPECT_EQ(store->applied_index(), raft::Index(1));
    EXPECT_EQ(hash(*store), before);
}

TEST_F(SnapshotTest, LoadCommandReplacesTheDatabaseOnEveryReplica) {
    auto source = open_memory_store(clock_);
    fill(*source);
    auto image = source->serialize();
    ASSERT_TRUE(image.ok());
    // A WAL-mode header (as /db/backup returns it) loads too.
    std::string wal_image = *image;
    wal_image[18] = 2;
    wal_image[19] = 2;

    auto replica = open_memory_store(clock_);
    Applier applier(*replica);
    applier.execute({sql("CREATE TABLE other (x)")});
    Command load;
    load.kind = CommandKind::load;
    load.database_image = wal_image;
    EXPECT_EQ(render(applier.apply(load)), "[]");
    EXPECT_EQ(hash(*replica), hash(*source));
    EXPECT_EQ(replica->applied_index(), raft::Index(2));

    load.database_image = "SQLite format 3 but not really";
    BatchResult refused = applier.apply(load);
    EXPECT_EQ(refused.error, "invalid database image: not a SQLite file");
    EXPECT_EQ(replica->applied_index(), raft::Index(3));
    EXPECT_EQ(hash(*replica), hash(*source));
}

TEST_F(SnapshotTest, ValidationCatchesDamagedPages) {
    auto store = open_memory_store(clock_);
    Applier applier(*store);
    applier.execute({sql("CREATE TABLE t (a, b)")});
    for (int i = 0; i < 50; ++i) applier.execute({sql("INSERT INTO t VALUES(randomblob(100), 'row')")});
    auto image = store->serialize();
    ASSERT_TRUE(image.ok());
    ASSERT_TRUE(validate_database_image(*image).ok());
    std::string damaged = *image;
    for (std::size_t i = 4096 + 8; i < 4096 + 64; ++i) damaged[i] = static_cast<char>(0xee);  // page 2's header
    EXPECT_FALSE(validate_database_image(damaged).ok());
}

TEST_F(SnapshotTest, ImageOpensAsAPlainSqliteFile) {
    auto store = open_memory_store(clock_);
    fill(*store);
    auto image = store->serialize();
    ASSERT_TRUE(image.ok());
    const std::string path = ::testing::TempDir() + "/snapshot-image.sqlite";
    {
        std::FILE* file = std::fopen(path.c_str(), "wb");
        ASSERT_NE(file, nullptr);
        std::fwrite(image->data(), 1, image->size(), file);
        std::fclose(file);
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, "PRAGMA journal_mode=DELETE; PRAGMA integrity_check; SELECT * FROM foo;", nullptr,
                           nullptr, &error),
              SQLITE_OK)
        << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
    std::remove(path.c_str());
}

}  // namespace
}  // namespace rq::store::testing

namespace rq::store::testing {
namespace {

std::string dump(Store& store, const std::vector<std::string>& tables = {}) {
    std::string text;
    Status status = store.dump_sql(tables, [&](std::string_view piece) {
        text += piece;
        return ok_status();
    });
    EXPECT_TRUE(status.ok()) << status.error().message();
    return text;
}

TEST(SqlDumpTest, SingleEmptyTableIsByteExact) {
    env::ManualClock clock;
    auto store = open_memory_store(clock);
    Applier(*store).execute({sql("CREATE TABLE foo (name text)")});
    EXPECT_EQ(dump(*store), "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE foo (name text);\nCOMMIT;\n");
}

TEST(SqlDumpTest, RowsSequencesIndexesAndFilters) {
    env::ManualClock clock;
    auto store = open_memory_store(clock);
    Applier(*store).execute(
        {sql("CREATE TABLE foo (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, data BLOB, score REAL)"),
         sql("CREATE INDEX foo_name ON foo(name)"), sql("CREATE TABLE \"we\"\"ird\" (\"a\"\"b\")"),
         sql("INSERT INTO foo(name, data, score) VALUES('it''s', x'00ff', 1.5), (NULL, NULL, NULL)"),
         sql("INSERT INTO \"we\"\"ird\" VALUES(7)")});
    EXPECT_EQ(dump(*store),
              "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n"
              "CREATE TABLE foo (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, data BLOB, score REAL);\n"
              "INSERT INTO \"foo\" VALUES(1,'it''s',X'00FF',1.5);\n"
              "INSERT INTO \"foo\" VALUES(2,NULL,NULL,NULL);\n"
              "DELETE FROM \"sqlite_sequence\";\n"
              "INSERT INTO \"sqlite_sequence\" VALUES('foo',2);\n"
              "CREATE TABLE \"we\"\"ird\" (\"a\"\"b\");\n"
              "INSERT INTO \"we\"\"ird\" VALUES(7);\n"
              "CREATE INDEX foo_name ON foo(name);\n"
              "COMMIT;\n");
    EXPECT_EQ(dump(*store, {"we\"ird"}),
              "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE \"we\"\"ird\" (\"a\"\"b\");\n"
              "INSERT INTO \"we\"\"ird\" VALUES(7);\nCOMMIT;\n");
}

TEST(SqlDumpTest, LoadingADumpRecreatesTheContent) {
    env::ManualClock clock;
    auto source = open_memory_store(clock);
    Applier(*source).execute({sql("CREATE TABLE kv (k TEXT PRIMARY KEY, v) WITHOUT ROWID"),
                              sql("CREATE TABLE t (id INTEGER PRIMARY KEY, r REAL, b BLOB)"),
                              sql("CREATE VIEW v AS SELECT * FROM t"),
                              sql("INSERT INTO kv VALUES('a', 1), ('b', 'two'), ('c', x'03')"),
                              sql("INSERT INTO t VALUES(1, 0.1, randomblob(16)), (5, -2e300, NULL)")});
    auto target = open_memory_store(clock);
    Command load = command(CommandKind::execute, batch({sql(dump(*source))}));
    load.batch.rollback_on_error = true;
    EXPECT_EQ(Applier(*target).apply(load).results.at(0).error, "");
    EXPECT_EQ(*target->content_hash(), *source->content_hash());
}

}  // namespace
}  // namespace rq::store::testing
