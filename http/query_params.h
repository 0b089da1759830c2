#pragma once
// The query string of a request, parsed and validated exactly as rqlite does before routing
// (http/query_params.go; API.md §2.3): Go's url.ParseQuery, first value of a repeated key wins, keys
// are case-sensitive, boolean parameters are presence-based (`?pretty=false` still enables pretty).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "env/clock.h"

namespace rq::http {

// Go's url.QueryUnescape: "+" is a space, %XX a byte. On a bad escape, `error` receives Go's
// message (`invalid URL escape "%zz"`).
std::optional<std::string> query_unescape(std::string_view text, std::string* error);

// Go's url.PathUnescape (no "+" rule), for routing on the decoded path as net/http does.
std::optional<std::string> path_unescape(std::string_view text);

// rqlite's read consistency levels (API.md §4).
enum class ReadLevel : std::uint8_t { none, weak, linearizable, strong, automatic };

class QueryParams {
public:
    // Parses `raw_query` (the part after '?', without it) and applies rqlite's checks. The error's
    // message is the exact 400 body text (without the trailing newline): a Go parse error,
    // "freshness_strict requires freshness", "<key> is not a valid duration",
    // "<key> is not a valid integer" or "query parameter not set".
    static Result<QueryParams> parse(std::string_view raw_query);

    [[nodiscard]] bool has(std::string_view key) const { return values_.find(key) != values_.end(); }
    // The first value given for `key`, or "" when absent.
    [[nodiscard]] std::string_view get(std::string_view key) const;

    [[nodiscard]] bool pretty() const { return has("pretty"); }
    [[nodiscard]] bool timings() const { return has("timings"); }
    [[nodiscard]] bool transaction() const { return has("transaction"); }
    [[nodiscard]] bool associative() const { return has("associative"); }
    [[nodiscard]] bool blob_array() const { return has("blob_array"); }
    [[nodiscard]] bool raft_index() const { return has("raft_index"); }
    [[nodiscard]] bool noparse() const { return has("noparse"); }
    [[nodiscard]] bool norwrandom() const { return has("norwrandom"); }
    [[nodiscard]] bool norwtime() const { return has("norwtime"); }
    [[nodiscard]] bool redirect() const { return has("redirect"); }
    [[nodiscard]] bool queue() const { return has("queue"); }
    [[nodiscard]] bool wait() const { return has("wait"); }
    [[nodiscard]] bool noleader() const { return has("noleader"); }
    [[nodiscard]] bool nonvoters() const { return has("nonvoters"); }
    [[nodiscard]] bool sync() const { return has("sync"); }
    [[nodiscard]] bool freshness_strict() const { return has("freshness_strict"); }
    [[nodiscard]] bool qualify_columns() const { return has("qualify_columns"); }
    [[nodiscard]] bool vacuum() const { return has("vacuum"); }
    [[nodiscard]] bool compress() const { return has("compress"); }

    // Absent or unrecognised → weak; case-insensitive.
    [[nodiscard]] ReadLevel level() const;

    // Durations were validated by parse(); absent → `fallback`.
    [[nodiscard]] env::Duration duration(std::string_view key, env::Duration fallback) const;
    [[nodiscard]] std::int64_t integer(std::string_view key, std::int64_t fallback) const;

    [[nodiscard]] bool has_query() const { return has("q"); }
    [[nodiscard]] std::string_view query() const { return get("q"); }

private:
    std::map<std::string, std::string, std::less<>> values_;
};

}  // namespace rq::http
