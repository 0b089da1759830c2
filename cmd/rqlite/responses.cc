#include "cmd/rqlite/responses.h"

namespace rq::shell {
namespace {

Error response_error(std::string message) { return Error(ErrorCode::corrupt, "invalid response: " + std::move(message)); }

bool present(const JsonNode* node) { return node != nullptr && !node->is_null(); }

Result<std::string> string_member(const JsonNode& object, std::string_view key) {
    const JsonNode* node = object.find(key);
    if (!present(node)) return std::string();
    if (node->kind != JsonNode::Kind::string) return response_error("\"" + std::string(key) + "\" is not a string");
    return node->text;
}

Result<std::int64_t> integer_member(const JsonNode& object, std::string_view key) {
    const JsonNode* node = object.find(key);
    if (!present(node)) return std::int64_t{0};
    const std::optional<std::int64_t> value = node->as_integer();
    if (!value) return response_error("\"" + std::string(key) + "\" is not an integer");
    return *value;
}

Result<double> number_member(const JsonNode& object, std::string_view key) {
    const JsonNode* node = object.find(key);
    if (!present(node)) return 0.0;
    const std::optional<double> value = node->as_double();
    if (!value) return response_error("\"" + std::string(key) + "\" is not a number");
    return *value;
}

Status decode_rows(const JsonNode& result, RowSet& rows) {
    if (const JsonNode* columns = result.find("columns"); present(columns)) {
        if (columns->kind != JsonNode::Kind::array) return response_error("\"columns\" is not an array");
        for (const JsonNode& column : columns->items) {
            if (column.kind != JsonNode::Kind::string) return response_error("a column name is not a string");
            rows.columns.push_back(column.text);
        }
    }
    if (const JsonNode* values = result.find("values"); present(values)) {
        if (values->kind != JsonNode::Kind::array) return response_error("\"values\" is not an array");
        for (const JsonNode& row : values->items) {
            if (row.kind != JsonNode::Kind::array && !row.is_null()) return response_error("a row is not an array");
            rows.values.push_back(row.items);
        }
    }
    return ok_status();
}

Result<StatementResult> decode_result(const JsonNode& node) {
    if (node.kind != JsonNode::Kind::object) return response_error("a result is not an object");
    StatementResult result;
    result.has_rows = present(node.find("columns")) || present(node.find("types")) || present(node.find("values"));
    RQ_TRY_STATUS(decode_rows(node, result.rows), "result");
    Result<std::int64_t> last_insert_id = integer_member(node, "last_insert_id");
    if (!last_insert_id) return last_insert_id.error();
    Result<std::int64_t> rows_affected = integer_member(node, "rows_affected");
    if (!rows_affected) return rows_affected.error();
    Result<double> time = number_member(node, "time");
    if (!time) return time.error();
    Result<std::string> error = string_member(node, "error");
    if (!error) return error.error();
    result.last_insert_id = *last_insert_id;
    result.rows_affected = *rows_affected;
    result.time_seconds = *time;
    result.error = std::move(*error);
    return result;
}

}  // namespace

Result<DataResponse> decode_data_response(std::string_view body) {
    Result<JsonNode> document = parse_json(body);
    if (!document) return document.error();
    if (document->kind != JsonNode::Kind::object) return response_error("not a JSON object");
    DataResponse response;
    Result<std::string> error = string_member(*document, "error");
    if (!error) return error.error();
    response.error = std::move(*error);
    if (const JsonNode* results = document->find("results"); present(results)) {
        if (results->kind != JsonNode::Kind::array) return response_error("\"results\" is not an array");
        for (const JsonNode& item : results->items) {
            Result<StatementResult> result = decode_result(item);
            if (!result) return result.error();
            response.results.push_back(std::move(*result));
        }
    }
    return response;
}

}  // namespace rq::shell
