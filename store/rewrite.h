#pragma once
// Non-deterministic SQL rewriting (API.md §8), done on the leader before a batch is proposed, so
// that every replica applies the same literal values.
//
// Rewritten, outside string literals, quoted identifiers and comments:
//   RANDOM()                      -> a random signed 64-bit integer literal, one per call site
//   RANDOMBLOB(N), N an integer   -> x'...' holding max(N, 1) random bytes (N up to a limit)
//   date|time|datetime|julianday|unixepoch('now', ...)   -> the first argument becomes the current
//   strftime(fmt, 'now', ...), timediff(...'now'...)        time as a Julian day number literal
//   CURRENT_TIMESTAMP, CURRENT_DATE, CURRENT_TIME            -> '2024-05-06 07:08:09' style text
// Not rewritten (by design):
//   - RANDOM()/RANDOMBLOB() inside ORDER BY terms (a literal there would change the meaning);
//   - statements that start with CREATE or ALTER: a DEFAULT, trigger body or view keeps its 'now'
//     and RANDOM() for later evaluation instead of freezing the proposal-time value into the schema.
// Whatever is left is still applied deterministically: while a command is applied, SQLite's "now" is
// the command's timestamp and random()/randomblob() draw from a generator seeded by the Raft index
// (see store.h). Rewriting keeps the stored statements meaningful and matches rqlite's semantics.
//
// Unlike rqlite, the statement is not re-serialised: only the rewritten tokens change, the rest of
// the text is kept byte for byte. Same inputs (text, options, time, generator state) give the same
// output bytes.

#include <cstdint>
#include <string>
#include <string_view>

#include "base/random.h"
#include "env/clock.h"
#include "store/command.h"

namespace rq::store {

struct RewriteOptions {
    bool rewrite_random = true;  // false with `norwrandom`
    bool rewrite_time = true;    // false with `norwtime`
    // `noparse` means: do not call the rewriter at all.
};

// randomblob(N) with a larger N is left for the apply-time generator: a literal would be 2N bytes of
// SQL text in the log for every replica to parse.
inline constexpr std::int64_t randomblob_rewrite_bytes_max = 64 * 1024;

// `unix_now` is the wall-clock time to freeze (env::Clock::unix_now() on the leader); `random`
// supplies RANDOM() and RANDOMBLOB() values. Returns `sql` unchanged when nothing applies.
[[nodiscard]] std::string rewrite_sql(std::string_view sql, const RewriteOptions& options, env::Duration unix_now,
                                      Random& random);

// Rewrites every statement of `batch` in place, all with the same `unix_now`.
void rewrite_batch(StatementBatch& batch, const RewriteOptions& options, env::Duration unix_now, Random& random);

// The literal that replaces 'now': the Julian day number of `unix_now` with nine decimals, which
// SQLite reads back to the exact millisecond it would itself have used for 'now'.
[[nodiscard]] std::string julian_day_literal(env::Duration unix_now);

}  // namespace rq::store
