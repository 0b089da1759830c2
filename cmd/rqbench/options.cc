#include "cmd/rqbench/options.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <string_view>

#include "http/go_text.h"

namespace rq::rqbench {

namespace {

Error bad(std::string message) { return Error(ErrorCode::invalid_argument, std::move(message)); }

std::string invalid_value(std::string_view value, std::string_view flag, std::string_view why) {
    return "invalid value \"" + std::string(value) + "\" for flag -" + std::string(flag) + ": " + std::string(why);
}

// Go's flag.IntVar accepts what strconv.ParseInt(s, 0, 64) accepts; we also need a lower bound.
std::optional<std::string> set_count(std::uint64_t& out, std::string_view flag, std::string_view value,
                                     std::uint64_t least, std::uint64_t most) {
    const std::optional<std::int64_t> parsed = http::parse_go_int(value);
    if (!parsed) return invalid_value(value, flag, "parse error");
    if (*parsed < 0 || static_cast<std::uint64_t>(*parsed) < least || static_cast<std::uint64_t>(*parsed) > most) {
        return invalid_value(value, flag,
                             "must be between " + std::to_string(least) + " and " + std::to_string(most));
    }
    out = static_cast<std::uint64_t>(*parsed);
    return std::nullopt;
}

std::optional<std::string> set_count32(std::uint32_t& out, std::string_view flag, std::string_view value,
                                       std::uint64_t most) {
    std::uint64_t wide = 0;
    if (auto error = set_count(wide, flag, value, 1, most)) return error;
    out = static_cast<std::uint32_t>(wide);
    return std::nullopt;
}

// -d: a Go duration runs for that long; a bare count runs that many requests (like -n).
std::optional<std::string> set_length(Options& options, std::string_view value) {
    if (auto count = http::parse_go_decimal_int(value)) {
        if (*count < 1) return invalid_value(value, "d", "a request count must be at least 1");
        options.requests = static_cast<std::uint64_t>(*count);
        options.duration.reset();
        return std::nullopt;
    }
    const std::optional<env::Duration> duration = http::parse_go_duration(value);
    if (!duration) return invalid_value(value, "d", "want a Go duration such as 10s or 1m30s, or a request count");
    if (duration->count() <= 0) return invalid_value(value, "d", "the duration must be positive");
    options.duration = *duration;
    return std::nullopt;
}

std::optional<std::string> set_timeout(Options& options, std::string_view value) {
    const std::optional<env::Duration> duration = http::parse_go_duration(value);
    if (!duration) return invalid_value(value, "timeout", "want a Go duration such as 10s");
    if (duration->count() <= 0) return invalid_value(value, "timeout", "the timeout must be positive");
    options.timeout = *duration;
    return std::nullopt;
}

std::optional<std::string> set_address(Options& options, std::string_view value) {
    // host:port, or [v6 host]:port as Go's net.SplitHostPort writes it.
    const std::size_t colon = value.rfind(':');
    if (colon == std::string_view::npos) return invalid_value(value, "a", "want host:port");
    std::string_view host = value.substr(0, colon);
    const std::string_view port = value.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    const bool port_is_number = !port.empty() && port.size() <= 5 &&
                                std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!port_is_number || std::stoul(std::string(port)) > 65535) return invalid_value(value, "a", "bad port");
    if (host.empty() || (host.find(':') != std::string_view::npos && value.front() != '[')) {
        return invalid_value(value, "a", "want host:port (IPv6 hosts in brackets)");
    }
    options.host = std::string(host);
    options.port = std::string(port);
    return std::nullopt;
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::optional<std::string> set_level(Options& options, std::string_view value) {
    const std::string level = lower(value);
    for (std::string_view known : {"none", "weak", "linearizable", "strong", "auto"}) {
        if (level == known) {
            options.level = level;
            return std::nullopt;
        }
    }
    return invalid_value(value, "l", "want none, weak, linearizable, strong or auto");
}

struct Flag {
    std::string_view name;
    bool boolean;
    std::function<std::optional<std::string>(Options&, std::string_view)> set;  // an error message, if any
};

std::vector<Flag> flag_table(bool& saw_count, bool& saw_length) {
    using O = Options;
    return {
        {"a", false, [](O& o, std::string_view v) { return set_address(o, v); }},
        {"n", false, [&saw_count](O& o, std::string_view v) {
             saw_count = true;
             return set_count(o.requests, "n", v, 1, UINT64_MAX >> 1);
         }},
        {"d", false, [&saw_length](O& o, std::string_view v) {
             saw_length = true;
             return set_length(o, v);
         }},
        {"b", false, [](O& o, std::string_view v) { return set_count32(o.batch, "b", v, kBatchMax); }},
        {"c", false, [](O& o, std::string_view v) { return set_count32(o.clients, "c", v, kClientsMax); }},
        {"m", false, [](O& o, std::string_view v) { return set_count(o.progress_every, "m", v, 0, UINT64_MAX >> 1); }},
        {"rows", false, [](O& o, std::string_view v) { return set_count(o.rows, "rows", v, 1, kRowsMax); }},
        {"p", false, [](O& o, std::string_view v) -> std::optional<std::string> {
             if (v.empty() || v.front() != '/') return invalid_value(v, "p", "an endpoint path starts with /");
             o.path = std::string(v);
             return std::nullopt;
         }},
        {"t", false, [](O&, std::string_view v) -> std::optional<std::string> {
             if (v != "http") return "not a valid transport: " + std::string(v) + " (only http)";
             return std::nullopt;
         }},
        {"o", false, [](O& o, std::string_view v) { o.one_shot = std::string(v); return std::optional<std::string>(); }},
        {"l", false, [](O& o, std::string_view v) { return set_level(o, v); }},
        {"timeout", false, [](O& o, std::string_view v) { return set_timeout(o, v); }},
        {"x", true, [](O& o, std::string_view v) { o.transaction = v == "true"; return std::optional<std::string>(); }},
        {"q", true, [](O& o, std::string_view v) { o.queued = v == "true"; return std::optional<std::string>(); }},
        {"json", true, [](O& o, std::string_view v) { o.json = v == "true"; return std::optional<std::string>(); }},
        {"h", true, [](O& o, std::string_view v) { o.help = v == "true"; return std::optional<std::string>(); }},
        {"help", true, [](O& o, std::string_view v) { o.help = v == "true"; return std::optional<std::string>(); }},
    };
}

std::string path_only(const std::string& path) { return path.substr(0, path.find('?')); }

// Cross-flag rules, checked once every flag is known.
Result<Options> validate(Options options, bool saw_count, bool saw_length) {
    if (saw_count && saw_length) return bad("give -n or -d, not both");
    const std::string endpoint = path_only(options.path);
    if (options.queued && endpoint != "/db/execute") return bad("-q (queued writes) applies only to /db/execute");
    if (!options.level.empty() && endpoint != "/db/query" && endpoint != "/db/request") {
        return bad("-l (read consistency level) applies only to /db/query and /db/request");
    }
    return options;
}

}  // namespace

std::string Options::address() const {
    return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;
}

bool Options::reads() const { return path_only(path) == "/db/query"; }

std::string Options::target() const {
    std::string out = path;
    auto add = [&out](std::string_view parameter) {
        out += out.find('?') == std::string::npos ? '?' : '&';
        out += parameter;
    };
    if (transaction) add("transaction");
    if (queued) add("queue");
    if (!level.empty()) add("level=" + level);
    return out;
}

Result<Options> parse_options(const std::vector<std::string>& args) {
    Options options;
    bool saw_count = false;
    bool saw_length = false;
    const std::vector<Flag> flags = flag_table(saw_count, saw_length);
    std::size_t i = 0;
    for (; i < args.size(); ++i) {
        std::string_view arg = args[i];
        if (arg.size() < 2 || arg.front() != '-') break;  // the first non-flag ends the flags, as in Go
        if (arg == "--") {
            ++i;
            break;
        }
        arg.remove_prefix(arg[1] == '-' ? 2 : 1);
        if (arg.empty() || arg.front() == '-' || arg.front() == '=') return bad("bad flag syntax: " + args[i]);
        const std::size_t equals = arg.find('=');
        const std::string_view name = arg.substr(0, equals);
        const auto flag = std::find_if(flags.begin(), flags.end(), [&](const Flag& f) { return f.name == name; });
        if (flag == flags.end()) return bad("flag provided but not defined: -" + std::string(name));
        std::string value;
        if (equals != std::string_view::npos) {
            value = std::string(arg.substr(equals + 1));
        } else if (flag->boolean) {
            value = "true";
        } else if (i + 1 < args.size()) {
            value = args[++i];
        } else {
            return bad("flag needs an argument: -" + std::string(name));
        }
        if (flag->boolean) {
            const std::optional<bool> truth = http::parse_go_bool(value);
            if (!truth) return bad(invalid_value(value, name, "parse error"));
            value = *truth ? "true" : "false";
        }
        if (std::optional<std::string> error = flag->set(options, value)) return bad(*error);
    }
    const std::size_t positional = args.size() - i;
    if (positional > 1) {
        return bad("expected one SQL statement, got " + std::to_string(positional) +
                   " arguments (quote the statement; flags go before it)");
    }
    if (positional == 1) {
        options.statement = args[i];
        if (options.statement.empty()) return bad("the SQL statement is empty");
    }
    return validate(std::move(options), saw_count, saw_length);
}

const char* usage_text() {
    return "usage: rqbench [flags] [\"<SQL statement>\"]\n"
           "Sends the statement (repeated -b times per request) to an rqlite HTTP endpoint from -c\n"
           "concurrent keep-alive clients and prints requests/s, statements/s and latency percentiles.\n"
           "Without a statement: a one-row INSERT into table rqbench (created first), or with -p /db/query\n"
           "a SELECT by primary key over -rows preloaded rows.\n"
           "  -a host:port   node address (default localhost:4001)\n"
           "  -n N           number of requests (default 100)\n"
           "  -d LENGTH      run for a Go duration (10s, 1m30s) or, given a bare number, that many requests\n"
           "  -c N           concurrent clients, one keep-alive connection each (default 1)\n"
           "  -b N           statements per request (default 1)\n"
           "  -p PATH        endpoint: /db/execute (default), /db/query, /db/request; may carry a query string\n"
           "  -l LEVEL       read consistency: none, weak, linearizable, strong, auto (/db/query, /db/request)\n"
           "  -x             wrap each request in a transaction (?transaction)\n"
           "  -q             queued writes (?queue); ends with one ?queue&wait request and reports its time\n"
           "  -o SQL         one-shot statement executed once through /db/execute before the load\n"
           "  -rows N        rows the default read workload preloads (default 1000)\n"
           "  -timeout D     per-request timeout, connecting included (default 30s)\n"
           "  -m N           print progress to stderr every N requests (default 0, never)\n"
           "  -t http        transport (only http)\n"
           "  -json          print one JSON object instead of text\n"
           "Errors (counted, never as successes): HTTP status other than 200, an \"error\" in the JSON\n"
           "body (top level or any result), an unparsable body, and transport failures or timeouts.\n"
           "Exit status: 0 when every request succeeded, 1 when some failed, 2 on bad usage or setup.\n";
}

}  // namespace rq::rqbench
