#pragma once
// The SQLite state machine: applies committed commands at Raft indexes, serves reads that bypass the
// log, and produces and restores snapshots. See store/README.md for where the database lives and
// what a restart may trust.
//
// Not thread-safe: one thread (the node's event loop, or the simulator) owns a Store. It reads no
// clock and creates no entropy of its own: time comes from the env::Clock passed in, randomness from
// the rq::Random passed in.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/random.h"
#include "base/result.h"
#include "env/clock.h"
#include "raft/types.h"
#include "store/batch_runner.h"
#include "store/command.h"
#include "store/database_image.h"
#include "store/results.h"
#include "store/sqlite_environment.h"
#include "store/sqlite_handle.h"
#include "store/sql_dump.h"

namespace rq::store {

enum class DatabaseLocation : std::uint8_t {
    on_disk,    // a real file in WAL mode (rqlited): `path` is <data dir>/db.sqlite
    in_memory,  // SQLite's memdb VFS, shared by the store's connections (the simulator, tests)
};

struct StoreOptions {
    DatabaseLocation location = DatabaseLocation::in_memory;
    // on_disk: the database file; "-wal", "-shm" and ".clean" files live beside it.
    // in_memory: a name unique among the live stores of this process (no '/', '?' or '#').
    std::string path;
    bool foreign_keys = false;  // rqlited -fk: must match across the cluster
    // Interrupt writes applied from the log at the batch's db_timeout, as rqlite does. Off by default:
    // a replica that runs slower would interrupt a statement the others completed, and their databases
    // would differ. Reads (local and strong) always honour db_timeout.
    bool enforce_db_timeout_on_writes = false;
    std::uint32_t busy_timeout_ms = 5000;
};

// The values of the pragmas /status reports for one connection (API.md §7.1), as SQLite prints them.
using PragmaValues = std::map<std::string, std::string>;

struct StorePragmas {
    PragmaValues read_write;
    PragmaValues read_only;
};

// Whether the caller of apply() will use the results. Followers need not run a strong read at all.
enum class ResultsWanted : std::uint8_t { yes, no };

class Store {
public:
    // Opens the database. On disk, a file left by a clean shutdown (see close_clean) is reused and
    // applied_index() says how far it got; any other file is deleted and the store starts empty at
    // index 0, to be rebuilt from snapshot and log by the caller. In memory the store starts empty.
    // `clock` must outlive the store; `random` serves random() in local reads.
    static Result<std::unique_ptr<Store>> open(StoreOptions options, const env::Clock& clock, Random random);
    ~Store();  // closes without leaving a clean-shutdown record

    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    // ---- The state machine -------------------------------------------------------------------------

    // Applies the committed command at `index` (which must be above applied_index()). Deterministic:
    // the same database given the same (index, command) ends with the same content and results on
    // every replica. Statement failures, a disallowed pragma and an invalid load image are results
    // (the top-level error for the latter two), as in rqlite. An Error means the store cannot go on:
    // it is closed, or replacing the database (load, restore) failed half-way and left it unusable;
    // the node must stop and rebuild the database from snapshot and log.
    Result<BatchResult> apply(raft::Index index, const Command& command, ResultsWanted wanted = ResultsWanted::yes);

    // Decodes and applies a log entry's bytes; bytes that do not decode are an ErrorCode::corrupt error
    // and change nothing (a committed entry that does not decode is a bug or corruption upstream).
    Result<BatchResult> apply_encoded(raft::Index index, std::string_view bytes);

    [[nodiscard]] raft::Index applied_index() const { return applied_index_; }

    // ---- Reads without the log (levels none, weak, linearizable) -----------------------------------

    // Runs `batch` on the read-only connection: each statement yields rows or an error; a statement
    // that would write yields "attempt to change database via query operation". A disallowed pragma
    // refuses the whole batch: no results, top-level error "disallowed pragma". An Error only if the
    // store is closed or unusable.
    Result<BatchResult> query(const StatementBatch& batch);

    // For /db/request: whether every statement of the batch is read-only (prepared on the read-only
    // connection; a statement that fails to prepare counts as a write, so it goes through the log).
    [[nodiscard]] bool is_read_only(const StatementBatch& batch);

    // ---- Snapshots ---------------------------------------------------------------------------------

    // The database as a standard SQLite file image (rollback-journal header, so any SQLite opens it).
    // May be empty for an in-memory database that has never been written. Reflects applied_index().
    Result<std::string> serialize();
    // The same image in SQLite's buffer, without a copy (snapshots copy it straight into their file).
    Result<SerializedImage> serialize_image();

    // Replaces the database with `image` (a SQLite file, WAL or rollback header; empty means an empty
    // database) as of `index`. An image SQLite cannot read is refused and nothing changes.
    // Reopens the connections, so last_insert_id and rows_affected start again from zero.
    Status restore(std::string_view image, raft::Index index);

    // Hash of the logical content (see content_hash.h): equal across replicas holding the same data.
    Result<std::uint64_t> content_hash();

    // The SQL text dump of /db/backup?fmt=sql (see sql_dump.h), all tables or only `tables`, handed
    // to `write` piece by piece from one read transaction.
    Status dump_sql(const std::vector<std::string>& tables, const DumpWriter& write);

    // ---- Housekeeping ------------------------------------------------------------------------------

    // Copies the WAL into the database file and truncates it (on disk; nothing in memory). rqlite does
    // this when it snapshots; autocheckpointing is off.
    Status checkpoint();

    // Checkpoints, closes the connections and, on disk, records the applied index beside the fsynced
    // file so the next open() may reuse it. The store is closed afterwards.
    Status close_clean();

    // True if open() reused a file left by a clean shutdown (rqlite's num_restores_start_skipped).
    [[nodiscard]] bool reused_clean_file() const { return reused_clean_file_; }

    Result<StorePragmas> pragmas();
    [[nodiscard]] const StoreOptions& options() const { return options_; }

    // The statement caches of the two connections (see statement_cache.h); zeros once closed.
    struct StatementStats {
        StatementCacheStats read_write;
        StatementCacheStats read_only;
    };
    [[nodiscard]] StatementStats statement_stats() const;

private:
    Store(StoreOptions options, const env::Clock& clock, Random random);

    Status open_database();
    Status open_read_write();
    Status configure_read_write();
    Status open_read_only();
    void close_connections();
    [[nodiscard]] std::string uri(bool read_only) const;
    [[nodiscard]] std::string temp_store_pragma() const;
    [[nodiscard]] Status usable() const;
    env::Duration sqlite_now() const;

    BatchResult apply_batch(const Command& command, ResultsWanted wanted);
    BatchResult apply_load(const Command& command, raft::Index index);
    Status replace_database(Connection image);

    StoreOptions options_;
    const env::Clock& clock_;
    // random() in local reads; random() while applying, reseeded from each command's index.
    Random read_random_;
    Random apply_random_{0};
    // While applying: the command's timestamp, SQLite's "now".
    std::optional<env::Duration> frozen_now_;

    std::unique_ptr<TimeVfs> vfs_;
    // Shared by both connections' statement caches: a schema change through the writer empties the
    // reader's cache too.
    std::shared_ptr<SchemaEpoch> schema_epoch_ = std::make_shared<SchemaEpoch>();
    Connection read_write_;
    Connection read_only_;
    raft::Index applied_index_{0};
    bool reused_clean_file_ = false;
    bool closed_ = false;
    std::optional<Error> poisoned_;
};

}  // namespace rq::store
