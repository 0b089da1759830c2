#pragma once
// The record a clean shutdown leaves beside an on-disk database (`<db>.clean`), the only thing that
// lets a restart reuse the file instead of rebuilding it from snapshot and log (rqlite's rule).
//
// It holds the applied index and the size and hash of the database file as it was closed (the WAL
// checkpointed away and the file fsynced first). A restart trusts the file only if the record is
// intact, the file matches it, and no non-empty WAL sits beside it; the record is deleted before the
// reopened database can change, so a later crash can never leave a stale record behind.

#include <cstdint>
#include <optional>
#include <string>

#include "base/result.h"
#include "raft/types.h"

namespace rq::store {

[[nodiscard]] std::string clean_marker_path(const std::string& database_path);

// Fsyncs the database file, then writes the record through a temporary file, fsync, rename and a
// directory fsync. The database must be closed and its WAL checkpointed away.
Status write_clean_marker(const std::string& database_path, raft::Index applied_index);

// The applied index of a database file that a clean shutdown left and nothing touched since;
// nullopt when there is no valid record or the file does not match it.
[[nodiscard]] std::optional<raft::Index> read_clean_marker(const std::string& database_path);

// Removes the record (if any) and fsyncs the directory.
Status remove_clean_marker(const std::string& database_path);

// Removes the database file and its -wal, -shm and .clean companions.
Status remove_database_files(const std::string& database_path);

}  // namespace rq::store
