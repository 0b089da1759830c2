#include "http/json_writer.h"

#include <array>
#include <charconv>
#include <cmath>

#include "base/assert.h"

namespace rq::http {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

// Bytes that cannot be copied verbatim: ASCII that Go escapes, and every non-ASCII byte (checked for
// valid UTF-8 and for U+2028/U+2029).
constexpr std::array<bool, 256> make_special_table() {
    std::array<bool, 256> table{};
    for (int c = 0; c < 0x20; ++c) table[static_cast<std::size_t>(c)] = true;
    table['"'] = table['\\'] = table['<'] = table['>'] = table['&'] = true;
    for (int c = 0x80; c < 0x100; ++c) table[static_cast<std::size_t>(c)] = true;
    return table;
}
constexpr std::array<bool, 256> special_byte = make_special_table();

void append_unicode_escape(std::string& out, unsigned code) {
    out += "\\u";
    out += hex_digits[(code >> 12) & 0xf];
    out += hex_digits[(code >> 8) & 0xf];
    out += hex_digits[(code >> 4) & 0xf];
    out += hex_digits[code & 0xf];
}

// Length of the valid UTF-8 sequence starting at text[i] (1 to 4), or 0 if it is not valid, with
// the same rules as Go's utf8.DecodeRuneInString (no overlongs, no surrogates, at most U+10FFFF).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    const std::size_t remaining = text.size() - i;
    const auto continuation = [&](std::size_t k) { return (byte(k) & 0xC0) == 0x80; };
    if (lead >= 0xC2 && lead <= 0xDF) {
        return remaining >= 2 && continuation(i + 1) ? 2 : 0;
    }
    if (lead >= 0xE0 && lead <= 0xEF) {
        if (remaining < 3 || !continuation(i + 1) || !continuation(i + 2)) return 0;
        if (lead == 0xE0 && byte(i + 1) < 0xA0) return 0;  // overlong
        if (lead == 0xED && byte(i + 1) > 0x9F) return 0;  // surrogate
        return 3;
    }
    if (lead >= 0xF0 && lead <= 0xF4) {
        if (remaining < 4 || !continuation(i + 1) || !continuation(i + 2) || !continuation(i + 3)) return 0;
        if (lead == 0xF0 && byte(i + 1) < 0x90) return 0;  // overlong
        if (lead == 0xF4 && byte(i + 1) > 0x8F) return 0;  // above U+10FFFF
        return 4;
    }
    return 0;
}

void append_escaped_ascii(std::string& out, unsigned char c) {
    switch (c) {
        case '"': out += "\\\""; return;
        case '\\': out += "\\\\"; return;
        case '\b': out += "\\b"; return;
        case '\f': out += "\\f"; return;
        case '\n': out += "\\n"; return;
        case '\r': out += "\\r"; return;
        case '\t': out += "\\t"; return;
        default: append_unicode_escape(out, c); return;
    }
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    std::size_t copied_up_to = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (!special_byte[c]) {
            ++i;
            continue;
        }
        if (c >= 0x80) {
            const std::size_t length = utf8_sequence_length(text, i);
            // U+2028 and U+2029 are E2 80 A8 / E2 80 A9.
            const bool line_separator = length == 3 && c == 0xE2 && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
                                        (static_cast<unsigned char>(text[i + 2]) & 0xFE) == 0xA8;
            if (length != 0 && !line_separator) {
                i += length;
                continue;
            }
            out.append(text.data() + copied_up_to, i - copied_up_to);
            if (line_separator) {
                append_unicode_escape(out, static_cast<unsigned char>(text[i + 2]) == 0xA8 ? 0x2028 : 0x2029);
                i += 3;
            } else {
                out += "\\ufffd";
                i += 1;
            }
            copied_up_to = i;
            continue;
        }
        out.append(text.data() + copied_up_to, i - copied_up_to);
        append_escaped_ascii(out, c);
        ++i;
        copied_up_to = i;
    }
    out.append(text.data() + copied_up_to, text.size() - copied_up_to);
    out += '"';
}

bool append_json_double(std::string& out, double value) {
    if (!std::isfinite(value)) return false;
    // Go: 'f' format unless the magnitude is below 1e-6 or at least 1e21, then 'e'; shortest digits
    // that round-trip either way. std::to_chars without a precision is the same shortest form.
    const double magnitude = std::fabs(value);
    const bool exponent_form = magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21);
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value,
                                      exponent_form ? std::chars_format::scientific : std::chars_format::fixed);
    RQ_ASSERT(result.ec == std::errc(), "to_chars of a finite double failed", value);
    std::size_t length = static_cast<std::size_t>(result.ptr - buffer);
    // Go writes "e-07" as "e-7" (one leading zero of a two-digit negative exponent is dropped).
    if (exponent_form && length >= 4 && buffer[length - 4] == 'e' && buffer[length - 3] == '-' &&
        buffer[length - 2] == '0') {
        buffer[length - 2] = buffer[length - 1];
        --length;
    }
    out.append(buffer, length);
    return true;
}

std::string go_float_text(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    std::string out;
    (void)append_json_double(out, value);
    return out;
}

void JsonWriter::newline_and_indent(std::size_t depth) {
    out_ += '\n';
    out_.append(depth * 4, ' ');
}

void JsonWriter::before_value() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (open_.empty()) return;
    Level& level = open_.back();
    if (level.has_members) out_ += ',';
    level.has_members = true;
    if (pretty_) newline_and_indent(open_.size());
}

void JsonWriter::open(char bracket) {
    before_value();
    out_ += bracket;
    open_.push_back(Level{});
}

void JsonWriter::close(char bracket) {
    RQ_ASSERT(!open_.empty() && !after_key_, "unbalanced JSON", bracket);
    const bool had_members = open_.back().has_members;
    open_.pop_back();
    if (pretty_ && had_members) newline_and_indent(open_.size());
    out_ += bracket;
}

void JsonWriter::key(std::string_view name) {
    RQ_ASSERT(!after_key_, "two keys in a row", name);
    before_value();
    append_json_string(out_, name);
    out_ += pretty_ ? ": " : ":";
    after_key_ = true;
}

void JsonWriter::string(std::string_view text) {
    before_value();
    append_json_string(out_, text);
}

void JsonWriter::integer(std::int64_t value) {
    before_value();
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out_.append(buffer, static_cast<std::size_t>(result.ptr - buffer));
}

void JsonWriter::unsigned_integer(std::uint64_t value) {
    before_value();
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out_.append(buffer, static_cast<std::size_t>(result.ptr - buffer));
}

bool JsonWriter::number(double value) {
    if (!std::isfinite(value)) return false;
    before_value();
    return append_json_double(out_, value);
}

void JsonWriter::boolean(bool value) {
    before_value();
    out_ += value ? "true" : "false";
}

void JsonWriter::null() {
    before_value();
    out_ += "null";
}

void JsonWriter::raw_value(std::string_view json) {
    before_value();
    out_ += json;
}

}  // namespace rq::http
