#pragma once
// How result cells are converted, reproducing the Go SQLite driver rqlite uses (API.md §3.4):
// columns declared DATE, DATETIME or TIMESTAMP yield RFC 3339 text, BOOLEAN integers yield booleans,
// BLOBs in text-typed columns yield text.

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "store/value.h"

namespace rq::store {

enum class ColumnConversion : std::uint8_t {
    none,
    time,     // declared type exactly "date", "datetime" or "timestamp" (after lower-casing)
    boolean,  // declared type exactly "boolean"
    text,     // a text type ("text", "json", "jsonb", "varchar...", "nchar...", "clob...", ...)
};

// `declared_type` already lower-cased.
[[nodiscard]] ColumnConversion conversion_for(std::string_view declared_type);

// The converted value of column `column` of the current row. Fails only when a time cannot be
// rendered (Go's MarshalText limits: year outside [0, 9999]); the text is Go's error message.
[[nodiscard]] Result<Value> read_cell(sqlite3_stmt* statement, int column, ColumnConversion conversion);

// The JSON type name a value implies when its column has no declared type: "integer", "real",
// "boolean", "blob", "text", or "" for NULL.
[[nodiscard]] std::string derived_type_name(const Value& value);

// Go's time parsing of a DATE/DATETIME/TIMESTAMP text (the driver's SQLiteTimestampFormats, after
// dropping one trailing 'Z'), rendered as RFC 3339 with nanoseconds. Unparsable text yields
// "0001-01-01T00:00:00Z", as the driver returns the zero time.
[[nodiscard]] Result<std::string> rfc3339_from_text(std::string_view text);

// An INTEGER in a time column: Unix seconds, or milliseconds when its magnitude exceeds 1e12.
[[nodiscard]] Result<std::string> rfc3339_from_integer(std::int64_t value);

}  // namespace rq::store
