#pragma once
// JSON responses as the shell sees them: a small tree parsed with simdjson, and the two ways the
// shell prints a value. rqlite's CLI decodes responses with Go's json.Decoder and UseNumber, then
// prints values with fmt's %v; go_value_text() reproduces that text. Numbers keep the text the
// server wrote as long as the server writes Go's shortest form (rqlite and rqlited both do):
// integers print as integers, other numbers in Go's float format.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace rq::shell {

struct JsonMember;

struct JsonNode {
    enum class Kind : std::uint8_t { null, boolean, number, string, array, object };

    Kind kind = Kind::null;
    // boolean: "true" or "false"; number: its decimal text; string: the decoded UTF-8 text.
    std::string text;
    std::vector<JsonNode> items;                            // array elements
    std::vector<JsonMember> members;  // object members, in document order

    static JsonNode string_value(std::string text);
    static JsonNode number_value(std::string text);

    [[nodiscard]] bool is_null() const { return kind == Kind::null; }
    // The member `key` of an object (the last one if repeated, as Go decodes), or nullptr.
    [[nodiscard]] const JsonNode* find(std::string_view key) const;
    // A number that is an integer in range, as Go decodes a number into an int.
    [[nodiscard]] std::optional<std::int64_t> as_integer() const;
    [[nodiscard]] std::optional<double> as_double() const;
};

struct JsonMember {
    std::string key;
    JsonNode value;
};

// Parses one JSON document; the error says what is wrong.
Result<JsonNode> parse_json(std::string_view text);

// fmt.Sprintf("%v", v) for the decoded value: strings raw, null as "<nil>", arrays as "[a b]",
// objects as "map[k:v ...]" with sorted keys.
std::string go_value_text(const JsonNode& node);

// Compact JSON text of the value (strings escaped minimally: quotes, backslashes, controls).
void append_json(std::string& out, const JsonNode& node);
void append_json_string_literal(std::string& out, std::string_view text);

}  // namespace rq::shell
