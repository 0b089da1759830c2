#pragma once
// Go's text formats that rqlite's users type or read: durations ("500ms", "1m30s"), integers and
// booleans as Go's strconv and flag packages accept them, and Go's Duration.String(). rqlited must
// accept exactly what rqlite accepts (API.md §1.1, §2.3) and print what it prints (/status).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "env/clock.h"

namespace rq::http {

// time.ParseDuration: [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+ with units ns, us, µs, μs, ms, s, m, h, or "0".
// On failure, `error` (if given) receives Go's message, e.g. `time: invalid duration "x"`.
std::optional<env::Duration> parse_go_duration(std::string_view text, std::string* error = nullptr);

// time.Duration.String(): "0s", "1.5s", "1m30s", "1h0m0s", "250ms", "12µs", "7ns".
std::string format_go_duration(env::Duration duration);

// strconv.Atoi: optional sign, decimal digits only (underscores and prefixes refused).
std::optional<std::int64_t> parse_go_decimal_int(std::string_view text);

// strconv.ParseInt(text, 0, 64) / ParseUint(text, 0, 64), as the flag package uses them: a base
// prefix (0x, 0o, 0b, or a leading 0 for octal) and underscores between digits are allowed.
std::optional<std::int64_t> parse_go_int(std::string_view text);
std::optional<std::uint64_t> parse_go_uint(std::string_view text);

// strconv.ParseBool: 1 t T TRUE true True / 0 f F FALSE false False.
std::optional<bool> parse_go_bool(std::string_view text);

// strconv.Quote for the ASCII-printable case, used in Go-style error messages: "x" with \" \\ and
// \xNN for bytes outside printable ASCII.
std::string go_quote(std::string_view text);

}  // namespace rq::http
