#pragma once
// Decides whether one rqlite response is a success. rqlite answers 200 for SQL failures and for
// store-level failures too (API.md §2.4, §3.4), so the status alone is not enough: the JSON body
// must have a `results` array, no top-level `error`, and no `error` in any result.

#include <cstdint>
#include <string>
#include <string_view>

#include <simdjson.h>

namespace rq::rqbench {

enum class Outcome : std::uint8_t {
    ok,
    http_status,   // a status other than 200
    sql_error,     // 200, with an "error" at the top level or in a result
    bad_response,  // 200, but the body is not rqlite's JSON shape
};

struct Verdict {
    Outcome outcome = Outcome::ok;
    std::string message;  // empty when ok: the error text, or what was wrong with the body
};

inline constexpr std::size_t kErrorMessageBytesMax = 300;

class ResponseChecker {
public:
    [[nodiscard]] Verdict check(unsigned status, std::string_view body);

private:
    simdjson::dom::parser parser_;  // reused: it keeps its buffers between responses
};

const char* outcome_name(Outcome outcome);

}  // namespace rq::rqbench
