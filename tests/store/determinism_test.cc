// Replicas fed the same commands end with the same database: rewritten SQL, SQL that escaped
// rewriting (noparse, ORDER BY RANDOM(), column defaults), generated workloads, and a replica that
// catches up from a snapshot.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <filesystem>

#include "store/rewrite.h"
#include "store_test_util.h"

namespace rq::store::testing {
namespace {

// Replicas run on different machines: different clocks, different local random seeds.
struct Replica {
    explicit Replica(env::Duration clock_offset, StoreOptions options = {})
        : clock(std::chrono::seconds(1'600'000'000) + clock_offset), store(open_memory_store(clock, options)) {}
    env::ManualClock clock;
    std::unique_ptr<Store> store;
};

std::uint64_t hash(Store& store) {
    auto digest = store.content_hash();
    EXPECT_TRUE(digest.ok()) << digest.error().message();
    return digest.ok() ? *digest : 0;
}

// The commands a leader would propose: rewritten with its clock and generator, stamped with its time.
std::vector<Command> leader_commands(const std::vector<std::vector<std::string>>& batches, bool rewrite) {
    env::ManualClock leader_clock(std::chrono::seconds(1'700'000'000));
    Random leader_random(99);
    std::vector<Command> commands;
    for (const auto& statements : batches) {
        StatementBatch b;
        for (const std::string& text : statements) b.statements.push_back(sql(text));
        if (rewrite) rewrite_batch(b, {}, leader_clock.unix_now(), leader_random);
        Command c = command(CommandKind::execute, std::move(b));
        c.unix_time = leader_clock.unix_now();
        commands.push_back(std::move(c));
        leader_clock.advance(std::chrono::milliseconds(1234));
    }
    return commands;
}

const std::vector<std::vector<std::string>> nondeterministic_workload = {
    {"CREATE TABLE t (id INTEGER PRIMARY KEY, r INTEGER, b BLOB, d TEXT, ts TEXT DEFAULT CURRENT_TIMESTAMP, "
     "j REAL DEFAULT (julianday('now')))"},
    {"INSERT INTO t(r, b, d) VALUES(random(), randomblob(8), datetime('now'))",
     "INSERT INTO t(r, b, d) VALUES(random(), randomblob(2 + 2), strftime('%f', 'now'))"},
    {"INSERT INTO t(r) SELECT random() FROM t ORDER BY random()", "UPDATE t SET d = CURRENT_TIME WHERE id = 1"},
    {"DELETE FROM t WHERE id IN (SELECT id FROM t ORDER BY random() LIMIT 1)",
     "INSERT INTO t(r, b) VALUES(abs(random()) % 1000, randomblob(abs(random()) % 50))"},
    {"CREATE TABLE log (at TEXT, r INTEGER)",
     "CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log VALUES(datetime('now'), random()); END"},
    {"INSERT INTO t(r) VALUES(1)", "INSERT INTO t(r) VALUES(2)"},
};

TEST(DeterminismTest, ReplicasAgreeOnRewrittenCommands) {
    Replica a(std::chrono::seconds(0));
    Replica b(std::chrono::hours(5));
    const auto commands = leader_commands(nondeterministic_workload, true);
    Applier applier_a(*a.store);
    Applier applier_b(*b.store);
    for (const Command& c : commands) {
        EXPECT_EQ(render(applier_a.apply(c)), render(applier_b.apply(c)));
        b.clock.advance(std::chrono::seconds(17));  // replicas apply at different local times
    }
    EXPECT_EQ(hash(*a.store), hash(*b.store));
}

TEST(DeterminismTest, ReplicasAgreeEvenOnSqlThatEscapedRewriting) {
    // noparse: nothing was rewritten. Each replica's SQLite still sees the command's time as 'now' and
    // a random stream seeded by the index.
    Replica a(std::chrono::seconds(0));
    Replica b(std::chrono::hours(-3));
    const auto commands = leader_commands(nondeterministic_workload, false);
    Applier applier_a(*a.store);
    Applier applier_b(*b.store);
    for (const Command& c : commands) {
        EXPECT_EQ(render(applier_a.apply(c)), render(applier_b.apply(c)));
    }
    EXPECT_EQ(hash(*a.store), hash(*b.store));
    // And 'now' really was the proposal time, not either replica's clock.
    EXPECT_EQ(render(local_query(*a.store, {sql("SELECT ts FROM t WHERE id = 1")})),
              R"j([{"columns":["ts"],"types":["text"],"values":[["2023-11-14 22:13:21"]]}])j");
}

TEST(DeterminismTest, SnapshotCatchUpMatchesReplay) {
    const auto commands = leader_commands(nondeterministic_workload, true);
    Replica a(std::chrono::seconds(0));
    Replica b(std::chrono::seconds(9));
    Applier applier_a(*a.store);
    for (std::size_t i = 0; i < 3; ++i) applier_a.apply(commands[i]);
    auto image = a.store->serialize();
    ASSERT_TRUE(image.ok());
    ASSERT_TRUE(b.store->restore(*image, a.store->applied_index()).ok());
    Applier applier_b(*b.store);
    // Results may differ in last_insert_id and rows_affected: restoring reopens the connection, which
    // starts those counters again (as in rqlite). The data may not differ.
    for (std::size_t i = 3; i < commands.size(); ++i) {
        applier_a.apply(commands[i]);
        applier_b.apply(commands[i]);
    }
    EXPECT_EQ(a.store->applied_index(), b.store->applied_index());
    EXPECT_EQ(hash(*a.store), hash(*b.store));
}

TEST(DeterminismTest, OnDiskAndInMemoryReplicasAgree) {
    const std::filesystem::path directory = std::filesystem::path(::testing::TempDir()) / "determinism-on-disk";
    std::filesystem::create_directories(directory);
    env::ManualClock clock;
    StoreOptions on_disk;
    on_disk.location = DatabaseLocation::on_disk;
    on_disk.path = (directory / "db.sqlite").string();
    auto disk = Store::open(on_disk, clock, Random(1));
    ASSERT_TRUE(disk.ok()) << disk.error().message();
    auto memory = open_memory_store(clock);
    Applier applier_disk(**disk);
    Applier applier_memory(*memory);
    for (const Command& c : leader_commands(nondeterministic_workload, false)) {
        EXPECT_EQ(render(applier_disk.apply(c)), render(applier_memory.apply(c)));
    }
    EXPECT_EQ(hash(**disk), hash(*memory));
    disk->reset();
    std::filesystem::remove_all(directory);
}

// A generated workload: small statements over two tables, some failing, some in transactions.
rc::Gen<std::string> gen_statement() {
    return rc::gen::oneOf(
        rc::gen::map(rc::gen::inRange(0, 50), [](int k) { return "INSERT INTO kv VALUES(" + std::to_string(k) + ", random())"; }),
        rc::gen::map(rc::gen::inRange(0, 50),
                     [](int k) { return "INSERT OR REPLACE INTO kv VALUES(" + std::to_string(k) + ", randomblob(4))"; }),
        rc::gen::map(rc::gen::inRange(0, 50), [](int k) { return "DELETE FROM kv WHERE k = " + std::to_string(k); }),
        rc::gen::just(std::string("INSERT INTO events(at, r) VALUES(datetime('now'), random())")),
        rc::gen::just(std::string("UPDATE kv SET v = v || 'x' WHERE k % 3 = 0")),
        rc::gen::just(std::string("DELETE FROM events WHERE rowid IN (SELECT rowid FROM events ORDER BY random() LIMIT 2)")),
        rc::gen::just(std::string("INSERT INTO missing VALUES(1)")));
}

RC_GTEST_PROP(DeterminismProperty, ReplicasFedTheSameCommandsEndIdentical, ()) {
    const auto batches = *rc::gen::container<std::vector<std::vector<std::string>>>(
        rc::gen::resize(4, rc::gen::container<std::vector<std::string>>(gen_statement())));
    const auto transactions = *rc::gen::container<std::vector<bool>>(batches.size(), rc::gen::arbitrary<bool>());
    const bool rewrite = *rc::gen::arbitrary<bool>();

    std::vector<std::vector<std::string>> all = {
        {"CREATE TABLE kv (k INTEGER PRIMARY KEY, v)", "CREATE TABLE events (at TEXT, r INTEGER)"}};
    all.insert(all.end(), batches.begin(), batches.end());
    auto commands = leader_commands(all, rewrite);
    for (std::size_t i = 1; i < commands.size(); ++i) commands[i].batch.transaction = transactions[i - 1];

    Replica a(std::chrono::seconds(0));
    Replica b(std::chrono::seconds(3600));
    Applier applier_a(*a.store);
    Applier applier_b(*b.store);
    for (const Command& c : commands) RC_ASSERT(render(applier_a.apply(c)) == render(applier_b.apply(c)));
    RC_ASSERT(hash(*a.store) == hash(*b.store));
}

}  // namespace
}  // namespace rq::store::testing
