#pragma once
// A hash of a database's logical content, equal on two replicas exactly when they hold the same
// schema and rows, however the pages happen to be laid out (one replayed the log, another restored a
// snapshot). The canonical form: user_version and application_id; every sqlite_master row ordered by
// (type, name); then every ordinary table (sqlite_sequence and virtual tables' shadow tables included,
// virtual tables themselves skipped) scanned NOT INDEXED, so in rowid or primary-key order, each
// value with its storage class.

#include <sqlite3.h>

#include <cstdint>

#include "base/result.h"
#include "store/sqlite_handle.h"

namespace rq::store {

[[nodiscard]] Result<std::uint64_t> database_content_hash(const Connection& connection);

}  // namespace rq::store
