#pragma once
// The SQL text dump of `/db/backup?fmt=sql` (API.md §6.1), in rqlite's exact format:
//   PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n
//   per table (sqlite_master order by name): its CREATE statement, then one
//     INSERT INTO "t" VALUES(...); per row, values through SQLite's quote();
//     sqlite_sequence becomes DELETE FROM "sqlite_sequence"; plus its rows, sqlite_stat1 becomes
//     ANALYZE "sqlite_master"; plus its rows, other sqlite_ tables are skipped;
//   then every index, trigger and view's SQL; then COMMIT;\n
// (rqlite's own code prints `DELETE FROM "sqlite_sequence";;` with a doubled semicolon; API.md's
// single-semicolon form is used here.)

#include <sqlite3.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace rq::store {

// Receives the dump in pieces, in order; an error stops the dump and is returned.
using DumpWriter = std::function<Status(std::string_view)>;

// Dumps `db` inside one read transaction. With `tables` non-empty only those tables, and the
// indexes, triggers and views on them, are dumped.
Status dump_sql(sqlite3* db, const std::vector<std::string>& tables, const DumpWriter& write);

}  // namespace rq::store
