#pragma once
// Prepared statements kept per SQLite connection, keyed by SQL text, so a text run again skips SQLite's
// parser and code generator (over a quarter of the simulator's time before the cache existed).
//
// A reused statement must behave exactly as a freshly prepared one would. SQLite re-prepares a stale
// statement by itself when it runs, but the store reads a statement's columns, its read-only flag and
// its prepare errors before running it, so the cache only hands out statements compiled against what a
// fresh prepare would see now:
// - User statements that change the schema or what else SQLite compiles against (those starting with
//   CREATE, DROP, ALTER, PRAGMA, ATTACH, DETACH, VACUUM, ANALYZE or REINDEX) are never kept, and giving
//   one back advances a SchemaEpoch shared by the connections of one database. A cache that sees its
//   epoch move drops every idle statement and brings its connection's copy of the schema up to date
//   before preparing anything. (A connection that only reads would otherwise keep an old copy until
//   it next runs a statement, and report the old columns of a table the writer altered.)
// - A statement SQLite marked expired (temporary schema changes, DETACH, flag pragmas, new functions or
//   collations, a rolled-back schema change) is prepared again.
// - While the schema cannot be loaded (a damaged database), nothing is cached or reused.
// A lent statement is out of the cache until given back; then it is reset, its bindings are cleared
// and its instruction counter zeroed (SQLite's progress handler counts instructions across runs), so
// nothing of one use reaches the next. The cache holds at most `capacity` idle statements, each of at
// most kept_sql_bytes_max bytes of text, and drops the least recently used.
//
// Only changes made through connections sharing the epoch are seen: nothing else may change the
// database while it is open (rqlited owns its file; the simulator's databases are in memory).
// Single-threaded, like the connection it belongs to.

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace rq::store {

class StatementCache;

namespace detail {
// A statement a StatementCache holds, idle or lent out.
struct CachedStatement {
    std::string sql;  // the key: the text handed to prepare(), from the statement to the text's end
    sqlite3_stmt* statement = nullptr;
    std::size_t consumed = 0;
    bool lent = false;
    bool dropped = false;  // cleared while lent: finalized when given back
};
using CachedStatements = std::list<CachedStatement>;
}  // namespace detail

// One prepared statement for one use: either owned (finalized when dropped) or lent by a
// StatementCache (given back when dropped). Move-only.
class PreparedStatement {
public:
    PreparedStatement() = default;
    explicit PreparedStatement(sqlite3_stmt* owned) : statement_(owned) {}
    PreparedStatement(PreparedStatement&& other) noexcept { take(other); }
    PreparedStatement& operator=(PreparedStatement&& other) noexcept;
    PreparedStatement(const PreparedStatement&) = delete;
    PreparedStatement& operator=(const PreparedStatement&) = delete;
    ~PreparedStatement() { release(); }

    [[nodiscard]] sqlite3_stmt* get() const { return statement_; }
    explicit operator bool() const { return statement_ != nullptr; }
    // Finalizes or gives back now.
    void release();

private:
    friend class StatementCache;
    void take(PreparedStatement& other) noexcept;

    sqlite3_stmt* statement_ = nullptr;
    StatementCache* lender_ = nullptr;  // set while lent: where to give it back
    bool cached_ = false;               // lent from the cache (at entry_), else lent for one use
    detail::CachedStatements::iterator entry_{};
    bool changes_schema_ = false;  // a one-use user statement that may change what SQLite compiles against
};

// Whose SQL a statement is. User SQL gets the rules in the file comment; the store's own SQL is kept as
// it is, its callers vouching that running it changes nothing SQLite compiles against.
enum class SqlOrigin : std::uint8_t { user, internal };

// Advanced whenever a statement that may change the schema (or connection state SQLite compiles
// against) has been used on one of the connections sharing it.
class SchemaEpoch {
public:
    [[nodiscard]] std::uint64_t value() const { return value_; }
    void advance() { ++value_; }

private:
    std::uint64_t value_ = 0;
};

struct StatementCacheStats {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;  // prepared by SQLite, whether kept afterwards or not
    std::uint64_t clears = 0;  // times every idle statement was dropped
    std::size_t idle = 0;      // statements held now
};

class StatementCache {
public:
    static constexpr std::size_t default_capacity = 64;
    // Longer texts are prepared for one use: a multi-megabyte INSERT is rarely run twice, and keeping
    // 64 of them would hold their text and program for nothing.
    static constexpr std::size_t kept_sql_bytes_max = 16 * 1024;

    // `db` must outlive the cache and not have prepared anything yet. Connections to the same database
    // share `epoch`.
    StatementCache(sqlite3* db, std::shared_ptr<SchemaEpoch> epoch, std::size_t capacity = default_capacity);
    ~StatementCache();  // no statement may still be lent out
    StatementCache(const StatementCache&) = delete;
    StatementCache& operator=(const StatementCache&) = delete;

    // The first SQL statement of `sql`, as sqlite3_prepare_v2 would make it: `rc` receives SQLite's code
    // and `consumed` how many bytes of `sql` the statement (with what precedes it) spans. Null with
    // SQLITE_OK when `sql` starts with only whitespace, comments or an empty statement. On an error
    // sqlite3_errmsg() describes it, as after a failed prepare.
    PreparedStatement prepare(std::string_view sql, SqlOrigin origin, int& rc, std::size_t& consumed);

    // Finalizes every idle statement; lent ones are finalized when given back.
    void clear();

    [[nodiscard]] StatementCacheStats stats() const;

private:
    friend class PreparedStatement;

    using Position = detail::CachedStatements::iterator;

    bool schema_is_current();
    bool refresh_schema();
    PreparedStatement lend(Position entry);
    PreparedStatement lend_once(sqlite3_stmt* statement, bool changes_schema);
    void give_back(PreparedStatement& lease);
    void evict_beyond_capacity();

    sqlite3* db_;
    std::size_t capacity_;
    // Most recently used first. A statement stays in place while lent (marked so), and a hit moves it to
    // the front, so using a cached statement allocates nothing.
    detail::CachedStatements entries_;
    std::unordered_map<std::string_view, Position> by_sql_;  // every entry not dropped, by its sql
    std::size_t lent_ = 0;  // statements lent out, cached or not
    std::shared_ptr<SchemaEpoch> schema_epoch_;
    std::optional<std::uint64_t> schema_epoch_seen_;  // unset: the schema could not be loaded
    sqlite3_stmt* schema_loader_ = nullptr;  // prepared on first use and kept for good
    StatementCacheStats stats_;
};

// Runs the store's own single-statement `sql` (BEGIN, COMMIT, ...) through `cache` to the end, rows
// ignored, as sqlite3_exec would: SQLite's code, with sqlite3_errmsg() describing a failure.
int run_internal(StatementCache& cache, std::string_view sql);

}  // namespace rq::store
