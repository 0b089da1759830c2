#include "store/batch_runner.h"

#include <string>
#include <vector>

#include "store/column_values.h"
#include "store/sqlite_handle.h"

namespace rq::store {
namespace {

// SQLite calls the progress handler every this many virtual machine instructions while a deadline is
// set; each call reads the clock once.
constexpr int progress_instructions_per_check = 1000;

std::string lower_ascii(const char* text) {
    std::string out = text == nullptr ? "" : text;
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

bool is_read_only(sqlite3_stmt* statement) {
    return sqlite3_stmt_readonly(statement) != 0 || sqlite3_stmt_isexplain(statement) > 0;
}

int bind_value(sqlite3_stmt* statement, int index, const Value& value) {
    return std::visit(
        [&](const auto& v) -> int {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
                return sqlite3_bind_null(statement, index);
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
                return sqlite3_bind_int64(statement, index, v);
            } else if constexpr (std::is_same_v<T, double>) {
                return sqlite3_bind_double(statement, index, v);
            } else if constexpr (std::is_same_v<T, bool>) {
                return sqlite3_bind_int(statement, index, v ? 1 : 0);
            } else if constexpr (std::is_same_v<T, std::string>) {
                // data() is never null, so "" binds an empty text rather than NULL. The parameter
                // outlives the statement's execution, so SQLite need not copy it.
                return sqlite3_bind_text64(statement, index, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8);
            } else {
                return sqlite3_bind_blob64(statement, index, v.bytes.data(), v.bytes.size(), SQLITE_STATIC);
            }
        },
        value);
}

// The parameters of one Statement, shared by the SQL statements its text holds: positional ones are
// consumed left to right, named ones bind wherever their name appears.
class ParameterSource {
public:
    explicit ParameterSource(const std::vector<Parameter>& parameters) : parameters_(parameters) {
        for (std::size_t i = 0; i < parameters.size(); ++i) {
            if (parameters[i].name.empty()) positional_.push_back(i);
        }
    }

    // Binds `statement`'s parameters; on failure returns the error text.
    std::optional<std::string> bind(sqlite3_stmt* statement) {
        const int count = sqlite3_bind_parameter_count(statement);
        std::size_t wanted = 0;
        for (int index = 1; index <= count; ++index) {
            const char* name = sqlite3_bind_parameter_name(statement, index);
            if (name == nullptr || name[0] == '?') ++wanted;
        }
        const std::size_t available = positional_.size() - next_positional_;
        if (wanted > available) {
            // The Go driver's message, which rqlite passes through.
            return "not enough args to execute query: want " + std::to_string(wanted) + " got " +
                   std::to_string(available);
        }
        for (int index = 1; index <= count; ++index) {
            const char* name = sqlite3_bind_parameter_name(statement, index);
            const Parameter* parameter = nullptr;
            if (name == nullptr || name[0] == '?') {
                parameter = &parameters_[positional_[next_positional_++]];
            } else {
                parameter = find_named(name + 1);  // skip the ':', '@' or '$'
            }
            if (parameter == nullptr) continue;  // an unbound name stays NULL
            const int rc = bind_value(statement, index, parameter->value);
            if (rc != SQLITE_OK) return std::string(sqlite3_errstr(rc));
        }
        return std::nullopt;
    }

private:
    [[nodiscard]] const Parameter* find_named(std::string_view name) const {
        for (const Parameter& parameter : parameters_) {
            if (!parameter.name.empty() && parameter.name == name) return &parameter;
        }
        return nullptr;
    }

    const std::vector<Parameter>& parameters_;
    std::vector<std::size_t> positional_;
    std::size_t next_positional_ = 0;
};

// Walks the SQL statements of one text in order, preparing each only when the previous one has run
// (a later statement may use a table an earlier one creates).
class SqlCursor {
public:
    SqlCursor(StatementCache& statements, std::string_view sql) : statements_(statements), remaining_(sql) {}

    // The next statement; null when only whitespace or comments remain. rc receives SQLite's code.
    PreparedStatement next(int& rc) {
        while (!remaining_.empty()) {
            std::size_t consumed = 0;
            PreparedStatement statement = statements_.prepare(remaining_, SqlOrigin::user, rc, consumed);
            if (rc != SQLITE_OK) return {};
            // A NUL byte ends SQLite's input: nothing after it can be parsed.
            remaining_ = consumed == 0 ? std::string_view{} : remaining_.substr(consumed);
            if (statement) return statement;
        }
        rc = SQLITE_OK;
        return {};
    }

private:
    StatementCache& statements_;
    std::string_view remaining_;
};

// Whether every statement of `sql` is read-only. A statement that fails to prepare makes the answer
// "no" except for the first, whose failure is reported as the error instead.
struct Classification {
    bool read_only = true;
    std::optional<std::string> error;
};

Classification classify(StatementCache& statements, sqlite3* db, std::string_view sql) {
    Classification result;
    SqlCursor cursor(statements, sql);
    bool first = true;
    for (;;) {
        int rc = SQLITE_OK;
        PreparedStatement statement = cursor.next(rc);
        if (rc != SQLITE_OK) {
            if (first) result.error = sqlite3_errmsg(db);
            result.read_only = false;
            return result;
        }
        if (!statement) return result;
        if (!is_read_only(statement.get())) {
            result.read_only = false;
            return result;
        }
        first = false;
    }
}

}  // namespace

bool is_read_only_sql(const Connection& connection, std::string_view sql) {
    return classify(connection.statements(), connection.get(), sql).read_only;
}

// Runs one Statement (one SQL text) down the execute or the query path.
class BatchRunner::StatementRun {
public:
    StatementRun(BatchRunner& runner, const Statement& statement, bool query_path, bool qualify_columns)
        : runner_(runner),
          statement_(statement),
          query_path_(query_path),
          qualify_columns_(qualify_columns),
          parameters_(statement.parameters) {
        result_.kind = query_path ? StatementResult::Kind::rows : StatementResult::Kind::execute;
    }

    StatementResult run() {
        sqlite3* db = runner_.db_;
        SqlCursor cursor(runner_.statements_, statement_.sql);
        bool last_returned_rows = false;
        for (;;) {
            if (runner_.deadline_passed()) return fail(timeout_message());
            int rc = SQLITE_OK;
            PreparedStatement prepared = cursor.next(rc);
            if (rc != SQLITE_OK) return fail_sqlite(rc);
            if (!prepared) break;
            if (auto bind_error = parameters_.bind(prepared.get())) return fail(*bind_error);
            // The query path returns the rows of the last statement; the execute path only when the
            // statement writes and yields columns (RETURNING), or when asked to.
            const bool has_columns = sqlite3_column_count(prepared.get()) > 0;
            last_returned_rows = query_path_ || (has_columns && (statement_.force_query || !is_read_only(prepared.get())));
            if (!step_all(prepared.get(), last_returned_rows)) return std::move(result_);
        }
        if (last_returned_rows || query_path_) {
            result_.kind = StatementResult::Kind::rows;
            return std::move(result_);
        }
        // Connection-level values, as rqlite reads them: DDL after DML reports the DML's.
        StatementResult executed;
        executed.kind = StatementResult::Kind::execute;
        executed.last_insert_id = sqlite3_last_insert_rowid(db);
        executed.rows_affected = sqlite3_changes64(db);
        return executed;
    }

private:
    [[nodiscard]] std::string_view timeout_message() const {
        return query_path_ ? query_timeout_message : execute_timeout_message;
    }

    StatementResult fail(std::string_view message) {
        StatementResult failed;
        failed.kind = result_.kind;
        failed.error = std::string(message);
        return failed;
    }

    StatementResult fail_sqlite(int rc) {
        if ((rc & 0xff) == SQLITE_INTERRUPT && runner_.deadline_passed()) return fail(timeout_message());
        return fail(sqlite3_errmsg(runner_.db_));
    }

    // Describes the columns of a statement whose rows are kept (replacing an earlier statement's).
    void start_rows(sqlite3_stmt* statement) {
        const int count = sqlite3_column_count(statement);
        result_.columns.clear();
        result_.types.clear();
        result_.values.clear();
        result_.row_count = 0;
        conversions_.clear();
        for (int i = 0; i < count; ++i) {
            result_.columns.emplace_back(sqlite3_column_name(statement, i));
            const char* table = qualify_columns_ ? sqlite3_column_table_name(statement, i) : nullptr;
            if (table != nullptr && table[0] != '\0') result_.columns.back().insert(0, std::string(table) + ".");
            result_.types.push_back(lower_ascii(sqlite3_column_decltype(statement, i)));
            conversions_.push_back(conversion_for(result_.types.back()));
        }
    }

    // Steps to completion; keeps the rows if asked. False (with result_ set) on failure.
    bool step_all(sqlite3_stmt* statement, bool keep_rows) {
        if (keep_rows) start_rows(statement);
        for (;;) {
            const int rc = sqlite3_step(statement);
            if (rc == SQLITE_DONE) return true;
            if (rc != SQLITE_ROW) {
                result_ = fail_sqlite(rc);
                return false;
            }
            if (keep_rows && !append_row(statement)) return false;
        }
    }

    bool append_row(sqlite3_stmt* statement) {
        const std::size_t width = result_.columns.size();
        for (std::size_t i = 0; i < width; ++i) {
            Result<Value> cell = read_cell(statement, static_cast<int>(i), conversions_[i]);
            if (!cell.ok()) {
                result_ = fail(cell.error().message());
                return false;
            }
            // Columns without a declared type take the type of the first row's value.
            if (result_.row_count == 0 && result_.types[i].empty()) result_.types[i] = derived_type_name(*cell);
            result_.values.push_back(std::move(cell).value());
        }
        ++result_.row_count;
        return true;
    }

    BatchRunner& runner_;
    const Statement& statement_;
    bool query_path_;
    bool qualify_columns_;
    ParameterSource parameters_;
    StatementResult result_;
    std::vector<ColumnConversion> conversions_;
};

bool BatchRunner::deadline_passed() const { return deadline_ && clock_.monotonic_now() >= *deadline_; }

int BatchRunner::on_progress(void* self) { return static_cast<BatchRunner*>(self)->deadline_passed() ? 1 : 0; }

StatementResult BatchRunner::run_statement(const Statement& statement, RunMode mode, bool qualify_columns) {
    bool query_path = mode == RunMode::query;
    if (mode != RunMode::execute) {
        const Classification classification = classify(statements_, db_, statement.sql);
        if (classification.error) {
            StatementResult failed;
            failed.kind = mode == RunMode::query ? StatementResult::Kind::rows : StatementResult::Kind::execute;
            failed.error = *classification.error;
            return failed;
        }
        if (mode == RunMode::query && !classification.read_only) {
            StatementResult refused;
            refused.kind = StatementResult::Kind::rows;
            refused.error = std::string(query_write_attempt_message);
            return refused;
        }
        query_path = classification.read_only;
    }
    return StatementRun(*this, statement, query_path, qualify_columns).run();
}

void BatchRunner::end_open_transaction() {
    // A transaction never outlives its batch: on the write connection it would span log entries, on a
    // read connection it would pin an old snapshot.
    if (sqlite3_get_autocommit(db_) == 0) run_internal(statements_, "ROLLBACK");
}

BatchResult BatchRunner::run(const StatementBatch& batch, RunMode mode, bool enforce_timeout) {
    BatchResult out;
    const env::Duration start = clock_.monotonic_now();
    deadline_.reset();
    if (enforce_timeout && batch.db_timeout > env::Duration::zero()) {
        deadline_ = start + batch.db_timeout;
        sqlite3_progress_handler(db_, progress_instructions_per_check, &BatchRunner::on_progress, this);
    }
    // Queries never stop at a failed statement; writes do inside a transaction (API.md §3.5).
    const bool abort_on_error = mode != RunMode::query && (batch.transaction || batch.rollback_on_error);

    bool began = false;
    if (batch.transaction) {
        if (run_internal(statements_, "BEGIN") != SQLITE_OK) {
            out.error = sqlite3_errmsg(db_);
        } else {
            began = true;
        }
    }
    bool aborted = false;
    for (std::size_t i = 0; out.error.empty() && i < batch.statements.size() && !aborted; ++i) {
        const Statement& statement = batch.statements[i];
        if (statement.sql.empty()) continue;  // rqlite skips empty statements without a result
        const env::Duration statement_start = clock_.monotonic_now();
        StatementResult result = run_statement(statement, mode, batch.qualify_columns);
        result.time = clock_.monotonic_now() - statement_start;
        aborted = result.failed() && abort_on_error;
        out.results.push_back(std::move(result));
    }
    // The deadline bounds statements, never the ending of a transaction: an interrupted ROLLBACK
    // would leave it open.
    if (deadline_) {
        sqlite3_progress_handler(db_, 0, nullptr, nullptr);
        deadline_.reset();
    }
    if (aborted) {
        run_internal(statements_, "ROLLBACK");  // may already have ended: ignore
    } else if (began && run_internal(statements_, "COMMIT") != SQLITE_OK) {
        out.error = sqlite3_errmsg(db_);
    }
    end_open_transaction();
    out.time = clock_.monotonic_now() - start;
    return out;
}

}  // namespace rq::store
