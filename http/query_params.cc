#include "http/query_params.h"

#include <array>

#include "http/go_text.h"

namespace rq::http {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> unescape(std::string_view text, bool plus_is_space, std::string* error) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size() || hex_value(text[i + 1]) < 0 || hex_value(text[i + 2]) < 0) {
                if (error != nullptr) *error = "invalid URL escape " + go_quote(text.substr(i, 3));
                return std::nullopt;
            }
            out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

constexpr std::array<std::string_view, 4> duration_keys = {"timeout", "freshness", "db_timeout",
                                                           "linearizable_timeout"};
constexpr std::array<std::string_view, 2> integer_keys = {"retries", "trailing_logs"};

}  // namespace

std::optional<std::string> query_unescape(std::string_view text, std::string* error) {
    return unescape(text, true, error);
}

std::optional<std::string> path_unescape(std::string_view text) { return unescape(text, false, nullptr); }

// Go 1.17+ url.ParseQuery: pieces split on '&'; a piece containing ';' is an error (it replaces any
// earlier error); the first unescape error is kept; parsing continues past every error.
Result<QueryParams> QueryParams::parse(std::string_view raw_query) {
    QueryParams params;
    std::optional<std::string> parse_error;
    while (!raw_query.empty()) {
        const std::size_t amp = raw_query.find('&');
        std::string_view piece = raw_query.substr(0, amp);
        raw_query = amp == std::string_view::npos ? std::string_view{} : raw_query.substr(amp + 1);
        if (piece.find(';') != std::string_view::npos) {
            parse_error = "invalid semicolon separator in query";
            continue;
        }
        if (piece.empty()) continue;
        const std::size_t equals = piece.find('=');
        const std::string_view raw_key = piece.substr(0, equals);
        const std::string_view raw_value = equals == std::string_view::npos ? std::string_view{} : piece.substr(equals + 1);
        std::string error;
        std::optional<std::string> key = query_unescape(raw_key, &error);
        std::optional<std::string> value = key ? query_unescape(raw_value, &error) : std::nullopt;
        if (!key || !value) {
            if (!parse_error) parse_error = error;
            continue;
        }
        params.values_.emplace(std::move(*key), std::move(*value));  // emplace keeps the first value
    }
    if (parse_error) return Error(ErrorCode::invalid_argument, *parse_error);

    if (params.has("freshness_strict") && !params.has("freshness")) {
        return Error(ErrorCode::invalid_argument, "freshness_strict requires freshness");
    }
    for (const std::string_view key : duration_keys) {
        if (params.has(key) && !parse_go_duration(params.get(key))) {
            return Error(ErrorCode::invalid_argument, std::string(key) + " is not a valid duration");
        }
    }
    for (const std::string_view key : integer_keys) {
        // Go's strconv.Atoi accepts ints of the platform size: 64 bits here.
        if (params.has(key) && !parse_go_decimal_int(params.get(key))) {
            return Error(ErrorCode::invalid_argument, std::string(key) + " is not a valid integer");
        }
    }
    if (params.has("q") && params.get("q").empty()) {
        return Error(ErrorCode::invalid_argument, "query parameter not set");
    }
    return params;
}

std::string_view QueryParams::get(std::string_view key) const {
    const auto found = values_.find(key);
    return found == values_.end() ? std::string_view{} : std::string_view(found->second);
}

ReadLevel QueryParams::level() const {
    const std::string_view text = get("level");
    if (equals_ignoring_case(text, "none")) return ReadLevel::none;
    if (equals_ignoring_case(text, "linearizable")) return ReadLevel::linearizable;
    if (equals_ignoring_case(text, "strong")) return ReadLevel::strong;
    if (equals_ignoring_case(text, "auto")) return ReadLevel::automatic;
    return ReadLevel::weak;
}

env::Duration QueryParams::duration(std::string_view key, env::Duration fallback) const {
    if (!has(key)) return fallback;
    return parse_go_duration(get(key)).value_or(fallback);
}

std::int64_t QueryParams::integer(std::string_view key, std::int64_t fallback) const {
    if (!has(key)) return fallback;
    return parse_go_decimal_int(get(key)).value_or(fallback);
}

}  // namespace rq::http
