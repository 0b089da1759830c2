#include "store/content_hash.h"

#include <cstring>
#include <string>
#include <vector>

#include "store/fnv_hash.h"
#include "store/sqlite_handle.h"

namespace rq::store {
namespace {

std::string quoted_identifier(const std::string& name) {
    std::string out = "\"";
    for (char c : name) {
        out += c;
        if (c == '"') out += '"';
    }
    return out + "\"";
}

// The store's own statements, read-only, kept in the connection's cache: the oracle hashes every
// replica after most steps of the simulator.
Result<PreparedStatement> prepare(const Connection& connection, const std::string& sql) {
    int rc = SQLITE_OK;
    std::size_t consumed = 0;
    PreparedStatement statement = connection.statements().prepare(sql, SqlOrigin::internal, rc, consumed);
    if (rc != SQLITE_OK) return sqlite_error(connection.get(), rc, sql);
    if (!statement) return Error(ErrorCode::internal, "content hash: no statement in " + sql);
    return statement;
}

void add_cell(FnvHash& hash, sqlite3_stmt* statement, int column) {
    const int type = sqlite3_column_type(statement, column);
    hash.add_u64(static_cast<std::uint64_t>(type));
    switch (type) {
        case SQLITE_INTEGER: hash.add_u64(static_cast<std::uint64_t>(sqlite3_column_int64(statement, column))); break;
        case SQLITE_FLOAT: {
            const double value = sqlite3_column_double(statement, column);
            std::uint64_t bits = 0;
            std::memcpy(&bits, &value, sizeof bits);
            hash.add_u64(bits);
            break;
        }
        case SQLITE_TEXT:
        case SQLITE_BLOB: {
            const void* data = type == SQLITE_TEXT ? static_cast<const void*>(sqlite3_column_text(statement, column))
                                                   : sqlite3_column_blob(statement, column);
            const auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement, column));
            hash.add_u64(size);
            if (size > 0) hash.add_bytes(data, size);
            break;
        }
        default: break;  // NULL: the type says it all
    }
}

// Hashes every row of `sql`; returns the number of rows.
Result<std::uint64_t> add_rows(FnvHash& hash, const Connection& connection, const std::string& sql) {
    sqlite3* db = connection.get();
    auto statement = prepare(connection, sql);
    if (!statement.ok()) return statement.error();
    const int width = sqlite3_column_count(statement->get());
    std::uint64_t rows = 0;
    for (;;) {
        const int rc = sqlite3_step(statement->get());
        if (rc == SQLITE_DONE) break;
        if (rc != SQLITE_ROW) return sqlite_error(db, rc, sql);
        for (int column = 0; column < width; ++column) add_cell(hash, statement->get(), column);
        ++rows;
    }
    hash.add_u64(rows);
    return rows;
}

Result<std::vector<std::string>> ordinary_tables(const Connection& connection) {
    sqlite3* db = connection.get();
    const std::string sql =
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name";
    auto statement = prepare(connection, sql);
    if (!statement.ok()) return statement.error();
    std::vector<std::string> names;
    for (;;) {
        const int rc = sqlite3_step(statement->get());
        if (rc == SQLITE_DONE) return names;
        if (rc != SQLITE_ROW) return sqlite_error(db, rc, sql);
        names.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(statement->get(), 0)));
    }
}

Result<std::uint64_t> hash_in_read_transaction(const Connection& connection) {
    FnvHash hash;
    for (const char* sql : {"PRAGMA user_version", "PRAGMA application_id",
                            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"}) {
        auto rows = add_rows(hash, connection, sql);
        if (!rows.ok()) return rows.error();
    }
    auto tables = ordinary_tables(connection);
    if (!tables.ok()) return tables.error();
    for (const std::string& table : *tables) {
        hash.add_string(table);
        auto rows = add_rows(hash, connection, "SELECT * FROM " + quoted_identifier(table) + " NOT INDEXED");
        if (!rows.ok()) return rows.error();
    }
    return hash.digest();
}

}  // namespace

Result<std::uint64_t> database_content_hash(const Connection& connection) {
    sqlite3* db = connection.get();
    // One read transaction, so the schema and every table come from the same moment.
    if (run_internal(connection.statements(), "BEGIN") != SQLITE_OK) {
        return sqlite_error(db, sqlite3_errcode(db), "content hash: BEGIN");
    }
    Result<std::uint64_t> digest = hash_in_read_transaction(connection);
    run_internal(connection.statements(), "ROLLBACK");
    if (!digest.ok()) return digest.error().with_context("content hash");
    return digest;
}

}  // namespace rq::store
