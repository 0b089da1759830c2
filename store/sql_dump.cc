#include "store/sql_dump.h"

#include "store/sqlite_handle.h"

namespace rq::store {
namespace {

std::string double_quotes_doubled(const std::string& name) {
    std::string out;
    for (char c : name) {
        out += c;
        if (c == '"') out += '"';
    }
    return out;
}

// Runs `sql` with `tables` bound to ?1..?N and calls `row` for each result row.
Status for_each_row(sqlite3* db, const std::string& sql, const std::vector<std::string>& tables,
                    const std::function<Status(sqlite3_stmt*)>& row) {
    sqlite3_stmt* raw = nullptr;
    const int prepared = sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr);
    PreparedStatement statement(raw);
    if (prepared != SQLITE_OK) return sqlite_error(db, prepared, "dump");
    for (std::size_t i = 0; i < tables.size(); ++i) {
        sqlite3_bind_text64(statement.get(), static_cast<int>(i + 1), tables[i].data(), tables[i].size(),
                            SQLITE_STATIC, SQLITE_UTF8);
    }
    for (;;) {
        const int rc = sqlite3_step(statement.get());
        if (rc == SQLITE_DONE) return ok_status();
        if (rc != SQLITE_ROW) return sqlite_error(db, rc, "dump");
        RQ_TRY_STATUS(row(statement.get()), "dump");
    }
}

std::string text_column(sqlite3_stmt* statement, int column) {
    const unsigned char* text = sqlite3_column_text(statement, column);
    return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text));
}

// " AND <column> IN (?1, ..., ?N)" for a table filter, or nothing.
std::string table_filter(const char* column, std::size_t count) {
    if (count == 0) return "";
    std::string filter = std::string(" AND ") + column + " IN (";
    for (std::size_t i = 0; i < count; ++i) filter += (i > 0 ? ", ?" : "?") + std::to_string(i + 1);
    return filter + ")";
}

Status dump_rows(sqlite3* db, const std::string& table, const DumpWriter& write) {
    const std::string quoted = double_quotes_doubled(table);
    std::string values;
    RQ_TRY_STATUS(for_each_row(db, "PRAGMA table_info(\"" + quoted + "\")", {},
                               [&](sqlite3_stmt* column) {
                                   values += values.empty() ? "" : ",";
                                   values += "'||quote(\"" + double_quotes_doubled(text_column(column, 1)) + "\")||'";
                                   return ok_status();
                               }),
                  "columns of " + table);
    const std::string select =
        "SELECT 'INSERT INTO \"" + quoted + "\" VALUES(" + values + ")' FROM \"" + quoted + "\";";
    return for_each_row(db, select, {}, [&](sqlite3_stmt* row) { return write(text_column(row, 0) + ";\n"); });
}

Status dump_tables(sqlite3* db, const std::vector<std::string>& tables, const DumpWriter& write) {
    const std::string sql = "SELECT \"name\", \"type\", \"sql\" FROM \"sqlite_master\" WHERE \"sql\" NOT NULL AND "
                            "\"type\" == 'table'" +
                            table_filter("\"name\"", tables.size()) + " ORDER BY \"name\"";
    std::vector<std::pair<std::string, std::string>> found;  // name, statement to write
    RQ_TRY_STATUS(for_each_row(db, sql, tables,
                               [&](sqlite3_stmt* row) {
                                   const std::string name = text_column(row, 0);
                                   if (name == "sqlite_sequence") {
                                       found.emplace_back(name, "DELETE FROM \"sqlite_sequence\"");
                                   } else if (name == "sqlite_stat1") {
                                       found.emplace_back(name, "ANALYZE \"sqlite_master\"");
                                   } else if (name.rfind("sqlite_", 0) != 0) {
                                       found.emplace_back(name, text_column(row, 2));
                                   }
                                   return ok_status();
                               }),
                  "tables");
    for (const auto& [name, statement] : found) {
        RQ_TRY_STATUS(write(statement + ";\n"), "dump");
        RQ_TRY_STATUS(dump_rows(db, name, write), "rows of " + name);
    }
    return ok_status();
}

Status dump_in_transaction(sqlite3* db, const std::vector<std::string>& tables, const DumpWriter& write) {
    RQ_TRY_STATUS(write("PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n"), "dump");
    RQ_TRY_STATUS(dump_tables(db, tables, write), "dump");
    const std::string others = "SELECT \"name\", \"type\", \"sql\" FROM \"sqlite_master\" WHERE \"sql\" NOT NULL AND "
                               "\"type\" IN ('index', 'trigger', 'view')" +
                               table_filter("\"tbl_name\"", tables.size());
    RQ_TRY_STATUS(for_each_row(db, others, tables, [&](sqlite3_stmt* row) { return write(text_column(row, 2) + ";\n"); }),
                  "indexes, triggers and views");
    return write("COMMIT;\n");
}

}  // namespace

Status dump_sql(sqlite3* db, const std::vector<std::string>& tables, const DumpWriter& write) {
    if (sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) {
        return sqlite_error(db, sqlite3_errcode(db), "dump: BEGIN");
    }
    Status status = dump_in_transaction(db, tables, write);
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return status;
}

}  // namespace rq::store
