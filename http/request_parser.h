#pragma once
// Request bodies of the data endpoints (API.md §3.1, rqlite http/request_parser.go): a JSON array
// whose elements are SQL strings or [sql, params...] arrays, parsed with simdjson into the store's
// statements, every JSON type bound as rqlite binds it.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "store/command.h"

namespace simdjson::dom {
class parser;
}

namespace rq::http {

// rqlite's 400 messages for bodies it cannot use.
inline constexpr std::string_view no_statements_message = "no statements";
inline constexpr std::string_view invalid_json_message = "invalid JSON body";
inline constexpr std::string_view invalid_request_message = "invalid request";
inline constexpr std::string_view unsupported_type_message = "unsupported type";

// Bodies larger than this are not even handed to simdjson (the server's body limit is far lower).
inline constexpr std::size_t json_body_bytes_max = std::size_t{1} << 32;

class StatementParser {
public:
    StatementParser();
    ~StatementParser();
    StatementParser(const StatementParser&) = delete;
    StatementParser& operator=(const StatementParser&) = delete;

    // The statements of a JSON body, or ErrorCode::invalid_argument whose message is rqlite's 400
    // text: "invalid JSON body" (not JSON, truncated, empty body), "invalid request" (not an array,
    // an element that is neither a string nor an array starting with a string), "no statements"
    // (an empty array), "unsupported type" (an object or a non-byte array as a parameter value).
    // Elements whose SQL is "" are kept (the store skips them without a result).
    Result<std::vector<store::Statement>> parse(std::string_view body);

private:
    std::unique_ptr<simdjson::dom::parser> parser_;
};

// A `text/plain` body: the whole body is one SQL string without parameters.
std::vector<store::Statement> plain_text_statements(std::string_view body);

// A JSON object whose values are all strings (Go's json.Unmarshal into map[string]string), as the
// bodies of DELETE /remove and POST /leader are read. Nothing for anything else.
std::optional<std::map<std::string, std::string>> parse_string_object(std::string_view body);

// rqlite's blob literal parameter: a string that is x'<hex>' or X'<hex>' once surrounding whitespace
// is trimmed, with an even number of hex digits. Returns the bytes, or nothing for any other string.
std::optional<std::string> hex_blob_literal(std::string_view text);

}  // namespace rq::http
