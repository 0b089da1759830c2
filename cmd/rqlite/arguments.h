#pragma once
// The `rqlite` shell's command line (API.md §11), parsed as rqlite's CLI library parses it:
// `-H host`, `-H=host`, `--host host`, `--host=host`; boolean flags alone (`-i`) or with a Go
// boolean (`--insecure=false`). RQLITE_HOST=[scheme:]//host[:port] supplies scheme, host and port
// when none of -H, -p and -s is given.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "env/clock.h"

namespace rq::shell {

// Where and how to reach rqlited.
struct ConnectionOptions {
    std::string scheme = "http";  // "http" or "https"
    std::string host = "127.0.0.1";
    std::uint16_t port = 4001;
    std::string prefix = "/";               // URL path prefix; always starts and ends with '/'
    std::vector<std::string> alternatives;  // fallback "host:port" addresses, in order
    bool insecure = false;                  // do not verify the server's certificate
    std::string ca_cert_path;
    std::string client_cert_path;
    std::string client_key_path;
    std::string user;      // Basic auth, from -u user:pass
    std::string password;
    bool has_credentials = false;
    env::Duration http_timeout = std::chrono::seconds(30);  // 0: no deadline
};

struct Arguments {
    ConnectionOptions connection;
    bool help = false;
    bool version = false;
};

// Parses argv[1..] (not the program name). `rqlite_host` is the RQLITE_HOST variable, if set.
// Errors name the offending flag or value.
Result<Arguments> parse_arguments(const std::vector<std::string>& args, std::optional<std::string_view> rqlite_host);

// What RQLITE_HOST names.
struct HostAddress {
    std::string scheme;
    std::string host;
    std::uint16_t port = 4001;
    bool port_given = false;  // false: `port` is the default
};

// RQLITE_HOST as rqlite reads it: "http://host:port", "https://host", "//host:port"; the port
// defaults to 4001 and the scheme to http. A bare "host[:port]" is accepted too.
Result<HostAddress> parse_host_address(std::string_view text);

// "host:port", with brackets around an IPv6 host (Go's net.JoinHostPort).
std::string join_host_port(std::string_view host, std::uint16_t port);

// The text `rqlite -h` prints.
std::string usage_text();

}  // namespace rq::shell
