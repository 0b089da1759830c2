#pragma once
// The PRAGMAs that would break the store's control of SQLite (API.md §3.5): a request containing one
// is refused as a whole with rqlite's message before anything runs.

#include <string_view>

#include "base/result.h"
#include "store/command.h"

namespace rq::store {

// rqlite's top-level error text for such a request.
inline constexpr std::string_view disallowed_pragma_message = "disallowed pragma";

// True if any statement in `sql` (several may be separated by `;`, each optionally prefixed by
// EXPLAIN or EXPLAIN QUERY PLAN) is `PRAGMA [schema.]wal_checkpoint` in any form, or
// `PRAGMA [schema.]journal_mode|wal_autocheckpoint|synchronous|query_only` followed by `=` or `(`.
// Names may be quoted; matching ignores case; strings and comments are never looked into.
[[nodiscard]] bool is_disallowed_pragma(std::string_view sql);

// ErrorCode::invalid_argument with disallowed_pragma_message if any statement of the batch is one.
[[nodiscard]] Status check_pragmas(const StatementBatch& batch);

}  // namespace rq::store
