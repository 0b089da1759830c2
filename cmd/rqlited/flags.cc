#include "cmd/rqlited/flags.h"

#include <arpa/inet.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <optional>
#include <set>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>

#include "http/go_text.h"

#ifndef RQLITED_VERSION
#define RQLITED_VERSION "v0.0.0"
#endif
#ifndef RQLITED_COMMIT
#define RQLITED_COMMIT "unknown"
#endif

namespace rq::cmd {
namespace {

using http::go_quote;

// ---------------------------------------------------------------------------------------------
// The flag table: one row per flag drives parsing, the usage text and the defaults shown in it.

struct ShowVersion {};  // -version sets ParseState::show_version, not a field of Flags
using FlagTarget = std::variant<std::string Flags::*, bool Flags::*, std::int64_t Flags::*, std::uint64_t Flags::*,
                                Duration Flags::*, std::vector<std::string> Flags::*, ShowVersion>;

struct FlagSpec {
    std::string_view name;
    FlagTarget target;
    std::string_view help;
};

const std::vector<FlagSpec>& flag_specs() {
    static const std::vector<FlagSpec> specs = {
        {"version", ShowVersion{}, "Show version information and exit"},
        {"node-id", &Flags::node_id, "Unique, immutable ID of this node. If not set, the advertised Raft address"},
        {"http-addr", &Flags::http_addr, "HTTP API bind address. HTTPS when -http-cert and -http-key are set"},
        {"http-adv-addr", &Flags::http_adv_addr, "HTTP API address advertised to other nodes and clients. If not set, the bind address"},
        {"http-allow-origin", &Flags::http_allow_origin, "Value of the Access-Control-Allow-Origin header"},
        {"auth", &Flags::auth, "Path to the credentials and permissions file. If not set, no authentication"},
        {"auto-backup", &Flags::auto_backup, "Path to the automatic backup configuration file"},
        {"auto-restore", &Flags::auto_restore, "Path to the automatic restore configuration file"},
        {"http-ca-cert", &Flags::http_ca_cert, "Path to the CA certificate that verifies HTTPS client certificates and other nodes' HTTPS"},
        {"http-cert", &Flags::http_cert, "Path to the HTTPS X.509 certificate"},
        {"http-key", &Flags::http_key, "Path to the HTTPS X.509 private key"},
        {"http-verify-client", &Flags::http_verify_client, "Require HTTPS clients to present certificates (mutual TLS)"},
        {"http-verify-common-name", &Flags::http_verify_common_name, "Common name HTTPS client certificates must carry. Needs -http-verify-client"},
        {"node-ca-cert", &Flags::node_ca_cert, "Path to the CA certificate that verifies other nodes' certificates"},
        {"node-cert", &Flags::node_cert, "Path to this node's X.509 certificate. Setting it enables TLS between nodes"},
        {"node-key", &Flags::node_key, "Path to this node's X.509 private key"},
        {"node-no-verify", &Flags::node_no_verify, "Skip verification of other nodes' certificates"},
        {"node-verify-client", &Flags::node_verify_client, "Require connecting nodes to present certificates (mutual TLS)"},
        {"node-verify-server-name", &Flags::node_verify_server_name, "Host name expected in other nodes' certificates, instead of the dialled host"},
        {"node-verify-common-name", &Flags::node_verify_common_name, "Common name connecting nodes' certificates must carry. Needs -node-verify-client"},
        {"compress-snap-transport", &Flags::compress_snap_transport, "Compress snapshots sent between nodes. Must match across the cluster"},
        {"raft-addr", &Flags::raft_addr, "Inter-node (Raft) bind address, in host:port form"},
        {"raft-adv-addr", &Flags::raft_adv_addr, "Inter-node address advertised to other nodes. If not set, the bind address"},
        {"join", &Flags::join, "Comma-separated inter-node addresses (host:port) of nodes to join a cluster through"},
        {"join-attempts", &Flags::join_attempts, "Number of join attempts, each trying every join address"},
        {"join-interval", &Flags::join_interval, "Time between join attempts"},
        {"join-as", &Flags::join_as, "User in the -auth file whose password join requests carry. If not set, joins anonymously"},
        {"bootstrap-expect", &Flags::bootstrap_expect, "Number of voters that must know each other before the cluster bootstraps"},
        {"bootstrap-expect-timeout", &Flags::bootstrap_expect_timeout, "Time after which bootstrapping gives up"},
        {"disco-mode", &Flags::disco_mode, "Discovery mode: consul-kv, etcd-kv, dns or dns-srv. If not set, no discovery"},
        {"disco-key", &Flags::disco_key, "Key prefix in the discovery service"},
        {"disco-config", &Flags::disco_config, "Discovery configuration, or path to a file holding it"},
        {"fk", &Flags::fk, "Enable SQLite foreign key constraints. Must match across the cluster"},
        {"db-max-ro-conns", &Flags::db_max_ro_conns, "Maximum number of read-only SQLite connections. 0 for no limit"},
        {"auto-vacuum-int", &Flags::auto_vacuum_int, "Time between automatic VACUUMs. 0 disables them"},
        {"auto-optimize-int", &Flags::auto_optimize_int, "Time between automatic PRAGMA optimize runs. 0 disables them"},
        {"extensions-path", &Flags::extensions_path, "Comma-separated paths of SQLite extensions: files, directories, zip or tar.gz archives"},
        {"raft-log-level", &Flags::raft_log_level, "Minimum level of Raft log messages: ERROR, WARN, INFO or DEBUG"},
        {"raft-non-voter", &Flags::raft_non_voter, "Join as a non-voting read replica"},
        {"raft-snap", &Flags::raft_snap, "Number of log entries since the last snapshot that triggers a snapshot"},
        {"raft-snap-wal-size", &Flags::raft_snap_wal_size, "SQLite WAL size in bytes that triggers a snapshot. 0 disables it"},
        {"raft-snap-int", &Flags::raft_snap_int, "Time between checks of the snapshot thresholds"},
        {"raft-leader-lease-timeout", &Flags::raft_leader_lease_timeout, "Time a leader keeps leading without hearing from a quorum. 0 for the Raft default"},
        {"raft-heartbeat-timeout", &Flags::raft_heartbeat_timeout, "Time a follower waits without hearing from a leader before it campaigns"},
        {"raft-commit-timeout", &Flags::raft_commit_timeout, "Longest a leader waits before telling followers the commit index"},
        {"raft-election-timeout", &Flags::raft_election_timeout, "Time a candidate waits before it starts another election"},
        {"raft-apply-timeout", &Flags::raft_apply_timeout, "Longest a write waits to be committed and applied"},
        {"raft-remove-shutdown", &Flags::raft_remove_shutdown, "Shut Raft down when this node is removed from the cluster"},
        {"raft-cluster-remove-shutdown", &Flags::raft_cluster_remove_shutdown, "Remove this node from the cluster when it shuts down gracefully"},
        {"raft-shutdown-stepdown", &Flags::raft_shutdown_stepdown, "Hand leadership over before shutting down gracefully"},
        {"raft-reap-node-timeout", &Flags::raft_reap_node_timeout, "Time after which the leader removes an unreachable voter. 0 never removes"},
        {"raft-reap-read-only-node-timeout", &Flags::raft_reap_read_only_node_timeout, "Time after which the leader removes an unreachable non-voter. 0 never removes"},
        {"cluster-connect-timeout", &Flags::cluster_connect_timeout, "Timeout for connecting to another node"},
        {"write-queue-capacity", &Flags::write_queue_capacity, "Capacity of the queued-writes queue, in requests"},
        {"write-queue-batch-size", &Flags::write_queue_batch_size, "Queued requests merged into one Raft entry"},
        {"write-queue-timeout", &Flags::write_queue_timeout, "Time after which a partial batch of queued writes is sent"},
        {"write-queue-tx", &Flags::write_queue_tx, "Run each batch of queued writes in a transaction"},
        {"cdc-config", &Flags::cdc_config, "Change-data-capture webhook URL or configuration file path"},
        {"otlp-endpoint", &Flags::otlp_endpoint, "OpenTelemetry collector endpoint that metrics are pushed to"},
        {"otlp-interval", &Flags::otlp_interval, "Time between OpenTelemetry metric pushes"},
        {"otlp-insecure", &Flags::otlp_insecure, "Push OpenTelemetry metrics without TLS"},
        {"otlp-no-verify", &Flags::otlp_no_verify, "Skip verification of the OpenTelemetry collector's certificate"},
        {"otlp-ca-cert", &Flags::otlp_ca_cert, "Path to the CA certificate of the OpenTelemetry collector"},
        {"otlp-cert", &Flags::otlp_cert, "Path to the client certificate for the OpenTelemetry collector"},
        {"otlp-key", &Flags::otlp_key, "Path to the client key for the OpenTelemetry collector"},
        {"cpu-profile", &Flags::cpu_profile, "Path for CPU profiling output (accepted, not used)"},
        {"mem-profile", &Flags::mem_profile, "Path for memory profiling output (accepted, not used)"},
        {"trace-profile", &Flags::trace_profile, "Path for trace profiling output (accepted, not used)"},
    };
    return specs;
}

const FlagSpec* find_flag(std::string_view name) {
    for (const FlagSpec& spec : flag_specs()) {
        if (spec.name == name) return &spec;
    }
    return nullptr;
}

bool is_bool_flag(const FlagSpec& spec) {
    return std::holds_alternative<bool Flags::*>(spec.target) || std::holds_alternative<ShowVersion>(spec.target);
}

// ---------------------------------------------------------------------------------------------
// Go's flag package: FlagSet.parseOne and the Value.Set methods, with their exact messages.

Error usage_error(std::string message) { return Error(ErrorCode::invalid_argument, std::move(message)); }

struct ParseState {
    Flags flags;
    bool show_version = false;
    bool help = false;
    std::set<std::string, std::less<>> explicitly_set;  // Go's FlagSet.Visit
    std::vector<std::string> positional;
};

// strconv reports ErrRange only for text that is a well-formed number; the flag package then says
// "value out of range" instead of "parse error". Well-formed here: an optional sign (signed only),
// a base prefix and digits of that base. (Overflowing numbers written with underscores are called
// parse errors; Go would call them out of range.)
bool is_out_of_range_number(std::string_view text, bool is_signed) {
    if (is_signed && !text.empty() && (text[0] == '+' || text[0] == '-')) text.remove_prefix(1);
    unsigned base = 10;
    if (text.size() >= 2 && text[0] == '0') {
        const char marker = static_cast<char>(text[1] | 0x20);
        base = marker == 'x' ? 16 : marker == 'o' ? 8 : marker == 'b' ? 2 : 8;
        text.remove_prefix(marker == 'x' || marker == 'o' || marker == 'b' ? 2 : 1);
    }
    if (text.empty()) return false;
    return std::all_of(text.begin(), text.end(), [base](char c) {
        const char lower = static_cast<char>(c | 0x20);
        const unsigned digit = c >= '0' && c <= '9' ? static_cast<unsigned>(c - '0')
                               : lower >= 'a' && lower <= 'z' ? static_cast<unsigned>(lower - 'a') + 10
                                                              : 99;
        return digit < base;
    });
}

Error invalid_value(std::string_view value, std::string_view name, std::string_view reason) {
    return usage_error("invalid value " + go_quote(value) + " for flag -" + std::string(name) + ": " +
                       std::string(reason));
}

// Value.Set for every non-boolean kind.
Status set_value(const FlagSpec& spec, std::string_view value, Flags& flags) {
    const auto number_error = [&](bool is_signed) {
        return invalid_value(value, spec.name, is_out_of_range_number(value, is_signed) ? "value out of range" : "parse error");
    };
    if (const auto* text = std::get_if<std::string Flags::*>(&spec.target)) {
        flags.*(*text) = std::string(value);
    } else if (const auto* integer = std::get_if<std::int64_t Flags::*>(&spec.target)) {
        const std::optional<std::int64_t> parsed = http::parse_go_int(value);
        if (!parsed) return number_error(true);
        flags.*(*integer) = *parsed;
    } else if (const auto* unsigned_integer = std::get_if<std::uint64_t Flags::*>(&spec.target)) {
        const std::optional<std::uint64_t> parsed = http::parse_go_uint(value);
        if (!parsed) return number_error(false);
        flags.*(*unsigned_integer) = *parsed;
    } else if (const auto* duration = std::get_if<Duration Flags::*>(&spec.target)) {
        const std::optional<Duration> parsed = http::parse_go_duration(value);
        if (!parsed) return invalid_value(value, spec.name, "parse error");
        flags.*(*duration) = *parsed;
    } else if (const auto* list = std::get_if<std::vector<std::string> Flags::*>(&spec.target)) {
        std::vector<std::string>& out = flags.*(*list);
        out.clear();
        std::size_t start = 0;
        while (start <= value.size()) {
            const std::size_t comma = std::min(value.find(',', start), value.size());
            if (comma > start) out.emplace_back(value.substr(start, comma - start));
            start = comma + 1;
        }
    }
    return ok_status();
}

Status set_bool(const FlagSpec& spec, std::optional<std::string_view> value, ParseState& state) {
    bool parsed = true;
    if (value) {
        const std::optional<bool> given = http::parse_go_bool(*value);
        if (!given) {
            return usage_error("invalid boolean value " + go_quote(*value) + " for -" + std::string(spec.name) +
                               ": parse error");
        }
        parsed = *given;
    }
    if (std::holds_alternative<ShowVersion>(spec.target)) {
        state.show_version = parsed;
    } else {
        state.flags.*std::get<bool Flags::*>(spec.target) = parsed;
    }
    return ok_status();
}

// One step of FlagSet.parseOne: consumes the flag at args[next] (and its value if separate).
// Returns false when flags end: no more arguments, a non-flag, "--" (consumed), or -h/-help.
Result<bool> parse_one(std::span<const std::string> args, std::size_t& next, ParseState& state) {
    if (next >= args.size()) return false;
    const std::string_view arg = args[next];
    if (arg.size() < 2 || arg[0] != '-') return false;
    std::size_t dashes = 1;
    if (arg[1] == '-') {
        dashes = 2;
        if (arg.size() == 2) {
            ++next;
            return false;
        }
    }
    std::string_view name = arg.substr(dashes);
    if (name.empty() || name[0] == '-' || name[0] == '=') return usage_error("bad flag syntax: " + std::string(arg));
    ++next;
    std::optional<std::string_view> value;
    if (const std::size_t equals = name.find('=', 1); equals != std::string_view::npos) {
        value = name.substr(equals + 1);
        name = name.substr(0, equals);
    }
    const FlagSpec* spec = find_flag(name);
    if (spec == nullptr) {
        if (name == "help" || name == "h") {
            state.help = true;
            return false;
        }
        return usage_error("flag provided but not defined: -" + std::string(name));
    }
    if (is_bool_flag(*spec)) {
        if (Status status = set_bool(*spec, value, state); !status.ok()) return status.error();
    } else {
        if (!value && next < args.size()) value = args[next++];
        if (!value) return usage_error("flag needs an argument: -" + std::string(name));
        if (Status status = set_value(*spec, *value, state.flags); !status.ok()) return status.error();
    }
    state.explicitly_set.emplace(name);
    return true;
}

// ---------------------------------------------------------------------------------------------
// rqlite's checks after parsing (cmd/rqlited: ParseFlags and Config.Validate; API.md §1.2).

Error fatal(std::string message) { return Error(ErrorCode::unsupported, std::move(message)); }

struct HostPort {
    std::string_view host;
    std::string_view port;
};

// Go's net.SplitHostPort: splits only, checking brackets and colons, never the port's digits.
std::optional<HostPort> split_host_port(std::string_view address) {
    const std::size_t last_colon = address.rfind(':');
    if (last_colon == std::string_view::npos) return std::nullopt;
    std::string_view host;
    std::size_t no_open_bracket_from = 0;
    std::size_t no_close_bracket_from = 0;
    if (address[0] == '[') {
        const std::size_t end = address.find(']');
        if (end == std::string_view::npos || end + 1 != last_colon) return std::nullopt;
        host = address.substr(1, end - 1);
        no_open_bracket_from = 1;
        no_close_bracket_from = end + 1;
    } else {
        host = address.substr(0, last_colon);
        if (host.find(':') != std::string_view::npos) return std::nullopt;
    }
    if (address.find('[', no_open_bracket_from) != std::string_view::npos) return std::nullopt;
    if (address.find(']', no_close_bracket_from) != std::string_view::npos) return std::nullopt;
    return HostPort{host, address.substr(last_colon + 1)};
}

// net.ParseIP(host).IsUnspecified(): 0.0.0.0, ::, or :: with the IPv4 mapping of 0.0.0.0.
bool is_unspecified_ip(std::string_view host) {
    const std::string text(host);
    std::array<unsigned char, 16> bytes{};
    if (inet_pton(AF_INET, text.c_str(), bytes.data()) == 1) {
        return std::all_of(bytes.begin(), bytes.begin() + 4, [](unsigned char b) { return b == 0; });
    }
    if (inet_pton(AF_INET6, text.c_str(), bytes.data()) != 1) return false;
    const bool mapped_prefix = bytes[10] == 0xff && bytes[11] == 0xff;
    const auto zero = [](unsigned char b) { return b == 0; };
    return std::all_of(bytes.begin(), bytes.begin() + 10, zero) && std::all_of(bytes.begin() + 12, bytes.end(), zero) &&
           (mapped_prefix || (bytes[10] == 0 && bytes[11] == 0));
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        const char lower = text[i] >= 'A' && text[i] <= 'Z' ? static_cast<char>(text[i] + 32) : text[i];
        if (lower != prefix[i]) return false;
    }
    return true;
}

bool path_exists(const std::string& path) {
    std::error_code error;
    return std::filesystem::exists(path, error);
}

// filepath.Abs: joined to the working directory and cleaned ("./a/../b/" becomes "<cwd>/b").
std::string absolute_path(const std::string& path) {
    std::error_code error;
    std::filesystem::path absolute = std::filesystem::absolute(path, error);
    if (error) absolute = path;
    std::string cleaned = absolute.lexically_normal().string();
    while (cleaned.size() > 1 && cleaned.back() == '/') cleaned.pop_back();
    return cleaned;
}

// Config.CheckFilePaths: the flags that name files rqlited reads must name existing files.
Status check_file_paths(const Flags& flags) {
    for (const std::string* path : {&flags.auth, &flags.auto_backup, &flags.auto_restore, &flags.http_ca_cert,
                                    &flags.http_cert, &flags.http_key, &flags.node_ca_cert, &flags.node_cert,
                                    &flags.node_key}) {
        if (!path->empty() && !path_exists(*path)) return Error(ErrorCode::not_found, *path + " does not exist");
    }
    for (const std::string& path : flags.extensions_path) {
        if (!path_exists(path)) return Error(ErrorCode::not_found, "extension path does not exist: " + path);
    }
    return ok_status();
}

Status check_tls(const Flags& flags) {
    const auto both_or_neither = [](const std::string& a, const std::string& b) { return a.empty() == b.empty(); };
    if (!both_or_neither(flags.http_cert, flags.http_key)) {
        return fatal("either both -http-cert and -http-key must be set, or neither");
    }
    if (!both_or_neither(flags.node_cert, flags.node_key)) {
        return fatal("either both -node-cert and -node-key must be set, or neither");
    }
    if (!both_or_neither(flags.otlp_cert, flags.otlp_key)) {
        return fatal("either both -otlp-cert and -otlp-key must be set, or neither");
    }
    if (!flags.http_verify_common_name.empty() && !flags.http_verify_client) {
        return fatal("-http-verify-common-name requires -http-verify-client");
    }
    if (!flags.node_verify_common_name.empty() && !flags.node_verify_client) {
        return fatal("-node-verify-common-name requires -node-verify-client");
    }
    return ok_status();
}

Status check_http_addresses(const Flags& flags) {
    if (starts_with_ignoring_case(flags.http_addr, "http") || starts_with_ignoring_case(flags.http_adv_addr, "http")) {
        return fatal("HTTP options should not include protocol (http:// or https://)");
    }
    if (!split_host_port(flags.http_addr)) return fatal("HTTP bind address not valid");
    const std::optional<HostPort> advertised = split_host_port(flags.http_adv_addr);
    if (!advertised) return fatal("HTTP advertised HTTP address not valid");
    if (is_unspecified_ip(advertised->host)) {
        return fatal("advertised HTTP address is not routable (" + std::string(advertised->host) +
                     "), specify it via -http-addr or -http-adv-addr");
    }
    return ok_status();
}

Status check_raft_addresses(const Flags& flags) {
    const std::optional<HostPort> bind = split_host_port(flags.raft_addr);
    if (!bind) return fatal("raft bind address not valid");
    if (!http::parse_go_decimal_int(bind->port)) return fatal("raft bind port not valid");
    const std::optional<HostPort> advertised = split_host_port(flags.raft_adv_addr);
    if (!advertised) return fatal("raft advertised address not valid");
    if (is_unspecified_ip(advertised->host)) {
        return fatal("advertised Raft address is not routable (" + std::string(advertised->host) +
                     "), specify it via -raft-addr or -raft-adv-addr");
    }
    if (!http::parse_go_decimal_int(advertised->port)) return fatal("raft advertised port is not valid");
    return ok_status();
}

// Fills rqlite's address and node ID defaults, then checks the addresses.
Status check_addresses(Flags& flags) {
    if (flags.raft_addr == flags.http_addr) return fatal("HTTP and Raft addresses must differ");
    if (flags.raft_adv_addr.empty()) flags.raft_adv_addr = flags.raft_addr;
    if (flags.http_adv_addr.empty()) flags.http_adv_addr = flags.http_addr;
    flags.node_id = default_node_id(flags);
    if (Status status = check_http_addresses(flags); !status.ok()) return status.error();
    if (Status status = check_raft_addresses(flags); !status.ok()) return status.error();
    if (flags.raft_adv_addr == flags.http_adv_addr) return fatal("advertised HTTP and Raft addresses must differ");
    return ok_status();
}


Status check_join(const Flags& flags) {
    if (flags.join.empty()) return ok_status();
    for (const std::string& address : flags.join_addresses()) {
        if (!is_http_url(address) && !split_host_port(address)) return fatal(address + " is an invalid join address");
        if (flags.bootstrap_expect == 0) {
            if (address == flags.raft_adv_addr || address == flags.raft_addr) {
                return fatal("node cannot join with itself unless bootstrapping");
            }
            if (!flags.auto_restore.empty()) return fatal("auto-restoring cannot be used when joining a cluster");
        }
    }
    if (!flags.disco_mode.empty()) return fatal("disco mode cannot be used when also explicitly joining a cluster");
    return ok_status();
}

Status check_discovery(const Flags& flags) {
    const std::string& mode = flags.disco_mode;
    if (mode.empty()) return ok_status();
    if (mode == "consul-kv" || mode == "etcd-kv") {
        if (flags.bootstrap_expect > 0) return fatal("bootstrapping not applicable when using " + mode);
        return ok_status();
    }
    if (mode == "dns" || mode == "dns-srv") {
        if (flags.bootstrap_expect == 0 && !flags.raft_non_voter) {
            return fatal("bootstrap-expect value required when using " + mode + " with a voting node");
        }
        return ok_status();
    }
    return fatal("disco mode must be one of consul-kv, etcd-kv, dns, or dns-srv");
}

Status check_cluster(const Flags& flags) {
    if (flags.bootstrap_expect > 0 && flags.raft_non_voter) return fatal("bootstrapping only applicable to voting nodes");
    if (Status status = check_join(flags); !status.ok()) return status.error();
    if (!flags.cdc_config.empty() && flags.raft_non_voter) return fatal("CDC is not supported on non-voting nodes");
    return check_discovery(flags);
}

// Not rqlite's: values rqlite passes on unchecked but that mean nothing to this engine (a negative
// timeout, a queue that holds nothing) are refused here, after rqlite's own checks.
Status check_ranges(const Flags& flags) {
    for (const FlagSpec& spec : flag_specs()) {
        if (const auto* duration = std::get_if<Duration Flags::*>(&spec.target)) {
            if ((flags.*(*duration)).count() < 0) return fatal("-" + std::string(spec.name) + " must not be negative");
        } else if (const auto* integer = std::get_if<std::int64_t Flags::*>(&spec.target)) {
            if (flags.*(*integer) < 0) return fatal("-" + std::string(spec.name) + " must not be negative");
        }
    }
    const std::pair<std::string_view, bool> positive[] = {
        {"raft-heartbeat-timeout", flags.raft_heartbeat_timeout.count() > 0},
        {"raft-election-timeout", flags.raft_election_timeout.count() > 0},
        {"raft-apply-timeout", flags.raft_apply_timeout.count() > 0},
        {"raft-snap-int", flags.raft_snap_int.count() > 0},
        {"cluster-connect-timeout", flags.cluster_connect_timeout.count() > 0},
        {"write-queue-timeout", flags.write_queue_timeout.count() > 0},
        {"write-queue-capacity", flags.write_queue_capacity > 0},
        {"write-queue-batch-size", flags.write_queue_batch_size > 0},
    };
    for (const auto& [name, ok] : positive) {
        if (!ok) return fatal("-" + std::string(name) + " must be greater than 0");
    }
    return ok_status();
}

// Config.Validate, in rqlite's order, then this project's range checks.
Status validate(Flags& flags) {
    flags.data_dir = absolute_path(flags.data_dir);
    if (Status status = check_file_paths(flags); !status.ok()) return status.error();
    if (Status status = check_tls(flags); !status.ok()) return status.error();
    if (Status status = check_addresses(flags); !status.ok()) return status.error();
    if (Status status = check_cluster(flags); !status.ok()) return status.error();
    return check_ranges(flags);
}

// ParseFlags after fs.Parse: the reap timeouts if given (in Go's Visit order), then the arguments.
Status check_after_parse(const ParseState& state) {
    const std::pair<std::string_view, Duration> reap_timeouts[] = {
        {"raft-reap-node-timeout", state.flags.raft_reap_node_timeout},
        {"raft-reap-read-only-node-timeout", state.flags.raft_reap_read_only_node_timeout},
    };
    for (const auto& [name, value] : reap_timeouts) {
        if (state.explicitly_set.contains(name) && value.count() <= 0) {
            return fatal("-" + std::string(name) + " must be greater than 0");
        }
    }
    if (state.positional.empty()) return fatal("no data directory set");
    if (state.positional.size() > 1) {
        std::string rest;
        for (std::size_t i = 1; i < state.positional.size(); ++i) rest += (i > 1 ? " " : "") + state.positional[i];
        return fatal("arguments after data directory (" + state.positional[0] + ") are not accepted ([" + rest + "])");
    }
    return ok_status();
}

// ---------------------------------------------------------------------------------------------
// flag.PrintDefaults

std::string_view type_word(const FlagTarget& target) {
    if (std::holds_alternative<std::string Flags::*>(target)) return "string";
    if (std::holds_alternative<std::int64_t Flags::*>(target)) return "int";
    if (std::holds_alternative<std::uint64_t Flags::*>(target)) return "uint";
    if (std::holds_alternative<Duration Flags::*>(target)) return "duration";
    if (std::holds_alternative<std::vector<std::string> Flags::*>(target)) return "value";
    return "";  // booleans
}

// " (default ...)" when the default differs from the type's zero value, as Go prints it.
std::string default_suffix(const FlagTarget& target) {
    static const Flags defaults;
    if (const auto* text = std::get_if<std::string Flags::*>(&target)) {
        return (defaults.*(*text)).empty() ? "" : " (default " + go_quote(defaults.*(*text)) + ")";
    }
    if (const auto* flag = std::get_if<bool Flags::*>(&target)) return defaults.*(*flag) ? " (default true)" : "";
    if (const auto* integer = std::get_if<std::int64_t Flags::*>(&target)) {
        return defaults.*(*integer) == 0 ? "" : " (default " + std::to_string(defaults.*(*integer)) + ")";
    }
    if (const auto* unsigned_integer = std::get_if<std::uint64_t Flags::*>(&target)) {
        return defaults.*(*unsigned_integer) == 0 ? "" : " (default " + std::to_string(defaults.*(*unsigned_integer)) + ")";
    }
    if (const auto* duration = std::get_if<Duration Flags::*>(&target)) {
        const Duration value = defaults.*(*duration);
        return value.count() == 0 ? "" : " (default " + http::format_go_duration(value) + ")";
    }
    return "";  // -version and the extension list default to their zero values
}

constexpr std::string_view description =
    "rqlited is a node of a distributed relational database: SQLite, replicated with Raft, behind\n"
    "rqlite's HTTP API.";

std::string toolchain_version() {
#if defined(__clang__)
    return "clang" + std::to_string(__clang_major__) + "." + std::to_string(__clang_minor__) + "." +
           std::to_string(__clang_patchlevel__);
#elif defined(__GNUC__)
    return "gcc" + std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
           std::to_string(__GNUC_PATCHLEVEL__);
#else
    return "unknown";
#endif
}

std::string_view compiler_name() {
#if defined(__clang__)
    return "clang";
#elif defined(__GNUC__)
    return "gcc";
#else
    return "unknown";
#endif
}

std::string_view operating_system() {
#if defined(__linux__)
    return "linux";
#elif defined(__APPLE__)
    return "darwin";
#else
    return "unknown";
#endif
}

std::string_view architecture() {  // Go's GOARCH names
#if defined(__x86_64__)
    return "amd64";
#elif defined(__aarch64__)
    return "arm64";
#else
    return "unknown";
#endif
}

}  // namespace

// A join address is a Raft address as rqlite takes it (split as host:port, nothing more), or, in
// this project, an HTTP API URL (API.md §10.1), which is only tried, and may fail, when joining.
bool is_http_url(std::string_view address) {
    return starts_with_ignoring_case(address, "http://") || starts_with_ignoring_case(address, "https://");
}

std::vector<std::string> Flags::join_addresses() const {
    std::vector<std::string> addresses;
    if (join.empty()) return addresses;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = join.find(',', start);
        addresses.push_back(join.substr(start, comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return addresses;
}

std::string default_node_id(const Flags& flags) {
    if (!flags.node_id.empty()) return flags.node_id;
    return flags.raft_adv_addr.empty() ? flags.raft_addr : flags.raft_adv_addr;
}

Result<ParsedCommandLine> parse_command_line(std::span<const std::string> args) {
    ParseState state;
    std::size_t next = 0;
    while (true) {
        Result<bool> more = parse_one(args, next, state);
        if (!more.ok()) return more.error();
        if (!*more) break;
    }
    if (state.help) return ParsedCommandLine{ParsedCommandLine::Action::help, std::move(state.flags)};
    if (state.show_version) return ParsedCommandLine{ParsedCommandLine::Action::version, std::move(state.flags)};
    state.positional.assign(args.begin() + static_cast<std::ptrdiff_t>(next), args.end());
    if (Status status = check_after_parse(state); !status.ok()) return status.error();
    state.flags.data_dir = state.positional[0];
    if (Status status = validate(state.flags); !status.ok()) return status.error();
    return ParsedCommandLine{ParsedCommandLine::Action::run, std::move(state.flags)};
}

CommandLineFailure describe_failure(const Error& error) {
    if (error.code() == ErrorCode::invalid_argument) return {error.message() + "\n" + usage_text(), 2};
    return {"fatal: " + error.message() + "\n", 1};
}

std::string usage_text() {
    std::vector<const FlagSpec*> sorted;
    for (const FlagSpec& spec : flag_specs()) sorted.push_back(&spec);
    std::sort(sorted.begin(), sorted.end(), [](const FlagSpec* a, const FlagSpec* b) { return a->name < b->name; });
    std::string out = "\n" + std::string(description) + "\n\nUsage: rqlited [flags] <data directory>\n";
    for (const FlagSpec* spec : sorted) {
        std::string line = "  -" + std::string(spec->name);
        const std::string_view type = type_word(spec->target);
        if (!type.empty()) line += " " + std::string(type);
        line += line.size() <= 4 ? "\t" : "\n    \t";  // Go keeps one-letter booleans on one line
        line += std::string(spec->help) + default_suffix(spec->target) + "\n";
        out += line;
    }
    return out;
}

std::string version_text() {
    return "rqlited " + rqlited_version() + " " + std::string(operating_system()) + " " + std::string(architecture()) +
           " " + toolchain_version() + " sqlite" + sqlite3_libversion() + " (commit " + rqlited_commit() +
           ", compiler " + std::string(compiler_name()) + ")";
}

std::string rqlited_version() { return RQLITED_VERSION; }
std::string rqlited_commit() { return RQLITED_COMMIT; }

}  // namespace rq::cmd
