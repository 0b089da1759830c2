#include "store/statement_cache.h"

#include <array>
#include <utility>

#include "base/assert.h"
#include "store/sql_lexer.h"  // equals_ignoring_case

namespace rq::store {
namespace {

// First keywords of statements that may change the schema, or what else SQLite compiles against
// (pragma flags, attached databases, statistics) without always moving the schema cookie.
constexpr std::array<std::string_view, 9> schema_changing_keywords = {
    "CREATE", "DROP", "ALTER", "PRAGMA", "ATTACH", "DETACH", "VACUUM", "ANALYZE", "REINDEX"};

// Any statement that reads the schema table: stepping it makes SQLite compare its copy of the schema
// with the database's schema cookie and reload it when they differ.
constexpr const char* schema_loader_sql = "SELECT 1 FROM sqlite_schema LIMIT 0";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }
bool is_word_character(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// The statement's first word after whitespace, comments and empty statements (empty if it starts with
// anything else).
std::string_view first_word(std::string_view sql) {
    std::size_t i = 0;
    while (i < sql.size()) {
        if (is_space(sql[i]) || sql[i] == ';') {
            ++i;
        } else if (sql.substr(i, 2) == "--") {
            const std::size_t end = sql.find('\n', i);
            i = end == std::string_view::npos ? sql.size() : end + 1;
        } else if (sql.substr(i, 2) == "/*") {
            const std::size_t end = sql.find("*/", i + 2);
            i = end == std::string_view::npos ? sql.size() : end + 2;
        } else {
            break;
        }
    }
    std::size_t end = i;
    while (end < sql.size() && is_word_character(sql[end])) ++end;
    return sql.substr(i, end - i);
}

bool may_change_schema(const char* statement_sql) {
    if (statement_sql == nullptr) return true;
    const std::string_view word = first_word(statement_sql);
    if (word.empty()) return true;  // no statement starts so: assume the worst
    for (std::string_view keyword : schema_changing_keywords) {
        if (equals_ignoring_case(word, keyword)) return true;
    }
    return false;
}

// Leaves a statement as a fresh one: not running, no bindings, instruction counter at zero.
void make_like_new(sqlite3_stmt* statement) {
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
    sqlite3_stmt_status(statement, SQLITE_STMTSTATUS_VM_STEP, 1);
}

}  // namespace

// ---- PreparedStatement ---------------------------------------------------------------------------

PreparedStatement& PreparedStatement::operator=(PreparedStatement&& other) noexcept {
    if (this != &other) {
        release();
        take(other);
    }
    return *this;
}

void PreparedStatement::take(PreparedStatement& other) noexcept {
    statement_ = std::exchange(other.statement_, nullptr);
    lender_ = std::exchange(other.lender_, nullptr);
    cached_ = other.cached_;
    entry_ = other.entry_;
    changes_schema_ = other.changes_schema_;
}

void PreparedStatement::release() {
    if (statement_ == nullptr) return;
    if (lender_ != nullptr) {
        lender_->give_back(*this);
    } else {
        sqlite3_finalize(statement_);
    }
    statement_ = nullptr;
    lender_ = nullptr;
}

// ---- StatementCache ------------------------------------------------------------------------------

StatementCache::StatementCache(sqlite3* db, std::shared_ptr<SchemaEpoch> epoch, std::size_t capacity)
    : db_(db), capacity_(capacity), schema_epoch_(std::move(epoch)) {
    RQ_ASSERT(schema_epoch_ != nullptr, "statement cache without a schema epoch");
    // A new connection has no copy of the schema yet: its first prepare reads the current one.
    schema_epoch_seen_ = schema_epoch_->value();
}

StatementCache::~StatementCache() {
    RQ_ASSERT(lent_ == 0, "statement cache destroyed with statements lent out", lent_);
    clear();
    sqlite3_finalize(schema_loader_);
}

PreparedStatement StatementCache::prepare(std::string_view sql, SqlOrigin origin, int& rc, std::size_t& consumed) {
    const bool cacheable = schema_is_current();
    bool key_taken = false;  // by a statement lent out now: this use gets one of its own
    if (cacheable) {
        if (auto found = by_sql_.find(sql); found != by_sql_.end()) {
            const Position entry = found->second;
            if (entry->lent) {
                key_taken = true;
            } else if (sqlite3_expired(entry->statement) == 0) {
                ++stats_.hits;
                rc = SQLITE_OK;
                consumed = entry->consumed;
                entries_.splice(entries_.begin(), entries_, entry);
                return lend(entry);
            } else {
                by_sql_.erase(found);
                sqlite3_finalize(entry->statement);
                entries_.erase(entry);
            }
        }
    }
    ++stats_.misses;
    sqlite3_stmt* statement = nullptr;
    const char* tail = nullptr;
    const unsigned int flags = cacheable ? SQLITE_PREPARE_PERSISTENT : 0;
    rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), flags, &statement, &tail);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(statement);
        consumed = 0;
        return {};
    }
    consumed = static_cast<std::size_t>(tail - sql.data());
    if (statement == nullptr || !cacheable) return PreparedStatement(statement);
    if (origin == SqlOrigin::user && may_change_schema(sqlite3_sql(statement))) return lend_once(statement, true);
    if (key_taken || sql.size() > kept_sql_bytes_max) return lend_once(statement, false);
    entries_.push_front(detail::CachedStatement{std::string(sql), statement, consumed});
    by_sql_.emplace(entries_.front().sql, entries_.begin());
    PreparedStatement lease = lend(entries_.begin());
    evict_beyond_capacity();
    return lease;
}

void StatementCache::clear() {
    for (auto position = entries_.begin(); position != entries_.end();) {
        if (position->lent) {
            position->dropped = true;
            ++position;
        } else {
            sqlite3_finalize(position->statement);
            position = entries_.erase(position);
        }
    }
    by_sql_.clear();
    ++stats_.clears;
}

StatementCacheStats StatementCache::stats() const {
    StatementCacheStats out = stats_;
    for (const detail::CachedStatement& entry : entries_) out.idle += entry.lent ? 0 : 1;
    return out;
}

// True when cached statements match what a fresh prepare would make now (see the file comment).
bool StatementCache::schema_is_current() {
    if (schema_epoch_seen_ == schema_epoch_->value()) return true;
    clear();
    schema_epoch_seen_.reset();
    if (!refresh_schema()) return false;
    schema_epoch_seen_ = schema_epoch_->value();
    return true;
}

bool StatementCache::refresh_schema() {
    if (schema_loader_ == nullptr) {
        if (sqlite3_prepare_v3(db_, schema_loader_sql, -1, SQLITE_PREPARE_PERSISTENT, &schema_loader_, nullptr) !=
            SQLITE_OK) {
            sqlite3_finalize(schema_loader_);
            schema_loader_ = nullptr;
            return false;
        }
    }
    const int rc = sqlite3_step(schema_loader_);
    make_like_new(schema_loader_);
    return rc == SQLITE_DONE || rc == SQLITE_ROW;
}

PreparedStatement StatementCache::lend(Position entry) {
    entry->lent = true;
    ++lent_;
    PreparedStatement lease(entry->statement);
    lease.lender_ = this;
    lease.cached_ = true;
    lease.entry_ = entry;
    return lease;
}

PreparedStatement StatementCache::lend_once(sqlite3_stmt* statement, bool changes_schema) {
    ++lent_;
    PreparedStatement lease(statement);
    lease.lender_ = this;
    lease.changes_schema_ = changes_schema;
    return lease;
}

void StatementCache::give_back(PreparedStatement& lease) {
    RQ_ASSERT(lent_ > 0, "statement given back to a cache that lent none");
    --lent_;
    if (!lease.cached_) {
        sqlite3_finalize(lease.statement_);
        if (lease.changes_schema_) schema_epoch_->advance();  // every cache sharing it starts afresh
        return;
    }
    const Position entry = lease.entry_;
    make_like_new(entry->statement);
    entry->lent = false;
    if (entry->dropped) {
        sqlite3_finalize(entry->statement);
        entries_.erase(entry);
    }
}

// Drops the least recently used idle statements while more than `capacity_` are held.
void StatementCache::evict_beyond_capacity() {
    for (auto position = entries_.end(); entries_.size() > capacity_ && position != entries_.begin();) {
        --position;
        if (position->lent) continue;
        by_sql_.erase(position->sql);
        sqlite3_finalize(position->statement);
        position = entries_.erase(position);  // the next one: the loop steps back from it
    }
}

int run_internal(StatementCache& cache, std::string_view sql) {
    int rc = SQLITE_OK;
    std::size_t consumed = 0;
    PreparedStatement statement = cache.prepare(sql, SqlOrigin::internal, rc, consumed);
    if (rc != SQLITE_OK || !statement) return rc;
    do {
        rc = sqlite3_step(statement.get());
    } while (rc == SQLITE_ROW);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

}  // namespace rq::store
