#include "sim/workload.h"

#include <variant>

namespace rq::sim {

std::unique_ptr<Workload> make_register_workload();
std::unique_ptr<Workload> make_list_workload();
std::unique_ptr<Workload> make_bank_workload();

std::unique_ptr<Workload> make_workload(std::string_view name) {
    if (name == "register") return make_register_workload();
    if (name == "list") return make_list_workload();
    if (name == "bank") return make_bank_workload();
    return nullptr;
}

store::StatementBatch batch_of(std::vector<std::string> statements, bool transaction) {
    store::StatementBatch batch;
    for (std::string& sql : statements) batch.statements.push_back(store::Statement{std::move(sql), {}, false});
    batch.transaction = transaction;
    return batch;
}

store::Statement bound(std::string sql, std::vector<store::Value> values) {
    store::Statement statement{std::move(sql), {}, false};
    for (store::Value& value : values) statement.parameters.push_back(store::Parameter{"", std::move(value)});
    return statement;
}

store::StatementBatch batch_of(std::vector<store::Statement> statements, bool transaction) {
    store::StatementBatch batch;
    batch.statements = std::move(statements);
    batch.transaction = transaction;
    return batch;
}

check::Value integer_or_null(const store::Value& cell) {
    if (const auto* v = std::get_if<std::int64_t>(&cell)) return check::Value(*v);
    return check::Value();
}

std::optional<std::string> batch_error(const node::Reply& reply) {
    if (!reply.results.error.empty()) return reply.results.error;
    for (const store::StatementResult& result : reply.results.results) {
        if (result.failed()) return result.error;
    }
    return std::nullopt;
}

}  // namespace rq::sim
