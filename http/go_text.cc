#include "http/go_text.h"

#include <array>
#include <limits>

namespace rq::http {
namespace {

constexpr std::uint64_t max_magnitude = std::uint64_t{1} << 63;  // |math.MinInt64|

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Go's leadingInt: consumes [0-9]*; nullopt on overflow past 1<<63.
std::optional<std::uint64_t> leading_int(std::string_view& text) {
    std::uint64_t value = 0;
    std::size_t i = 0;
    for (; i < text.size() && is_digit(text[i]); ++i) {
        if (value > max_magnitude / 10) return std::nullopt;
        value = value * 10 + static_cast<std::uint64_t>(text[i] - '0');
        if (value > max_magnitude) return std::nullopt;
    }
    text.remove_prefix(i);
    return value;
}

// Go's leadingFraction: consumes [0-9]*, keeping as much precision as fits.
void leading_fraction(std::string_view& text, std::uint64_t& value, double& scale) {
    value = 0;
    scale = 1;
    bool overflow = false;
    std::size_t i = 0;
    for (; i < text.size() && is_digit(text[i]); ++i) {
        if (overflow) continue;
        if (value > (max_magnitude - 1) / 10) {
            overflow = true;
            continue;
        }
        const std::uint64_t next = value * 10 + static_cast<std::uint64_t>(text[i] - '0');
        if (next > max_magnitude) {
            overflow = true;
            continue;
        }
        value = next;
        scale *= 10;
    }
    text.remove_prefix(i);
}

std::optional<std::uint64_t> unit_nanoseconds(std::string_view unit) {
    if (unit == "ns") return 1;
    if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") return 1'000;
    if (unit == "ms") return 1'000'000;
    if (unit == "s") return 1'000'000'000;
    if (unit == "m") return 60'000'000'000;
    if (unit == "h") return 3'600'000'000'000;
    return std::nullopt;
}

std::optional<env::Duration> duration_error(std::string* error, std::string message) {
    if (error != nullptr) *error = std::move(message);
    return std::nullopt;
}

// One "<number><unit>" element of a duration; adds its nanoseconds to `total`.
bool parse_duration_element(std::string_view& text, std::uint64_t& total, std::string_view original,
                            std::string* error) {
    const auto invalid = [&] { duration_error(error, "time: invalid duration " + go_quote(original)); };
    if (!(text[0] == '.' || is_digit(text[0]))) return invalid(), false;
    const std::size_t before = text.size();
    std::optional<std::uint64_t> whole = leading_int(text);
    if (!whole) return invalid(), false;
    const bool digits_before_point = before != text.size();
    std::uint64_t fraction = 0;
    double scale = 1;
    bool digits_after_point = false;
    if (!text.empty() && text[0] == '.') {
        text.remove_prefix(1);
        const std::size_t at_point = text.size();
        leading_fraction(text, fraction, scale);
        digits_after_point = at_point != text.size();
    }
    if (!digits_before_point && !digits_after_point) return invalid(), false;
    std::size_t unit_length = 0;
    while (unit_length < text.size() && text[unit_length] != '.' && !is_digit(text[unit_length])) ++unit_length;
    if (unit_length == 0) {
        duration_error(error, "time: missing unit in duration " + go_quote(original));
        return false;
    }
    const std::string_view unit_text = text.substr(0, unit_length);
    text.remove_prefix(unit_length);
    const std::optional<std::uint64_t> unit = unit_nanoseconds(unit_text);
    if (!unit) {
        duration_error(error, "time: unknown unit " + go_quote(unit_text) + " in duration " + go_quote(original));
        return false;
    }
    std::uint64_t value = *whole;
    if (value > max_magnitude / *unit) return invalid(), false;
    value *= *unit;
    if (fraction > 0) {
        value += static_cast<std::uint64_t>(static_cast<double>(fraction) * (static_cast<double>(*unit) / scale));
        if (value > max_magnitude) return invalid(), false;
    }
    total += value;
    if (total > max_magnitude) return invalid(), false;
    return true;
}

// Go's fmtFrac: writes ".ddd" (trailing zeros dropped, nothing if zero) before `end`, returns the
// new start and v / 10^precision.
std::size_t format_fraction(std::array<char, 40>& buffer, std::size_t end, std::uint64_t& value, int precision) {
    bool printed = false;
    for (int i = 0; i < precision; ++i) {
        const auto digit = static_cast<char>(value % 10);
        printed = printed || digit != 0;
        if (printed) buffer[--end] = static_cast<char>('0' + digit);
        value /= 10;
    }
    if (printed) buffer[--end] = '.';
    return end;
}

std::size_t format_integer(std::array<char, 40>& buffer, std::size_t end, std::uint64_t value) {
    if (value == 0) {
        buffer[--end] = '0';
        return end;
    }
    while (value > 0) {
        buffer[--end] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    return end;
}

// Digits of `text` in `base`, with Go's underscore rule (only between digits, only with a prefix).
std::optional<std::uint64_t> parse_digits(std::string_view text, unsigned base, bool underscores_allowed) {
    if (text.empty()) return std::nullopt;
    std::uint64_t value = 0;
    bool previous_was_digit = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '_') {
            if (!underscores_allowed || !previous_was_digit || i + 1 == text.size()) return std::nullopt;
            previous_was_digit = false;
            continue;
        }
        unsigned digit = 0;
        if (c >= '0' && c <= '9') digit = static_cast<unsigned>(c - '0');
        else if (c >= 'a' && c <= 'z') digit = static_cast<unsigned>(c - 'a') + 10;
        else if (c >= 'A' && c <= 'Z') digit = static_cast<unsigned>(c - 'A') + 10;
        else return std::nullopt;
        if (digit >= base) return std::nullopt;
        if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / base) return std::nullopt;
        value = value * base + digit;
        previous_was_digit = true;
    }
    return value;
}

// strconv.ParseUint(text, 0, 64) without the sign.
std::optional<std::uint64_t> parse_base_zero(std::string_view text) {
    if (text.size() >= 2 && text[0] == '0') {
        const char marker = static_cast<char>(text[1] | 0x20);
        if (marker == 'x') return parse_digits(text.substr(2), 16, true);
        if (marker == 'o') return parse_digits(text.substr(2), 8, true);
        if (marker == 'b') return parse_digits(text.substr(2), 2, true);
        return parse_digits(text.substr(1), 8, true);
    }
    return parse_digits(text, 10, false);
}

std::optional<std::int64_t> signed_from_magnitude(std::optional<std::uint64_t> magnitude, bool negative) {
    if (!magnitude) return std::nullopt;
    if (negative) {
        if (*magnitude > max_magnitude) return std::nullopt;
        return static_cast<std::int64_t>(0 - *magnitude);
    }
    if (*magnitude > max_magnitude - 1) return std::nullopt;
    return static_cast<std::int64_t>(*magnitude);
}

}  // namespace

std::optional<env::Duration> parse_go_duration(std::string_view text, std::string* error) {
    const std::string_view original = text;
    bool negative = false;
    if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
        negative = text[0] == '-';
        text.remove_prefix(1);
    }
    if (text == "0") return env::Duration{0};
    if (text.empty()) return duration_error(error, "time: invalid duration " + go_quote(original));
    std::uint64_t total = 0;
    while (!text.empty()) {
        if (!parse_duration_element(text, total, original, error)) return std::nullopt;
    }
    if (negative) return env::Duration{static_cast<std::int64_t>(0 - total)};
    if (total > max_magnitude - 1) return duration_error(error, "time: invalid duration " + go_quote(original));
    return env::Duration{static_cast<std::int64_t>(total)};
}

std::string format_go_duration(env::Duration duration) {
    std::array<char, 40> buffer{};
    std::size_t start = buffer.size();
    const std::int64_t count = duration.count();
    const bool negative = count < 0;
    std::uint64_t value = negative ? 0 - static_cast<std::uint64_t>(count) : static_cast<std::uint64_t>(count);
    buffer[--start] = 's';
    if (value < 1'000'000'000) {
        int precision = 0;
        if (value == 0) return "0s";
        if (value < 1'000) {
            buffer[--start] = 'n';
        } else if (value < 1'000'000) {
            precision = 3;
            buffer[--start] = '\xB5';  // "µ" is C2 B5
            buffer[--start] = '\xC2';
        } else {
            precision = 6;
            buffer[--start] = 'm';
        }
        start = format_fraction(buffer, start, value, precision);
        start = format_integer(buffer, start, value);
    } else {
        start = format_fraction(buffer, start, value, 9);
        start = format_integer(buffer, start, value % 60);
        value /= 60;
        if (value > 0) {
            buffer[--start] = 'm';
            start = format_integer(buffer, start, value % 60);
            value /= 60;
            if (value > 0) {
                buffer[--start] = 'h';
                start = format_integer(buffer, start, value);
            }
        }
    }
    if (negative) buffer[--start] = '-';
    return std::string(buffer.data() + start, buffer.size() - start);
}

std::optional<std::int64_t> parse_go_decimal_int(std::string_view text) {
    bool negative = false;
    if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
        negative = text[0] == '-';
        text.remove_prefix(1);
    }
    return signed_from_magnitude(parse_digits(text, 10, false), negative);
}

std::optional<std::int64_t> parse_go_int(std::string_view text) {
    bool negative = false;
    if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
        negative = text[0] == '-';
        text.remove_prefix(1);
    }
    return signed_from_magnitude(parse_base_zero(text), negative);
}

std::optional<std::uint64_t> parse_go_uint(std::string_view text) { return parse_base_zero(text); }

std::optional<bool> parse_go_bool(std::string_view text) {
    if (text == "1" || text == "t" || text == "T" || text == "TRUE" || text == "true" || text == "True") return true;
    if (text == "0" || text == "f" || text == "F" || text == "FALSE" || text == "false" || text == "False") {
        return false;
    }
    return std::nullopt;
}

std::string go_quote(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "\"";
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (byte >= 0x20 && byte < 0x7f) {
            out += c;
        } else if (byte >= 0x80) {
            out += c;  // UTF-8 passes through, as strconv.Quote does for printable runes
        } else {
            out += "\\x";
            out += hex[byte >> 4];
            out += hex[byte & 0xf];
        }
    }
    out += '"';
    return out;
}

}  // namespace rq::http
