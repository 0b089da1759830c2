#include "cmd/rqbench/response_check.h"

namespace rq::rqbench {

namespace {

std::string clipped(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
    if (text.size() <= kErrorMessageBytesMax) return std::string(text);
    return std::string(text.substr(0, kErrorMessageBytesMax)) + "...";
}

Verdict failure(Outcome outcome, std::string message) { return Verdict{outcome, clipped(message)}; }

// The `error` member of an object as text, if it has one.
std::optional<std::string> error_member(simdjson::dom::object object) {
    simdjson::dom::element error;
    if (object["error"].get(error) != simdjson::SUCCESS) return std::nullopt;
    std::string_view text;
    if (error.get(text) == simdjson::SUCCESS) return std::string(text);
    return std::string(simdjson::minify(error));
}

}  // namespace

Verdict ResponseChecker::check(unsigned status, std::string_view body) {
    if (status != 200) return failure(Outcome::http_status, "HTTP " + std::to_string(status) + ": " + std::string(body));
    simdjson::dom::element root;
    if (parser_.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) {
        return failure(Outcome::bad_response, "body is not JSON: " + std::string(body));
    }
    simdjson::dom::object top;
    simdjson::dom::array results;
    if (root.get(top) != simdjson::SUCCESS || top["results"].get(results) != simdjson::SUCCESS) {
        return failure(Outcome::bad_response, "body has no results array: " + std::string(body));
    }
    if (auto error = error_member(top)) return failure(Outcome::sql_error, *error);
    for (simdjson::dom::element result : results) {
        simdjson::dom::object object;
        if (result.get(object) != simdjson::SUCCESS) {
            return failure(Outcome::bad_response, "a result is not an object: " + std::string(body));
        }
        if (auto error = error_member(object)) return failure(Outcome::sql_error, *error);
    }
    return Verdict{};
}

const char* outcome_name(Outcome outcome) {
    switch (outcome) {
        case Outcome::ok: return "ok";
        case Outcome::http_status: return "http_status";
        case Outcome::sql_error: return "sql_error";
        case Outcome::bad_response: return "bad_response";
    }
    return "unknown";
}

}  // namespace rq::rqbench
