#pragma once
// rqlited's command line (API.md §1): Go `flag` package syntax, rqlite's flag set and defaults, and
// rqlite's startup validation, so that every command line that starts rqlite starts rqlited and every
// one that rqlite refuses is refused with the same words.
//
//   rqlited [flags] <data directory>
//
// Syntax (Go's flag package): -name or --name; -name=value or -name value for non-booleans; -name,
// -name=true or -name=false for booleans (never -name false: "false" would end the flags); parsing
// stops at the first argument that is not a flag, or after "--". Durations are Go durations ("500ms",
// "1m30s"), integers are Go integers (0x10, 0o17 and 1_000 are accepted, as strconv.ParseInt with
// base 0 accepts them). Repeating a flag keeps the last value.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "env/clock.h"

namespace rq::cmd {

using env::Duration;

// Every flag of API.md §1.3 except -version (see ParsedCommandLine::Action), named after the flag
// with '-' turned into '_', holding rqlite's default until the command line says otherwise. After a
// successful parse, http_adv_addr, raft_adv_addr and node_id are never empty (rqlite's defaults: the
// bind addresses, then the advertised Raft address) and data_dir is absolute.
struct Flags {
    // Identity and listeners.
    std::string node_id;
    std::string http_addr = "localhost:4001";
    std::string http_adv_addr;
    std::string http_allow_origin;
    std::string raft_addr = "localhost:4002";
    std::string raft_adv_addr;

    // Credentials, backups, TLS.
    std::string auth;
    std::string auto_backup;
    std::string auto_restore;
    std::string http_ca_cert;
    std::string http_cert;
    std::string http_key;
    bool http_verify_client = false;
    std::string http_verify_common_name;
    std::string node_ca_cert;
    std::string node_cert;
    std::string node_key;
    bool node_no_verify = false;
    bool node_verify_client = false;
    std::string node_verify_server_name;
    std::string node_verify_common_name;
    bool compress_snap_transport = false;

    // Cluster formation.
    std::string join;  // comma list, as given; see join_addresses()
    std::int64_t join_attempts = 5;
    Duration join_interval = std::chrono::seconds(3);
    std::string join_as;
    std::int64_t bootstrap_expect = 0;
    Duration bootstrap_expect_timeout = std::chrono::seconds(120);
    std::string disco_mode;
    std::string disco_key = "rqlite";
    std::string disco_config;

    // SQLite.
    bool fk = false;
    std::int64_t db_max_ro_conns = 256;
    Duration auto_vacuum_int{0};
    Duration auto_optimize_int = std::chrono::hours(24);
    std::vector<std::string> extensions_path;  // empty elements of the comma list are dropped

    // Raft.
    std::string raft_log_level = "WARN";
    bool raft_non_voter = false;
    std::uint64_t raft_snap = 8192;  // outstanding entries that trigger a snapshot
    std::uint64_t raft_snap_wal_size = 4'194'304;
    Duration raft_snap_int = std::chrono::seconds(10);
    Duration raft_leader_lease_timeout{0};  // 0: the Raft default
    Duration raft_heartbeat_timeout = std::chrono::seconds(1);
    Duration raft_commit_timeout = std::chrono::milliseconds(50);
    Duration raft_election_timeout = std::chrono::seconds(1);
    Duration raft_apply_timeout = std::chrono::seconds(10);
    bool raft_remove_shutdown = false;
    bool raft_cluster_remove_shutdown = false;
    bool raft_shutdown_stepdown = true;
    Duration raft_reap_node_timeout{0};  // 0: never reap
    Duration raft_reap_read_only_node_timeout{0};
    Duration cluster_connect_timeout = std::chrono::seconds(30);

    // Queued writes (API.md §5).
    std::int64_t write_queue_capacity = 1024;
    std::int64_t write_queue_batch_size = 128;
    Duration write_queue_timeout = std::chrono::milliseconds(50);
    bool write_queue_tx = false;

    // Accepted for compatibility; not core (API.md §1.3).
    std::string cdc_config;
    std::string otlp_endpoint;
    Duration otlp_interval = std::chrono::seconds(30);
    bool otlp_insecure = false;
    bool otlp_no_verify = false;
    std::string otlp_ca_cert;
    std::string otlp_cert;
    std::string otlp_key;
    std::string cpu_profile;
    std::string mem_profile;
    std::string trace_profile;

    // The one positional argument.
    std::string data_dir;

    // -join split on ',' exactly as rqlite splits it; empty when -join is empty.
    [[nodiscard]] std::vector<std::string> join_addresses() const;
};

// A join address is a Raft address ("host:port") or, as older rqlite took it, an HTTP API URL.
[[nodiscard]] bool is_http_url(std::string_view address);

struct ParsedCommandLine {
    // run: start the node with `flags`; version: print version_text() and exit 0; help: -h, -help or
    // --help was seen, print usage_text() to stderr and exit 0 (`flags` then holds what was parsed
    // before it and is not validated).
    enum class Action { run, version, help } action = Action::run;
    Flags flags;
};

// Parses and validates `args` (argv without argv[0]) in rqlite's order: flag syntax (stopping at
// -h), -version, the reap timeouts, the data directory argument, then rqlite's Validate (paths that
// must exist are looked up on the file system, relative to the working directory). Errors come in
// classes, told apart by code (describe_failure() turns them into rqlited's output):
//   ErrorCode::invalid_argument: Go's flag package refused the syntax; the message is its own, e.g.
//     "flag provided but not defined: -x" or `invalid value "1x" for flag -join-interval: parse error`.
//   ErrorCode::not_found: a file or extension path named by a flag does not exist.
//   ErrorCode::unsupported: rqlited will not run with this command line; the message is what rqlite
//     prints after "fatal: ", e.g. "no data directory set", "HTTP and Raft addresses must differ".
Result<ParsedCommandLine> parse_command_line(std::span<const std::string> args);

// What rqlited writes to stderr for a refused command line, and its exit status: the flag package's
// message and usage_text() with status 2 (Go's flag.ExitOnError), or "fatal: <message>" with 1.
struct CommandLineFailure {
    std::string stderr_text;
    int exit_code = 1;
};
CommandLineFailure describe_failure(const Error& error);

// What -h prints: a description, "Usage: rqlited [flags] <data directory>" and every flag in Go's
// flag.PrintDefaults layout (sorted by name, type word, help, non-zero default).
std::string usage_text();

// What -version prints, in rqlite's layout (API.md §1.1) with C++ facts in the Go slots:
// "rqlited v0.1.0 linux amd64 gcc12.2.0 sqlite3.40.1 (commit 1a2b3c4, compiler gcc)", no newline.
std::string version_text();

// This build's version ("v" and the CMake project version) and the commit it was configured at
// ("unknown" outside a git checkout), for /status and the X-RQLITE-VERSION header.
std::string rqlited_version();
std::string rqlited_commit();

// rqlite's node ID policy: -node-id if given, else the advertised Raft address, which defaults to
// the Raft bind address.
std::string default_node_id(const Flags& flags);

}  // namespace rq::cmd
