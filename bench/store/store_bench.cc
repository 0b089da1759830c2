// Apply throughput of one-row INSERTs through the store (decode + apply of a log entry's bytes) at
// batch 1 and 100, beside raw SQLite INSERT throughput measured in the same binary with the same
// pragmas (WAL, synchronous=OFF, wal_autocheckpoint=0). Both sides checkpoint the WAL every 8192
// commits, as rqlited does at its default snapshot threshold. Files go to a fresh directory under
// $RQ_BENCH_DIR (default: the system temp directory), removed afterwards. The store also runs in
// memory (memdb), as in the simulator. Benchmarks report; they never assert a time.

#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "bench/scratch_directory.h"
#include "env/clock.h"
#include "store/store.h"

namespace {

using rq::store::Command;
using rq::store::CommandKind;
using rq::store::DatabaseLocation;
using rq::store::Statement;
using rq::store::Store;

constexpr const char* insert_sql = "INSERT INTO foo(name) VALUES(\"fiona\")";
constexpr std::int64_t checkpoint_every_commits = 8192;

std::string insert_command_bytes(std::int64_t rows, bool transaction) {
    Command command;
    command.kind = CommandKind::execute;
    command.batch.transaction = transaction;
    for (std::int64_t i = 0; i < rows; ++i) command.batch.statements.push_back(Statement{insert_sql, {}, false});
    return rq::store::encode_command(command);
}

void report_rows(benchmark::State& state, std::int64_t rows) {
    state.SetItemsProcessed(rows);
    state.counters["rows/s"] = benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
}

// Arguments: rows per command, transaction (0/1), on disk (0/1).
void BM_StoreApplyInsert(benchmark::State& state) {
    const std::int64_t rows_per_command = state.range(0);
    const bool transaction = state.range(1) != 0;
    const bool on_disk = state.range(2) != 0;
    rq::bench::ScratchDirectory directory("rq-store-bench");
    rq::env::ManualClock clock;
    rq::store::StoreOptions options;
    options.location = on_disk ? DatabaseLocation::on_disk : DatabaseLocation::in_memory;
    options.path = on_disk ? directory.file("db.sqlite") : "store-bench-" + std::to_string(state.thread_index());
    auto store = Store::open(options, clock, rq::Random(1));
    if (!store.ok()) return state.SkipWithError(store.error().message().c_str());
    rq::store::StatementBatch create;
    create.statements.push_back(Statement{"CREATE TABLE foo (id INTEGER NOT NULL PRIMARY KEY, name TEXT)", {}, false});
    Command setup;
    setup.kind = CommandKind::execute;
    setup.batch = create;
    if (!(*store)->apply(rq::raft::Index(1), setup).ok()) return state.SkipWithError("create table");

    const std::string bytes = insert_command_bytes(rows_per_command, transaction);
    std::uint64_t index = 1;
    std::int64_t rows = 0;
    for (auto _ : state) {
        auto result = (*store)->apply_encoded(rq::raft::Index(++index), bytes);
        if (!result.ok()) return state.SkipWithError(result.error().message().c_str());
        benchmark::DoNotOptimize(result->results.data());
        rows += rows_per_command;
        if (index % checkpoint_every_commits == 0 && !(*store)->checkpoint().ok()) return state.SkipWithError("checkpoint");
    }
    report_rows(state, rows);
    state.counters["bytes/entry"] = static_cast<double>(bytes.size());
}

struct RawDatabase {
    explicit RawDatabase(const std::string& path) {
        if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) std::abort();
        exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA wal_autocheckpoint=0; PRAGMA busy_timeout=5000;"
             "CREATE TABLE foo (id INTEGER NOT NULL PRIMARY KEY, name TEXT)");
    }
    ~RawDatabase() { sqlite3_close(db); }
    RawDatabase(const RawDatabase&) = delete;
    RawDatabase& operator=(const RawDatabase&) = delete;
    void exec(const char* sql) const {
        if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) std::abort();
    }
    sqlite3* db = nullptr;
};

// Raw SQLite, the way the store runs each statement: prepare, step, finalize; one commit per row
// unless batched in a transaction. Arguments: rows per commit group, transaction (0/1).
void BM_RawSqliteInsert(benchmark::State& state) {
    const std::int64_t rows_per_group = state.range(0);
    const bool transaction = state.range(1) != 0;
    rq::bench::ScratchDirectory directory("rq-store-bench");
    RawDatabase raw(directory.file("raw.sqlite"));
    std::int64_t rows = 0;
    std::int64_t commits = 0;
    for (auto _ : state) {
        if (transaction) raw.exec("BEGIN");
        for (std::int64_t i = 0; i < rows_per_group; ++i) raw.exec(insert_sql);
        if (transaction) raw.exec("COMMIT");
        rows += rows_per_group;
        if (++commits % checkpoint_every_commits == 0) raw.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    report_rows(state, rows);
}

// Raw SQLite's best case: one statement prepared once and re-executed.
void BM_RawSqliteInsertPrepared(benchmark::State& state) {
    const std::int64_t rows_per_group = state.range(0);
    const bool transaction = state.range(1) != 0;
    rq::bench::ScratchDirectory directory("rq-store-bench");
    RawDatabase raw(directory.file("raw.sqlite"));
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(raw.db, insert_sql, -1, &statement, nullptr) != SQLITE_OK) std::abort();
    std::int64_t rows = 0;
    std::int64_t commits = 0;
    for (auto _ : state) {
        if (transaction) raw.exec("BEGIN");
        for (std::int64_t i = 0; i < rows_per_group; ++i) {
            if (sqlite3_step(statement) != SQLITE_DONE) std::abort();
            sqlite3_reset(statement);
        }
        if (transaction) raw.exec("COMMIT");
        rows += rows_per_group;
        if (++commits % checkpoint_every_commits == 0) raw.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    sqlite3_finalize(statement);
    report_rows(state, rows);
}

}  // namespace

// Rates are per wall-clock second: the work includes file writes, not only CPU.
BENCHMARK(BM_StoreApplyInsert)
    ->UseRealTime()
    ->ArgNames({"batch", "tx", "disk"})
    ->Args({1, 0, 1})
    ->Args({100, 0, 1})
    ->Args({100, 1, 1})
    ->Args({1, 0, 0})
    ->Args({100, 0, 0})
    ->Args({100, 1, 0});
BENCHMARK(BM_RawSqliteInsert)->UseRealTime()->ArgNames({"batch", "tx"})->Args({1, 0})->Args({100, 1});
BENCHMARK(BM_RawSqliteInsertPrepared)->UseRealTime()->ArgNames({"batch", "tx"})->Args({1, 0})->Args({100, 1});

BENCHMARK_MAIN();
