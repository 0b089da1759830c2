#pragma once
// Runs a StatementBatch on one SQLite connection with rqlite's semantics (API.md §3.2-§3.6): the
// execute, query and request paths, parameters, per-statement errors, transactions, multi-statement
// strings, and the db_timeout deadline.

#include <sqlite3.h>

#include <optional>

#include "base/result.h"
#include "env/clock.h"
#include "store/command.h"
#include "store/results.h"
#include "store/sqlite_handle.h"

namespace rq::store {

enum class RunMode : std::uint8_t {
    execute,  // every statement runs as a write; rows only for RETURNING (or force_query)
    query,    // read-only statements only; a write yields "attempt to change database via query operation"
    request,  // each statement classified: all read-only -> query path, else execute path
};

inline constexpr std::string_view query_write_attempt_message = "attempt to change database via query operation";
inline constexpr std::string_view execute_timeout_message = "execute timeout";
inline constexpr std::string_view query_timeout_message = "query timeout";

// Whether every SQL statement in `sql` is read-only (EXPLAIN counts as read-only). A statement that
// fails to prepare counts as a write.
[[nodiscard]] bool is_read_only_sql(const Connection& connection, std::string_view sql);

class BatchRunner {
public:
    // `connection` and `clock` must outlive the runner. `clock` measures statement times and the
    // deadline. Statements come from the connection's cache.
    BatchRunner(const Connection& connection, const env::Clock& clock)
        : db_(connection.get()), statements_(connection.statements()), clock_(clock) {}

    // Runs the batch. Every SQLite failure of a statement is reported in its result, as rqlite does,
    // whatever its code: user SQL can provoke any of them (ATTACH of a missing file gives
    // SQLITE_CANTOPEN, a schema broken through writable_schema SQLITE_CORRUPT), so a code says nothing
    // about whether this replica alone failed, and refusing to go on would let one statement stop
    // every replica.
    // `enforce_timeout` false ignores batch.db_timeout (used when applying writes: an interrupt on one
    // replica and not another would make their databases differ).
    BatchResult run(const StatementBatch& batch, RunMode mode, bool enforce_timeout);

private:
    class StatementRun;

    StatementResult run_statement(const Statement& statement, RunMode mode, bool qualify_columns);
    bool deadline_passed() const;
    void end_open_transaction();
    static int on_progress(void* self);

    sqlite3* db_;
    StatementCache& statements_;
    const env::Clock& clock_;
    std::optional<env::Duration> deadline_;
};

}  // namespace rq::store
