#pragma once
// A small streaming JSON writer that produces the bytes Go's encoding/json produces, because rqlite's
// clients compare response bodies byte for byte (API.md §3.4, §13.2):
//   - compact: no spaces at all; pretty: json.MarshalIndent(v, "", "    ") (a newline and four spaces
//     per level, ": " after keys, and empty arrays/objects kept as [] and {});
//   - strings: UTF-8 passes through, invalid UTF-8 becomes \ufffd, control characters are escaped
//     (\b \f \n \r \t, the rest \u00XX), and <, >, &, U+2028, U+2029 are escaped as Go's default HTML
//     escaping does;
//   - floats: Go's shortest representation, in exponent form below 1e-6 and from 1e21 on.
// No DOM: callers write values in order straight into one output string.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rq::http {

enum class JsonStyle : std::uint8_t { compact, pretty };

// Appends `text` as a JSON string literal (with quotes), escaped as Go escapes it.
void append_json_string(std::string& out, std::string_view text);

// Appends a finite double as Go's encoding/json prints it ("20" for 20.0, "1e+21", "1e-7").
// Returns false, appending nothing, for NaN and infinities (Go refuses to encode them).
bool append_json_double(std::string& out, double value);

// The text Go uses for a non-finite float in "json: unsupported value: <text>".
std::string go_float_text(double value);

class JsonWriter {
public:
    JsonWriter(std::string& out, JsonStyle style) : out_(out), pretty_(style == JsonStyle::pretty) {}

    void begin_object() { open('{'); }
    void end_object() { close('}'); }
    void begin_array() { open('['); }
    void end_array() { close(']'); }

    // In an object: the next member's key; the member's value must follow.
    void key(std::string_view name);

    void string(std::string_view text);
    void integer(std::int64_t value);
    void unsigned_integer(std::uint64_t value);
    // False for NaN and infinities: nothing is written, and the document should be abandoned (Go's
    // json.Marshal fails the same way; the caller reports it).
    [[nodiscard]] bool number(double value);
    void boolean(bool value);
    void null();
    // A value already encoded as JSON (for example by another JsonWriter with the same style at the
    // same depth). Written as is.
    void raw_value(std::string_view json);

    [[nodiscard]] bool pretty() const { return pretty_; }
    [[nodiscard]] std::size_t depth() const { return open_.size(); }

private:
    struct Level {
        bool has_members = false;
    };

    void open(char bracket);
    void close(char bracket);
    // Separator and indentation before a value or key at the current position.
    void before_value();
    void newline_and_indent(std::size_t depth);

    std::string& out_;
    bool pretty_;
    bool after_key_ = false;
    std::vector<Level> open_;
};

}  // namespace rq::http
