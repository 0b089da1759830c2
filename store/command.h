#pragma once
// The replicated commands: what a Raft log entry asks the SQLite state machine to do. Plain values
// here; command.capnp defines their bytes, and encode_command / decode_command convert.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "env/clock.h"
#include "store/value.h"

namespace rq::store {

// A statement parameter. An empty name means positional (`?`, `?NNN`, consumed left to right);
// a non-empty name binds to `:name`, `@name` and `$name`.
struct Parameter {
    std::string name;
    Value value;
    bool operator==(const Parameter&) const = default;
};

struct Statement {
    // One SQL text; it may hold several `;`-separated statements (API.md §3.6).
    std::string sql;
    std::vector<Parameter> parameters;
    // Return rows even on the execute path (rqlite sets it for statements with a RETURNING clause).
    // The store also detects RETURNING by itself: a statement that writes and yields columns.
    bool force_query = false;
    bool operator==(const Statement&) const = default;
};

// rqlite's Request: an ordered batch of statements and how to run it.
struct StatementBatch {
    std::vector<Statement> statements;
    // BEGIN ... COMMIT around the batch; the first failure rolls back and stops (API.md §3.5).
    bool transaction = false;
    // /db/load of SQL text: on the first failure issue ROLLBACK (undoing the text's own BEGIN) and stop.
    bool rollback_on_error = false;
    // Deadline for the whole batch, measured from its start (`db_timeout`); zero means none.
    env::Duration db_timeout{0};
    // `qualify_columns`: row-set columns are named table.column where the column comes from a table.
    bool qualify_columns = false;
    bool operator==(const StatementBatch&) const = default;
};

enum class CommandKind : std::uint8_t {
    noop = 0,
    execute = 1,  // /db/execute: every statement runs as a write (RETURNING statements yield rows)
    query = 2,    // /db/query at level strong: read-only statements through the log
    request = 3,  // /db/request: each statement classified as a read or a write when applied
    load = 4,     // /db/load of a SQLite image: replace the whole database
};

struct Command {
    CommandKind kind = CommandKind::noop;
    // Wall-clock time on the proposing node when it was proposed. Every replica's SQLite sees this
    // as "now" while applying the command, so 'now' that escaped rewriting (noparse, defaults such as
    // DEFAULT CURRENT_TIMESTAMP) still evaluates identically everywhere.
    env::Duration unix_time{0};
    StatementBatch batch;         // execute, query, request
    std::string database_image;   // load: the SQLite file bytes
    bool operator==(const Command&) const = default;
};

// Limits on what decode_command accepts. A committed entry is never larger than the Raft layer's own
// entry limit; these bound the work a hostile or corrupt byte string can cause.
inline constexpr std::size_t command_bytes_max = std::size_t{1} << 30;
inline constexpr unsigned command_nesting_max = 16;

// The command's bytes: a flat Cap'n Proto message (segment table + segments).
[[nodiscard]] std::string encode_command(const Command& command);

// Any byte string either decodes or yields an ErrorCode::corrupt error; it never crashes or throws.
[[nodiscard]] Result<Command> decode_command(std::string_view bytes);

}  // namespace rq::store
