#pragma once
// Helpers shared by the store tests: building commands and opening stores in memory.

#include <gtest/gtest.h>

#include <atomic>
#include <charconv>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "env/clock.h"
#include "store/store.h"

namespace rq::store::testing {

// A clock that moves forward by `step` every time anyone reads it, so a long statement sees time
// pass (db_timeout tests) while staying deterministic.
class SteppingClock final : public env::Clock {
public:
    explicit SteppingClock(env::Duration step) : step_(step) {}
    [[nodiscard]] env::Duration monotonic_now() const override { return now_ += step_; }
    [[nodiscard]] env::Duration unix_now() const override { return std::chrono::seconds(1'700'000'000) + now_; }

private:
    env::Duration step_;
    mutable env::Duration now_{0};
};

inline std::string unique_memory_name(const std::string& prefix) {
    static std::atomic<int> counter{0};
    return prefix + "-" + std::to_string(counter.fetch_add(1));
}

inline std::unique_ptr<Store> open_memory_store(const env::Clock& clock, StoreOptions options = {}) {
    options.location = DatabaseLocation::in_memory;
    if (options.path.empty()) options.path = unique_memory_name("store-test");
    auto store = Store::open(options, clock, Random(42));
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message());
    return std::move(store).value();
}

inline Statement sql(std::string text, std::vector<Parameter> parameters = {}) {
    return Statement{std::move(text), std::move(parameters), false};
}

inline Parameter positional(Value value) { return Parameter{"", std::move(value)}; }
inline Parameter named(std::string name, Value value) { return Parameter{std::move(name), std::move(value)}; }

inline StatementBatch batch(std::vector<Statement> statements, bool transaction = false) {
    StatementBatch out;
    out.statements = std::move(statements);
    out.transaction = transaction;
    return out;
}

inline Command command(CommandKind kind, StatementBatch statements) {
    Command out;
    out.kind = kind;
    out.batch = std::move(statements);
    out.unix_time = std::chrono::seconds(1'700'000'000);
    return out;
}

// Applies commands at successive indexes.
class Applier {
public:
    explicit Applier(Store& store) : store_(store), next_(store.applied_index().value() + 1) {}

    BatchResult apply(const Command& c) {
        auto result = store_.apply(raft::Index(next_++), c);
        EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message());
        return result.ok() ? std::move(result).value() : BatchResult{};
    }
    BatchResult execute(std::vector<Statement> statements, bool transaction = false) {
        return apply(command(CommandKind::execute, batch(std::move(statements), transaction)));
    }
    BatchResult request(std::vector<Statement> statements, bool transaction = false) {
        return apply(command(CommandKind::request, batch(std::move(statements), transaction)));
    }
    BatchResult strong_query(std::vector<Statement> statements) {
        return apply(command(CommandKind::query, batch(std::move(statements))));
    }

private:
    Store& store_;
    std::uint64_t next_;
};

inline BatchResult local_query(Store& store, std::vector<Statement> statements, bool transaction = false) {
    auto result = store.query(batch(std::move(statements), transaction));
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message());
    return result.ok() ? std::move(result).value() : BatchResult{};
}

}  // namespace rq::store::testing

namespace rq::store::testing {

// A JSON-like rendering of results, close to API.md §3.4's shapes (omit-empty rules included), so
// expectations read like the documented responses. Blobs print as x'hex'; doubles in shortest form.
inline std::string quoted(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

inline std::string render_value(const Value& value) {
    switch (value.index()) {
        case 0: return "null";
        case 1: return std::to_string(std::get<std::int64_t>(value));
        case 2: {
            char buffer[32];
            auto end = std::to_chars(buffer, buffer + sizeof buffer, std::get<double>(value)).ptr;
            return std::string(buffer, end);
        }
        case 3: return std::get<bool>(value) ? "true" : "false";
        case 4: return quoted(std::get<std::string>(value));
        default: {
            static constexpr char hex[] = "0123456789abcdef";
            std::string out = "x'";
            for (char byte : std::get<Blob>(value).bytes) {
                const auto c = static_cast<unsigned char>(byte);
                out += hex[c >> 4];
                out += hex[c & 0xf];
            }
            return out + "'";
        }
    }
}

inline std::string render_strings(const std::vector<std::string>& strings) {
    std::string out = "[";
    for (std::size_t i = 0; i < strings.size(); ++i) out += (i ? "," : "") + quoted(strings[i]);
    return out + "]";
}

inline std::string render(const StatementResult& result) {
    std::vector<std::string> fields;
    if (result.kind == StatementResult::Kind::execute) {
        if (result.last_insert_id != 0) fields.push_back("\"last_insert_id\":" + std::to_string(result.last_insert_id));
        if (result.rows_affected != 0) fields.push_back("\"rows_affected\":" + std::to_string(result.rows_affected));
    } else {
        if (!result.columns.empty()) fields.push_back("\"columns\":" + render_strings(result.columns));
        if (!result.types.empty()) fields.push_back("\"types\":" + render_strings(result.types));
        if (result.row_count > 0) {
            std::string rows = "\"values\":[";
            for (std::size_t r = 0; r < result.row_count; ++r) {
                rows += r ? ",[" : "[";
                for (std::size_t c = 0; c < result.width(); ++c) rows += (c ? "," : "") + render_value(result.cell(r, c));
                rows += "]";
            }
            fields.push_back(rows + "]");
        }
    }
    if (!result.error.empty()) fields.push_back("\"error\":" + quoted(result.error));
    std::string out = "{";
    for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + fields[i];
    return out + "}";
}

inline std::string render(const BatchResult& batch) {
    std::string out = "[";
    for (std::size_t i = 0; i < batch.results.size(); ++i) out += (i ? "," : "") + render(batch.results[i]);
    out += "]";
    if (!batch.error.empty()) out += " error=" + batch.error;
    return out;
}

}  // namespace rq::store::testing
