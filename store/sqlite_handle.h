#pragma once
// Owning handles for SQLite connections and prepared statements, and the translation of SQLite
// failures into rq::Error.

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"

namespace rq::store {

struct StatementFinalizer {
    void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using PreparedStatement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

// An Error for a failed SQLite call on `db`: ErrorCode by class, message "<context>: <errmsg>".
[[nodiscard]] Error sqlite_error(sqlite3* db, int code, std::string_view context);

class Connection {
public:
    Connection() = default;
    // Opens `uri` (a `file:` URI) with SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX added to `flags`.
    static Result<Connection> open(const std::string& uri, int flags);

    Connection(Connection&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
    Connection& operator=(Connection&& other) noexcept;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection() { close(); }

    [[nodiscard]] sqlite3* get() const { return db_; }
    [[nodiscard]] bool is_open() const { return db_ != nullptr; }
    void close();

    // Runs `sql` (one or more statements) ignoring any rows.
    Status exec(const std::string& sql) const;
    // The first column of the first row of `sql`, as text ("" for NULL or no rows).
    Result<std::string> query_text(const std::string& sql) const;
    Result<PreparedStatement> prepare(std::string_view sql) const;

private:
    explicit Connection(sqlite3* db) : db_(db) {}
    sqlite3* db_ = nullptr;
};

}  // namespace rq::store
