#pragma once
// What applying a batch returns: one entry per non-empty statement, carrying everything API.md §3.4
// renders, in a shape the HTTP layer can stream without building a JSON DOM.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "env/clock.h"
#include "store/value.h"

namespace rq::store {

struct StatementResult {
    // Which JSON object this becomes: an execute result (last_insert_id, rows_affected) or a row set
    // (columns, types, values). Failed statements keep the kind of the path they took, so the HTTP
    // layer can render associative mode's `"rows":null` for execute results.
    enum class Kind : std::uint8_t { execute, rows };
    Kind kind = Kind::execute;

    // Execute results: the connection-level sqlite3_last_insert_rowid() and sqlite3_changes() read
    // after the statement, so DDL after DML reports the earlier values (API.md §3.4).
    std::int64_t last_insert_id = 0;
    std::int64_t rows_affected = 0;

    // Row sets. `types` has one entry per column: the lower-cased declared type, or, where SQLite has
    // none, the type of the first row's value ("integer", "real", "text", "blob", "boolean", or "" when
    // there are no rows or the value is NULL). Cells are row-major: cell(r, c) = values[r * width + c].
    std::vector<std::string> columns;
    std::vector<std::string> types;
    std::vector<Value> values;
    std::size_t row_count = 0;

    // SQLite's message (sqlite3_errmsg) or rqlite's own ("attempt to change database via query
    // operation", "execute timeout", ...). Non-empty means the statement failed.
    std::string error;

    // How long the statement took on the store's monotonic clock (for `timings`).
    env::Duration time{0};

    [[nodiscard]] bool failed() const { return !error.empty(); }
    [[nodiscard]] std::size_t width() const { return columns.size(); }
    [[nodiscard]] const Value& cell(std::size_t row, std::size_t column) const {
        return values[row * columns.size() + column];
    }
};

struct BatchResult {
    std::vector<StatementResult> results;
    // A failure of the batch as a whole, rendered as the top-level "error" (for example a COMMIT that
    // failed, or "disallowed pragma"). Statement failures live in their own results instead.
    std::string error;
    // The whole batch on the store's monotonic clock (top-level `time` with `timings`).
    env::Duration time{0};
};

}  // namespace rq::store
