#include "http/result_json.h"

#include <algorithm>
#include <numeric>
#include <vector>

namespace rq::http {
namespace {

using store::StatementResult;

class ResultRenderer {
public:
    ResultRenderer(std::string& out, const RenderOptions& options) : writer_(out, options.style), options_(options) {}

    Status render(const DataResponse& response);

private:
    void statement(const StatementResult& result);
    void array_form(const StatementResult& result);
    void associative_form(const StatementResult& result);
    void value(const store::Value& cell);
    void common_tail(const StatementResult& result);
    // Column indexes in the order Go prints a map keyed by column name: sorted, and for a repeated
    // name only the last column (a map keeps the last assignment).
    static std::vector<std::size_t> sorted_unique_columns(const StatementResult& result);

    JsonWriter writer_;
    const RenderOptions& options_;
    std::optional<double> non_finite_;
};

Status ResultRenderer::render(const DataResponse& response) {
    writer_.begin_object();
    writer_.key("results");
    writer_.begin_array();
    if (response.batch != nullptr) {
        for (const StatementResult& result : response.batch->results) statement(result);
    }
    writer_.end_array();
    std::string_view error = response.error;
    if (error.empty() && response.batch != nullptr) error = response.batch->error;
    if (!error.empty()) {
        writer_.key("error");
        writer_.string(error);
    }
    if (options_.timings && response.time.count() != 0) {
        writer_.key("time");
        (void)writer_.number(duration_seconds(response.time));
    }
    if (response.sequence_number && *response.sequence_number != 0) {
        writer_.key("sequence_number");
        writer_.integer(*response.sequence_number);
    }
    if (options_.raft_index && response.raft_index != 0) {
        writer_.key("raft_index");
        writer_.unsigned_integer(response.raft_index);
    }
    writer_.end_object();
    if (non_finite_) return Error(ErrorCode::invalid_argument, "json: unsupported value: " + go_float_text(*non_finite_));
    return ok_status();
}

void ResultRenderer::statement(const StatementResult& result) {
    if (options_.associative) associative_form(result);
    else array_form(result);
}

// rqlite's Rows / ResultRows: last_insert_id, rows_affected, columns, types, values, error, time,
// each omitted when zero or empty.
void ResultRenderer::array_form(const StatementResult& result) {
    writer_.begin_object();
    if (result.last_insert_id != 0) {
        writer_.key("last_insert_id");
        writer_.integer(result.last_insert_id);
    }
    if (result.rows_affected != 0) {
        writer_.key("rows_affected");
        writer_.integer(result.rows_affected);
    }
    if (!result.columns.empty()) {
        writer_.key("columns");
        writer_.begin_array();
        for (const std::string& column : result.columns) writer_.string(column);
        writer_.end_array();
    }
    if (!result.types.empty()) {
        writer_.key("types");
        writer_.begin_array();
        for (const std::string& type : result.types) writer_.string(type);
        writer_.end_array();
    }
    if (result.row_count != 0 && result.width() != 0) {
        writer_.key("values");
        writer_.begin_array();
        for (std::size_t row = 0; row < result.row_count; ++row) {
            writer_.begin_array();
            for (std::size_t column = 0; column < result.width(); ++column) value(result.cell(row, column));
            writer_.end_array();
        }
        writer_.end_array();
    }
    common_tail(result);
}

// rqlite's AssociativeRows (query) / AssociativeResultRows (execute, request): last_insert_id,
// rows_affected, types as an object, rows as objects ("rows":null for execute results of
// execute/request, "rows":[] for a row set without rows), error, time.
void ResultRenderer::associative_form(const StatementResult& result) {
    const bool execute_result =
        options_.flavour == ResultFlavour::execute_or_request && result.kind == StatementResult::Kind::execute;
    const std::vector<std::size_t> columns = sorted_unique_columns(result);
    writer_.begin_object();
    if (result.last_insert_id != 0) {
        writer_.key("last_insert_id");
        writer_.integer(result.last_insert_id);
    }
    if (result.rows_affected != 0) {
        writer_.key("rows_affected");
        writer_.integer(result.rows_affected);
    }
    if (!columns.empty() && result.types.size() == result.columns.size()) {
        writer_.key("types");
        writer_.begin_object();
        for (const std::size_t column : columns) {
            writer_.key(result.columns[column]);
            writer_.string(result.types[column]);
        }
        writer_.end_object();
    }
    writer_.key("rows");
    if (execute_result) {
        writer_.null();
    } else {
        writer_.begin_array();
        for (std::size_t row = 0; row < result.row_count; ++row) {
            writer_.begin_object();
            for (const std::size_t column : columns) {
                writer_.key(result.columns[column]);
                value(result.cell(row, column));
            }
            writer_.end_object();
        }
        writer_.end_array();
    }
    common_tail(result);
}

void ResultRenderer::common_tail(const StatementResult& result) {
    if (!result.error.empty()) {
        writer_.key("error");
        writer_.string(result.error);
    }
    if (options_.timings && result.time.count() != 0) {
        writer_.key("time");
        (void)writer_.number(duration_seconds(result.time));
    }
    writer_.end_object();
}

void ResultRenderer::value(const store::Value& cell) {
    switch (cell.index()) {
        case 0: writer_.null(); return;
        case 1: writer_.integer(std::get<std::int64_t>(cell)); return;
        case 2: {
            const double real = std::get<double>(cell);
            if (!writer_.number(real)) {
                if (!non_finite_) non_finite_ = real;
                writer_.null();  // keeps the document well formed; the caller discards it
            }
            return;
        }
        case 3: writer_.boolean(std::get<bool>(cell)); return;
        case 4: writer_.string(std::get<std::string>(cell)); return;
        default: break;
    }
    const std::string& bytes = std::get<store::Blob>(cell).bytes;
    if (options_.blob_array) {
        writer_.begin_array();
        for (const char byte : bytes) writer_.integer(static_cast<unsigned char>(byte));
        writer_.end_array();
        return;
    }
    std::string encoded;
    append_base64(encoded, bytes);
    writer_.string(encoded);
}

std::vector<std::size_t> ResultRenderer::sorted_unique_columns(const StatementResult& result) {
    std::vector<std::size_t> order(result.columns.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    // Stable: equal names stay in column order, so the last of each run is the last column.
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return result.columns[a] < result.columns[b]; });
    std::vector<std::size_t> unique;
    unique.reserve(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        const bool last_of_run = i + 1 == order.size() || result.columns[order[i + 1]] != result.columns[order[i]];
        if (last_of_run) unique.push_back(order[i]);
    }
    return unique;
}

}  // namespace

Result<std::string> render_data_response(const DataResponse& response, const RenderOptions& options) {
    std::string out;
    if (response.batch != nullptr) {
        std::size_t estimate = 32;
        for (const StatementResult& result : response.batch->results) estimate += 48 + result.values.size() * 12;
        out.reserve(estimate);
    }
    ResultRenderer renderer(out, options);
    if (Status rendered = renderer.render(response); !rendered.ok()) return rendered.error();
    return out;
}

double duration_seconds(env::Duration duration) {
    const std::int64_t nanoseconds = duration.count();
    const std::int64_t seconds = nanoseconds / 1'000'000'000;
    const std::int64_t remainder = nanoseconds % 1'000'000'000;
    return static_cast<double>(seconds) + static_cast<double>(remainder) / 1e9;
}

void append_base64(std::string& out, std::string_view bytes) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const auto byte = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])); };
    out.reserve(out.size() + (bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t group = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
        out += alphabet[group >> 18 & 63];
        out += alphabet[group >> 12 & 63];
        out += alphabet[group >> 6 & 63];
        out += alphabet[group & 63];
    }
    const std::size_t left = bytes.size() - i;
    if (left == 0) return;
    const std::uint32_t group = byte(i) << 16 | (left == 2 ? byte(i + 1) << 8 : 0);
    out += alphabet[group >> 18 & 63];
    out += alphabet[group >> 12 & 63];
    out += left == 2 ? alphabet[group >> 6 & 63] : '=';
    out += '=';
}

}  // namespace rq::http
