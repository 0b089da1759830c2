#pragma once
// Owning handles for SQLite connections and prepared statements, and the translation of SQLite
// failures into rq::Error.

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "store/statement_cache.h"

namespace rq::store {

// An Error for a failed SQLite call on `db`: ErrorCode by class, message "<context>: <errmsg>".
[[nodiscard]] Error sqlite_error(sqlite3* db, int code, std::string_view context);

class Connection {
public:
    Connection() = default;
    // Opens `uri` (a `file:` URI) with SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX added to `flags`.
    // Connections to the same database share `schema_epoch` (see statement_cache.h); null: a new one.
    static Result<Connection> open(const std::string& uri, int flags,
                                   std::shared_ptr<SchemaEpoch> schema_epoch = nullptr);

    Connection(Connection&& other) noexcept : db_(other.db_), statements_(std::move(other.statements_)) {
        other.db_ = nullptr;
    }
    Connection& operator=(Connection&& other) noexcept;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection() { close(); }

    [[nodiscard]] sqlite3* get() const { return db_; }
    [[nodiscard]] bool is_open() const { return db_ != nullptr; }
    // Finalizes the cached statements, then closes.
    void close();

    // Runs `sql` (one or more statements) ignoring any rows.
    Status exec(const std::string& sql) const;
    // The first column of the first row of `sql`, as text ("" for NULL or no rows).
    Result<std::string> query_text(const std::string& sql) const;
    // Prepares the first statement of `sql` afresh, outside the cache (for SQL run once).
    Result<PreparedStatement> prepare(std::string_view sql) const;
    // The statements kept for this connection (see statement_cache.h); the connection must be open.
    [[nodiscard]] StatementCache& statements() const;

private:
    explicit Connection(sqlite3* db) : db_(db) {}
    sqlite3* db_ = nullptr;
    std::unique_ptr<StatementCache> statements_;  // behind a pointer: lent statements point at it
};

}  // namespace rq::store
