#include "cmd/rqlite/arguments.h"

#include <functional>

#include "http/go_text.h"

namespace rq::shell {
namespace {

Error argument_error(std::string message) { return Error(ErrorCode::invalid_argument, std::move(message)); }

enum class FlagKind : std::uint8_t { text, boolean };

// One flag: its names, its help line and how it stores a value.
struct Flag {
    char short_name;
    std::string_view long_name;
    std::string_view default_text;  // shown as --name[=default] in the usage text
    std::string_view help;
    FlagKind kind;
    std::function<Status(Arguments&, std::string_view)> store;
};

Result<std::uint16_t> parse_port(std::string_view text, std::string_view what) {
    const std::optional<std::int64_t> port = http::parse_go_decimal_int(text);
    if (!port || *port < 1 || *port > 65535) {
        return argument_error("invalid " + std::string(what) + " '" + std::string(text) + "'");
    }
    return static_cast<std::uint16_t>(*port);
}

Status store_port(Arguments& arguments, std::string_view text) {
    Result<std::uint16_t> port = parse_port(text, "port");
    if (!port) return port.error();
    arguments.connection.port = *port;
    return ok_status();
}

Status store_scheme(Arguments& arguments, std::string_view text) {
    if (text != "http" && text != "https") {
        return argument_error("invalid scheme '" + std::string(text) + "': use http or https");
    }
    arguments.connection.scheme = std::string(text);
    return ok_status();
}

// rqlite joins the prefix and the endpoint name by concatenation, so it needs both slashes.
Status store_prefix(Arguments& arguments, std::string_view text) {
    std::string prefix(text);
    if (prefix.empty() || prefix.front() != '/') prefix.insert(prefix.begin(), '/');
    if (prefix.back() != '/') prefix.push_back('/');
    arguments.connection.prefix = std::move(prefix);
    return ok_status();
}

Status store_alternatives(Arguments& arguments, std::string_view text) {
    arguments.connection.alternatives.clear();
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        const std::string_view item = text.substr(start, comma - start);
        if (!item.empty()) arguments.connection.alternatives.emplace_back(item);
        start = comma + 1;
    }
    return ok_status();
}

// rqlite splits on every ':' and wants exactly two parts, so a password cannot contain one.
Status store_credentials(Arguments& arguments, std::string_view text) {
    const std::size_t colon = text.find(':');
    if (colon == std::string_view::npos || text.find(':', colon + 1) != std::string_view::npos) {
        return argument_error("invalid Basic Auth credentials format: use -u username:password");
    }
    arguments.connection.user = std::string(text.substr(0, colon));
    arguments.connection.password = std::string(text.substr(colon + 1));
    arguments.connection.has_credentials = true;
    return ok_status();
}

Status store_timeout(Arguments& arguments, std::string_view text) {
    std::string error;
    const std::optional<env::Duration> timeout = http::parse_go_duration(text, &error);
    if (!timeout) return argument_error("invalid --http-timeout: " + error);
    if (timeout->count() < 0) return argument_error("invalid --http-timeout: negative duration");
    arguments.connection.http_timeout = *timeout;
    return ok_status();
}

std::function<Status(Arguments&, std::string_view)> store_text(std::string ConnectionOptions::*field) {
    return [field](Arguments& arguments, std::string_view text) {
        arguments.connection.*field = std::string(text);
        return ok_status();
    };
}

std::function<Status(Arguments&, std::string_view)> store_bool(bool Arguments::*field) {
    return [field](Arguments& arguments, std::string_view text) {
        const std::optional<bool> value = http::parse_go_bool(text);
        if (!value) return Status(argument_error("invalid boolean value '" + std::string(text) + "'"));
        arguments.*field = *value;
        return ok_status();
    };
}

const std::vector<Flag>& flags() {
    static const std::vector<Flag> all = {
        {'h', "help", "", "show this help and exit", FlagKind::boolean, store_bool(&Arguments::help)},
        {'a', "alternatives", "", "fallback nodes, as a comma-separated list of host:port", FlagKind::text,
         store_alternatives},
        {'s', "scheme", "http", "protocol scheme: http or https", FlagKind::text, store_scheme},
        {'H', "host", "127.0.0.1", "host name or address of rqlited", FlagKind::text, store_text(&ConnectionOptions::host)},
        {'p', "port", "4001", "HTTP port of rqlited", FlagKind::text, store_port},
        {'P', "prefix", "/", "URL path prefix of rqlited's HTTP API", FlagKind::text, store_prefix},
        {'i', "insecure", "false", "accept any HTTPS certificate from rqlited (no verification)", FlagKind::boolean,
         [](Arguments& arguments, std::string_view text) {
             const std::optional<bool> value = http::parse_go_bool(text);
             if (!value) return Status(argument_error("invalid boolean value '" + std::string(text) + "'"));
             arguments.connection.insecure = *value;
             return ok_status();
         }},
        {'c', "ca-cert", "", "PEM file of the X.509 CA certificate(s) to trust", FlagKind::text,
         store_text(&ConnectionOptions::ca_cert_path)},
        {'d', "client-cert", "", "PEM file of the client X.509 certificate, for mutual TLS", FlagKind::text,
         store_text(&ConnectionOptions::client_cert_path)},
        {'k', "client-key", "", "PEM file of the client private key, for mutual TLS", FlagKind::text,
         store_text(&ConnectionOptions::client_key_path)},
        {'u', "user", "", "Basic auth credentials, as username:password", FlagKind::text, store_credentials},
        {'v', "version", "", "show the shell's version and exit", FlagKind::boolean, store_bool(&Arguments::version)},
        {'t', "http-timeout", "30s", "deadline of each HTTP request (Go duration; 0 for none)", FlagKind::text, store_timeout},
    };
    return all;
}

const Flag* find_flag(std::string_view name, bool is_long) {
    for (const Flag& flag : flags()) {
        if (is_long ? flag.long_name == name : (name.size() == 1 && flag.short_name == name[0])) return &flag;
    }
    return nullptr;
}

bool names_connection_target(const Flag& flag) {
    return flag.short_name == 'H' || flag.short_name == 'p' || flag.short_name == 's';
}

Status apply_host_environment(Arguments& arguments, std::string_view value) {
    Result<HostAddress> address = parse_host_address(value);
    if (!address) return address.error().with_context("RQLITE_HOST");
    arguments.connection.scheme = address->scheme;
    arguments.connection.host = address->host;
    arguments.connection.port = address->port;
    return ok_status();
}

}  // namespace

Result<Arguments> parse_arguments(const std::vector<std::string>& args, std::optional<std::string_view> rqlite_host) {
    Arguments arguments;
    bool target_given = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        if (arg.size() < 2 || arg[0] != '-') return argument_error("unexpected argument '" + std::string(arg) + "'");
        const bool is_long = arg[1] == '-';
        const std::string_view body = arg.substr(is_long ? 2 : 1);
        const std::size_t equals = body.find('=');
        const std::string_view name = body.substr(0, equals);
        const Flag* flag = find_flag(name, is_long);
        if (flag == nullptr) return argument_error("unknown flag '" + std::string(arg) + "'");
        std::string_view value;
        if (equals != std::string_view::npos) {
            value = body.substr(equals + 1);
        } else if (flag->kind == FlagKind::boolean) {
            value = "true";
        } else if (i + 1 < args.size()) {
            value = args[++i];
        } else {
            return argument_error("flag '" + std::string(arg) + "' needs a value");
        }
        RQ_TRY_STATUS(flag->store(arguments, value), "flag '" + std::string(arg) + "'");
        target_given = target_given || names_connection_target(*flag);
    }
    if (rqlite_host && !rqlite_host->empty() && !target_given) {
        RQ_TRY_STATUS(apply_host_environment(arguments, *rqlite_host), "environment");
    }
    return arguments;
}

Result<HostAddress> parse_host_address(std::string_view text) {
    HostAddress address;
    address.scheme = "http";
    std::string_view rest = text;
    const std::size_t authority = rest.find("//");
    if (authority != std::string_view::npos) {
        std::string_view scheme = rest.substr(0, authority);
        if (!scheme.empty()) {
            if (scheme.back() != ':') return argument_error("invalid address '" + std::string(text) + "'");
            scheme.remove_suffix(1);
            if (scheme != "http" && scheme != "https") {
                return argument_error("invalid scheme '" + std::string(scheme) + "' in '" + std::string(text) + "'");
            }
            address.scheme = std::string(scheme);
        }
        rest = rest.substr(authority + 2);
    }
    rest = rest.substr(0, rest.find('/'));
    std::string_view port_text;
    bool has_colon = false;
    if (!rest.empty() && rest.front() == '[') {
        const std::size_t close = rest.find(']');
        if (close == std::string_view::npos) return argument_error("invalid address '" + std::string(text) + "'");
        address.host = std::string(rest.substr(1, close - 1));
        const std::string_view after = rest.substr(close + 1);
        if (!after.empty() && after.front() != ':') return argument_error("invalid address '" + std::string(text) + "'");
        has_colon = !after.empty();
        if (has_colon) port_text = after.substr(1);
    } else {
        const std::size_t colon = rest.rfind(':');
        address.host = std::string(rest.substr(0, colon));
        has_colon = colon != std::string_view::npos;
        if (has_colon) port_text = rest.substr(colon + 1);
    }
    if (address.host.empty()) return argument_error("no host in '" + std::string(text) + "'");
    if (has_colon) {
        Result<std::uint16_t> port = parse_port(port_text, "port");
        if (!port) return port.error().with_context("'" + std::string(text) + "'");
        address.port = *port;
        address.port_given = true;
    }
    return address;
}

std::string join_host_port(std::string_view host, std::uint16_t port) {
    const bool ipv6 = host.find(':') != std::string_view::npos;
    std::string out;
    if (ipv6) out += '[';
    out += host;
    if (ipv6) out += ']';
    out += ':';
    out += std::to_string(port);
    return out;
}

std::string usage_text() {
    std::string out = "Options:\n\n";
    for (const Flag& flag : flags()) {
        out += "  -";
        out += flag.short_name;
        out += ", --";
        out += flag.long_name;
        if (!flag.default_text.empty()) {
            out += "[=";
            out += flag.default_text;
            out += ']';
        }
        out += "\n      ";
        out += flag.help;
        out += "\n\n";
    }
    out += "Environment:\n\n  RQLITE_HOST=[scheme:]//host[:port]\n"
           "      the node to connect to when none of -H, -p and -s is given\n";
    return out;
}

}  // namespace rq::shell
