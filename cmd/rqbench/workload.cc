#include "cmd/rqbench/workload.h"

#include "http/json_writer.h"

namespace rq::rqbench {

namespace {

constexpr const char* kCreateTable = "CREATE TABLE IF NOT EXISTS rqbench(id INTEGER PRIMARY KEY, v TEXT)";
constexpr const char* kInsert = "INSERT INTO rqbench(v) VALUES(?)";
constexpr const char* kUpsert = "INSERT OR REPLACE INTO rqbench(id, v) VALUES(?, ?)";
constexpr const char* kSelect = "SELECT v FROM rqbench WHERE id=?";

const std::string& value_text() {
    static const std::string value(kValueBytes, 'v');
    return value;
}

std::string single_statement(std::string_view sql) {
    std::string body = "[";
    http::append_json_string(body, sql);
    body += "]";
    return body;
}

// A statement with parameters: ["sql", p1, p2...] where each parameter is already JSON.
void append_parameterized(std::string& body, std::string_view sql, std::initializer_list<std::string> parameters) {
    body += '[';
    http::append_json_string(body, sql);
    for (const std::string& parameter : parameters) {
        body += ',';
        body += parameter;
    }
    body += ']';
}

std::string repeated(std::uint32_t times, const std::string& element) {
    std::string body = "[";
    for (std::uint32_t i = 0; i < times; ++i) {
        if (i > 0) body += ',';
        body += element;
    }
    body += "]";
    return body;
}

std::string json_string(std::string_view text) {
    std::string out;
    http::append_json_string(out, text);
    return out;
}

std::vector<std::string> preload_bodies(std::uint64_t rows) {
    std::vector<std::string> bodies;
    for (std::uint64_t first = 1; first <= rows; first += kPreloadRowsPerRequest) {
        const std::uint64_t last = std::min(rows, first + kPreloadRowsPerRequest - 1);
        std::string body = "[";
        for (std::uint64_t id = first; id <= last; ++id) {
            if (id > first) body += ',';
            append_parameterized(body, kUpsert, {std::to_string(id), json_string(value_text())});
        }
        body += "]";
        bodies.push_back(std::move(body));
    }
    return bodies;
}

// splitmix64's finalizer: a fixed, well-spread permutation of the sequence numbers.
std::uint64_t spread(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

}  // namespace

Workload Workload::from_options(const Options& options) {
    Workload workload;
    workload.batch_ = options.batch;
    // rqlite's rqbench runs the one-shot statement first; the default table is created after it.
    if (!options.one_shot.empty()) workload.setup_bodies_.push_back(single_statement(options.one_shot));
    if (!options.statement.empty()) {
        workload.fixed_body_ = repeated(options.batch, json_string(options.statement));
        workload.description_ = options.statement;
    } else {
        workload.setup_bodies_.push_back(single_statement(kCreateTable));
        if (options.reads()) {
            for (std::string& body : preload_bodies(options.rows)) workload.setup_bodies_.push_back(std::move(body));
            workload.read_rows_ = options.rows;
            workload.description_ = std::string(kSelect) + " (ids 1.." + std::to_string(options.rows) + ")";
        } else {
            std::string insert;
            append_parameterized(insert, kInsert, {json_string(value_text())});
            workload.fixed_body_ = repeated(options.batch, insert);
            workload.description_ = std::string(kInsert) + " (" + std::to_string(kValueBytes) + "-byte value)";
        }
    }
    return workload;
}

std::string Workload::body(std::uint64_t sequence) const {
    if (read_rows_ == 0) return fixed_body_;
    std::string body = "[";
    for (std::uint32_t i = 0; i < batch_; ++i) {
        if (i > 0) body += ',';
        const std::uint64_t id = spread(sequence * batch_ + i) % read_rows_ + 1;
        append_parameterized(body, kSelect, {std::to_string(id)});
    }
    body += "]";
    return body;
}

}  // namespace rq::rqbench
