#pragma once
// The little URL handling the shell needs: absolute URLs from Location headers and /nodes
// api_addr fields, query strings encoded as Go's url.Values.Encode() encodes them, and Basic auth.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace rq::shell {

struct Endpoint {
    std::string scheme;  // "http" or "https"
    std::string host;    // without brackets
    std::uint16_t port = 0;

    // "host:port" (brackets around an IPv6 host).
    [[nodiscard]] std::string authority() const;
    bool operator==(const Endpoint&) const = default;
};

struct Url {
    Endpoint endpoint;
    std::string target;  // path and query, e.g. "/db/query?q=x"; "/" when empty
};

// Parses "http(s)://host[:port][/path][?query]" (default ports 80 and 443).
Result<Url> parse_url(std::string_view text);

// url.QueryEscape: letters, digits and "-_.~" stay, ' ' becomes '+', everything else %XX.
std::string query_escape(std::string_view text);

// url.Values{...}.Encode(): pairs sorted by key, "key=value" joined by '&'.
std::string encode_query(std::vector<std::pair<std::string, std::string>> pairs);

// Standard padded base64, for the Authorization header.
std::string base64_encode(std::string_view bytes);

}  // namespace rq::shell
