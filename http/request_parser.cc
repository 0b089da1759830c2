#include "http/request_parser.h"

#include <simdjson.h>

#include <map>

#include "base/assert.h"

namespace rq::http {
namespace {

Error body_error(std::string_view message) { return Error(ErrorCode::invalid_argument, std::string(message)); }

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Typed views of an element whose type() was checked. Through get(out), not value_unsafe() on a
// temporary result, so nothing refers into a dead temporary.
simdjson::dom::object as_object(simdjson::dom::element element) {
    simdjson::dom::object out;
    const simdjson::error_code error = element.get(out);
    RQ_ASSERT(error == simdjson::SUCCESS, "JSON element of an unexpected type", static_cast<int>(error));
    return out;
}
simdjson::dom::array as_array(simdjson::dom::element element) {
    simdjson::dom::array out;
    const simdjson::error_code error = element.get(out);
    RQ_ASSERT(error == simdjson::SUCCESS, "JSON element of an unexpected type", static_cast<int>(error));
    return out;
}
std::string_view as_string(simdjson::dom::element element) {
    std::string_view out;
    const simdjson::error_code error = element.get(out);
    RQ_ASSERT(error == simdjson::SUCCESS, "JSON element of an unexpected type", static_cast<int>(error));
    return out;
}
template <typename T>
T as_scalar(simdjson::dom::element element) {
    T out{};
    const simdjson::error_code error = element.get(out);
    RQ_ASSERT(error == simdjson::SUCCESS, "JSON element of an unexpected type", static_cast<int>(error));
    return out;
}

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// A JSON array of integers 0-255 is a BLOB parameter (API.md §3.1).
Result<store::Value> blob_from_byte_array(simdjson::dom::array array) {
    store::Blob blob;
    blob.bytes.reserve(array.size());
    for (simdjson::dom::element item : array) {
        std::int64_t byte = -1;
        if (item.type() == simdjson::dom::element_type::INT64) byte = as_scalar<std::int64_t>(item);
        else if (item.type() == simdjson::dom::element_type::UINT64) byte = 256;
        if (byte < 0 || byte > 255) return body_error(unsupported_type_message);
        blob.bytes += static_cast<char>(byte);
    }
    return store::Value(std::move(blob));
}

// rqlite's makeParameter: the SQLite value a JSON parameter binds as.
Result<store::Value> parameter_value(simdjson::dom::element element) {
    using simdjson::dom::element_type;
    switch (element.type()) {
        case element_type::INT64: return store::Value(as_scalar<std::int64_t>(element));
        // Integer literals that do not fit int64 are REAL, as json.Number.Int64() fails for them.
        case element_type::UINT64: return store::Value(static_cast<double>(as_scalar<std::uint64_t>(element)));
        case element_type::DOUBLE: return store::Value(as_scalar<double>(element));
        case element_type::BOOL: return store::Value(as_scalar<bool>(element));
        case element_type::NULL_VALUE: return store::Value(std::monostate{});
        case element_type::STRING: {
            const std::string_view text = as_string(element);
            if (std::optional<std::string> bytes = hex_blob_literal(text)) return store::Value(store::Blob{std::move(*bytes)});
            return store::Value(std::string(text));
        }
        case element_type::ARRAY: return blob_from_byte_array(as_array(element));
        case element_type::OBJECT: break;
    }
    return body_error(unsupported_type_message);
}

// An object in a parameter position: its members are named parameters. Go decodes the object into
// a map, so a repeated name keeps its last value.
Status append_named_parameters(simdjson::dom::object object, std::vector<store::Parameter>& parameters) {
    std::map<std::string_view, simdjson::dom::element> members;
    for (simdjson::dom::key_value_pair member : object) members.insert_or_assign(member.key, member.value);
    for (const auto& [name, value] : members) {
        Result<store::Value> bound = parameter_value(value);
        if (!bound.ok()) return bound.error();
        parameters.push_back(store::Parameter{std::string(name), std::move(bound).value()});
    }
    return ok_status();
}

// One [sql, params...] element.
Result<store::Statement> parameterized_statement(simdjson::dom::array items) {
    auto item = items.begin();
    if (item == items.end() || (*item).type() != simdjson::dom::element_type::STRING) {
        return body_error(invalid_request_message);
    }
    store::Statement statement;
    statement.sql = std::string(as_string(*item));
    for (++item; item != items.end(); ++item) {
        simdjson::dom::element parameter = *item;
        if (parameter.type() == simdjson::dom::element_type::OBJECT) {
            Status named = append_named_parameters(as_object(parameter), statement.parameters);
            if (!named.ok()) return named.error();
            continue;
        }
        Result<store::Value> value = parameter_value(parameter);
        if (!value.ok()) return value.error();
        statement.parameters.push_back(store::Parameter{"", std::move(value).value()});
    }
    return statement;
}

// For a body simdjson refused: Go's streaming decoder reads only the first token before deciding
// the body is not an array, so anything that starts like a non-array value is "invalid request".
Error unparsable_body_error(std::string_view body) {
    std::size_t i = 0;
    while (i < body.size() && is_json_space(body[i])) ++i;
    if (i < body.size() && body[i] == '{') return body_error(invalid_request_message);
    return body_error(invalid_json_message);
}

}  // namespace

StatementParser::StatementParser() : parser_(std::make_unique<simdjson::dom::parser>()) {}
StatementParser::~StatementParser() = default;

Result<std::vector<store::Statement>> StatementParser::parse(std::string_view body) {
    // An empty body is not JSON; and an empty view may have no storage at all, which simdjson
    // would pass to memcpy as a null pointer.
    if (body.empty() || body.size() > json_body_bytes_max) return body_error(invalid_json_message);
    simdjson::dom::element document;
    if (parser_->parse(body.data(), body.size()).get(document) != simdjson::SUCCESS) {
        return unparsable_body_error(body);
    }
    if (document.type() != simdjson::dom::element_type::ARRAY) return body_error(invalid_request_message);
    simdjson::dom::array elements = as_array(document);
    std::vector<store::Statement> statements;
    statements.reserve(elements.size());
    for (simdjson::dom::element element : elements) {
        if (element.type() == simdjson::dom::element_type::STRING) {
            statements.push_back(store::Statement{std::string(as_string(element)), {}, false});
        } else if (element.type() == simdjson::dom::element_type::ARRAY) {
            Result<store::Statement> statement = parameterized_statement(as_array(element));
            if (!statement.ok()) return statement.error();
            statements.push_back(std::move(statement).value());
        } else {
            return body_error(invalid_request_message);
        }
    }
    if (statements.empty()) return body_error(no_statements_message);
    return statements;
}

std::vector<store::Statement> plain_text_statements(std::string_view body) {
    std::vector<store::Statement> statements;
    statements.push_back(store::Statement{std::string(body), {}, false});
    return statements;
}

std::optional<std::map<std::string, std::string>> parse_string_object(std::string_view body) {
    if (body.empty()) return std::nullopt;  // not JSON (and possibly a null pointer, see parse())
    simdjson::dom::parser parser;
    simdjson::dom::element document;
    if (parser.parse(body.data(), body.size()).get(document) != simdjson::SUCCESS) return std::nullopt;
    if (document.type() == simdjson::dom::element_type::NULL_VALUE) return std::map<std::string, std::string>{};
    if (document.type() != simdjson::dom::element_type::OBJECT) return std::nullopt;
    std::map<std::string, std::string> out;
    for (simdjson::dom::key_value_pair member : as_object(document)) {
        if (member.value.type() == simdjson::dom::element_type::NULL_VALUE) {
            out.insert_or_assign(std::string(member.key), std::string());  // Go stores the zero value
            continue;
        }
        if (member.value.type() != simdjson::dom::element_type::STRING) return std::nullopt;
        out.insert_or_assign(std::string(member.key), std::string(as_string(member.value)));
    }
    return out;
}

std::optional<std::string> hex_blob_literal(std::string_view text) {
    const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    if (text.size() < 3 || (text[0] != 'x' && text[0] != 'X') || text[1] != '\'' || text.back() != '\'') {
        return std::nullopt;
    }
    const std::string_view digits = text.substr(2, text.size() - 3);
    if (digits.size() % 2 != 0) return std::nullopt;
    std::string bytes;
    bytes.reserve(digits.size() / 2);
    for (std::size_t i = 0; i < digits.size(); i += 2) {
        const int high = hex_digit(digits[i]);
        const int low = hex_digit(digits[i + 1]);
        if (high < 0 || low < 0) return std::nullopt;
        bytes += static_cast<char>(high * 16 + low);
    }
    return bytes;
}

}  // namespace rq::http
