#pragma once
// One SQL value as it crosses the store's boundary: a statement parameter coming in (every JSON type
// API.md §3.1 accepts) or a result cell going out (already converted the way rqlite's Go driver
// converts it, so the HTTP layer only has to print it).

#include <cstdint>
#include <string>
#include <variant>

namespace rq::store {

// BLOB bytes. A distinct type so a blob is never mistaken for text.
struct Blob {
    std::string bytes;
    bool operator==(const Blob&) const = default;
};

// Alternatives, in variant index order: NULL, INTEGER (int64), REAL (double), boolean, TEXT, BLOB.
// Booleans exist because JSON parameters may be booleans (bound as 1/0) and because BOOLEAN columns
// render as JSON true/false. Date/time columns arrive as text already in RFC 3339 form.
using Value = std::variant<std::monostate, std::int64_t, double, bool, std::string, Blob>;

inline bool is_null(const Value& value) { return std::holds_alternative<std::monostate>(value); }

}  // namespace rq::store
