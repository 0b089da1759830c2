#include "store/sqlite_handle.h"

#include "base/assert.h"

namespace rq::store {

Error sqlite_error(sqlite3* db, int code, std::string_view context) {
    ErrorCode error_code = ErrorCode::internal;
    switch (code & 0xff) {
        case SQLITE_IOERR: error_code = ErrorCode::io; break;
        case SQLITE_FULL: error_code = ErrorCode::no_space; break;
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB: error_code = ErrorCode::corrupt; break;
        case SQLITE_CANTOPEN: error_code = ErrorCode::not_found; break;
        default: break;
    }
    const char* message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
    return Error(error_code, std::string(context) + ": " + message);
}

Result<Connection> Connection::open(const std::string& uri, int flags, std::shared_ptr<SchemaEpoch> schema_epoch) {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(uri.c_str(), &db, flags | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
    Connection connection(db);  // closes db on every path below
    if (rc != SQLITE_OK) return sqlite_error(db, rc, "open " + uri);
    sqlite3_extended_result_codes(db, 1);
    if (schema_epoch == nullptr) schema_epoch = std::make_shared<SchemaEpoch>();
    connection.statements_ = std::make_unique<StatementCache>(db, std::move(schema_epoch));
    return connection;
}

Connection& Connection::operator=(Connection&& other) noexcept {
    if (this != &other) {
        close();
        db_ = other.db_;
        statements_ = std::move(other.statements_);
        other.db_ = nullptr;
    }
    return *this;
}

void Connection::close() {
    statements_.reset();
    if (db_ != nullptr) {
        sqlite3_close_v2(db_);
        db_ = nullptr;
    }
}

Status Connection::exec(const std::string& sql) const {
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return sqlite_error(db_, rc, sql);
    return ok_status();
}

Result<PreparedStatement> Connection::prepare(std::string_view sql) const {
    sqlite3_stmt* statement = nullptr;
    const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &statement, nullptr);
    PreparedStatement owned(statement);
    if (rc != SQLITE_OK) return sqlite_error(db_, rc, std::string(sql));
    return owned;
}

StatementCache& Connection::statements() const {
    RQ_ASSERT(statements_ != nullptr, "statement cache of a closed connection");
    return *statements_;
}

Result<std::string> Connection::query_text(const std::string& sql) const {
    auto statement = prepare(sql);
    if (!statement.ok()) return statement.error();
    const int rc = sqlite3_step(statement->get());
    if (rc == SQLITE_DONE) return std::string();
    if (rc != SQLITE_ROW) return sqlite_error(db_, rc, sql);
    const unsigned char* text = sqlite3_column_text(statement->get(), 0);
    return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text));
}

}  // namespace rq::store
