#include "cmd/rqlite/url.h"

#include <algorithm>

#include "cmd/rqlite/arguments.h"

namespace rq::shell {
namespace {

Error url_error(std::string_view text, std::string_view why) {
    return Error(ErrorCode::invalid_argument, "invalid URL '" + std::string(text) + "': " + std::string(why));
}

bool is_unreserved(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.' || c == '~';
}

}  // namespace

std::string Endpoint::authority() const { return join_host_port(host, port); }

Result<Url> parse_url(std::string_view text) {
    const std::size_t separator = text.find("://");
    if (separator == std::string_view::npos) return url_error(text, "no scheme");
    Url url;
    url.endpoint.scheme = std::string(text.substr(0, separator));
    if (url.endpoint.scheme != "http" && url.endpoint.scheme != "https") return url_error(text, "scheme is not http(s)");
    const std::string_view rest = text.substr(separator + 3);
    const std::size_t path_start = std::min(rest.find_first_of("/?"), rest.size());
    const std::string_view authority = rest.substr(0, path_start);
    url.target = std::string(rest.substr(path_start));
    if (url.target.empty() || url.target.front() == '?') url.target.insert(url.target.begin(), '/');
    url.endpoint.port = url.endpoint.scheme == "https" ? 443 : 80;
    Result<HostAddress> address = parse_host_address(authority);
    if (!address) return url_error(text, address.error().message());
    url.endpoint.host = address->host;
    if (address->port_given) url.endpoint.port = address->port;
    return url;
}

std::string query_escape(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
        if (is_unreserved(c)) {
            out += c;
        } else if (c == ' ') {
            out += '+';
        } else {
            const auto byte = static_cast<unsigned char>(c);
            out += '%';
            out += hex[byte >> 4];
            out += hex[byte & 0xf];
        }
    }
    return out;
}

std::string encode_query(std::vector<std::pair<std::string, std::string>> pairs) {
    std::stable_sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out;
    for (const auto& [key, value] : pairs) {
        if (!out.empty()) out += '&';
        out += query_escape(key);
        out += '=';
        out += query_escape(value);
    }
    return out;
}

std::string base64_encode(std::string_view bytes) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const auto triple = (static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16) |
                            (static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                            static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 2]));
        out += alphabet[(triple >> 18) & 63];
        out += alphabet[(triple >> 12) & 63];
        out += alphabet[(triple >> 6) & 63];
        out += alphabet[triple & 63];
    }
    const std::size_t left = bytes.size() - i;
    if (left > 0) {
        unsigned triple = static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16;
        if (left == 2) triple |= static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8;
        out += alphabet[(triple >> 18) & 63];
        out += alphabet[(triple >> 12) & 63];
        out += left == 2 ? alphabet[(triple >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

}  // namespace rq::shell
