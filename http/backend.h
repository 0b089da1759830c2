#pragma once
// What the HTTP layer needs from a node's engine: the contract between http/ (rqlite's API) and the
// driver (node/). The real implementation adapts node::Driver; FakeBackend (fake_backend.h) runs a
// single in-memory store for tests.
//
// Threading: every method is called on the node's event loop (the io_context that also runs the HTTP
// server), and every callback must be invoked on that same thread, exactly once, possibly before the
// call returns (the fake does that). Nothing here locks.
//
// Division of labour:
//   - http/ parses requests, validates parameters, maps outcomes to status codes and renders JSON.
//   - The backend decides where a request runs (leader checks, forwarding to the leader over the
//     internode connection unless the client asked for a redirect), rewrites non-deterministic SQL
//     (unless told not to), refuses disallowed pragmas (store::check_pragmas, a top-level
//     "disallowed pragma" result), classifies /db/request batches, enforces freshness, and reports
//     the Raft index its results came from.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "env/clock.h"
#include "http/json_value.h"
#include "http/query_params.h"
#include "store/command.h"
#include "store/results.h"

namespace rq::http {

// ---- Failures ------------------------------------------------------------------------------------

// Why the engine did not produce results. The HTTP layer owns the mapping to rqlite's answers:
enum class EngineErrorKind : std::uint8_t {
    // This node is not the leader and did not forward, because the call said not to (`?redirect`)
    // or it cannot. With redirect: 301 to `leader_api_url` + path + query, or 500 "leader not found"
    // when the URL is empty. Without: 503 with `message` (or "not leader").
    not_leader,
    leader_not_found,     // no leader known: 503 "leader not found"
    remote_unauthorized,  // the leader refused forwarded credentials: 401 "remote <Op> not authorized"
    stale_read,           // freshness exceeded: 200 {"results":[],"error":"stale read"}
    leadership_lost,      // 200, top-level error `message` (e.g. "leadership lost while committing log")
    timeout,              // 200, top-level error `message` (apply, linearizable or forwarding timeout)
    not_open,             // the store is not open yet: 200, top-level error "store not open"
    busy,                 // flow control, try again: 503 with `message`
    shutting_down,        // the node is stopping: 503 with `message` (or "shutting down")
    failed,               // anything else: 200, top-level error `message`
};

struct EngineError {
    EngineErrorKind kind = EngineErrorKind::failed;
    std::string message;         // rqlite's text where it has one; see each kind
    std::string leader_api_url;  // not_leader: "http(s)://<leader -http-adv-addr>", or "" if unknown
};

// A reply: the value, or why there is none.
template <typename T>
using Outcome = std::variant<T, EngineError>;

// ---- Data requests (API.md §3, §4) ---------------------------------------------------------------

// How to treat non-deterministic SQL before it enters the log (API.md §8).
struct RewriteOptions {
    bool parse = true;           // false with `noparse`: no rewriting at all
    bool rewrite_random = true;  // false with `norwrandom`
    bool rewrite_time = true;    // false with `norwtime`
};

// Whether and how a follower hands the request to the leader (API.md §3.7).
struct Forwarding {
    bool allowed = true;  // false with `?redirect`: answer not_leader instead
    env::Duration timeout = std::chrono::seconds(30);  // `timeout`
    std::int64_t retries = 0;                           // `retries`
    // The client's Basic-Auth credentials, re-checked by the leader. Empty when none were sent.
    std::string username;
    std::string password;
};

struct ReadOptions {
    ReadLevel level = ReadLevel::weak;  // `automatic` is resolved by the backend (voter: weak, else none)
    env::Duration freshness{0};         // `freshness`; zero means not given
    bool freshness_strict = false;      // `freshness_strict`
    env::Duration linearizable_timeout = std::chrono::seconds(10);  // `linearizable_timeout`
};

// One call on /db/execute, /db/query or /db/request. `batch` carries the statements, `transaction`,
// `db_timeout` and `qualify_columns`.
struct DataCall {
    store::StatementBatch batch;
    ReadOptions read;         // query and request only
    RewriteOptions rewrite;   // execute and request; query only at level strong
    Forwarding forwarding;
};

struct DataResults {
    store::BatchResult batch;
    // The index of the Raft entry the results came from (writes, strong reads), for `?raft_index`;
    // 0 for reads served without the log.
    std::uint64_t raft_index = 0;
    // The leader's Raft address when the request was forwarded there; empty when served here.
    std::string forwarded_to;
};

using DataCallback = std::function<void(Outcome<DataResults>)>;

// ---- Cluster and node information (API.md §7) ----------------------------------------------------

struct LeaderInfo {
    std::string node_id;       // empty when no leader is known
    std::string raft_address;  // advertised Raft address
    std::string api_url;       // "http(s)://host:port", empty if not known yet
};

struct ServerInfo {
    std::string id;
    std::string raft_address;
    bool voter = true;
};

// What /status reports under "store" (store/store.go Stats). Fields marked MUST in API.md §7.1 are
// typed here; anything else the engine wants to report goes in `extra` (an object merged into
// "store"; `raft_extra` and `sqlite_extra` likewise into "store.raft" and "store.sqlite3").
struct StoreStatus {
    bool open = false;  // false: "store" is {"open":false} and nothing else is read
    std::string node_id;
    std::string raft_address;
    LeaderInfo leader;
    bool ready = false;  // open and a leader is known
    std::uint64_t fsm_index = 0;
    std::uint64_t fsm_term = 0;
    std::uint64_t db_applied_index = 0;
    std::string dir;
    std::vector<ServerInfo> nodes;  // sorted by id when rendered
    env::Duration apply_timeout{0};
    env::Duration heartbeat_timeout{0};
    env::Duration election_timeout{0};
    env::Duration commit_timeout{0};
    std::uint64_t snapshot_threshold = 0;
    env::Duration snapshot_interval{0};
    std::uint64_t trailing_logs = 0;

    struct Raft {
        std::string state = "Follower";  // Leader | Follower | Candidate | Shutdown
        std::uint64_t term = 0;
        std::uint64_t last_log_index = 0;
        std::uint64_t last_log_term = 0;
        std::uint64_t commit_index = 0;
        std::uint64_t applied_index = 0;
        std::uint64_t fsm_pending = 0;
        std::uint64_t last_snapshot_index = 0;
        std::uint64_t last_snapshot_term = 0;
        std::uint64_t num_peers = 0;
        std::string last_contact = "never";  // "0" on the leader, "never", or a Go duration
        bool voter = true;
    } raft;

    struct Sqlite {
        std::string version;
        std::string path;  // absolute path of db.sqlite
        std::uint64_t db_size = 0;
        std::map<std::string, std::string> pragmas_read_only;   // "pragmas.ro"
        std::map<std::string, std::string> pragmas_read_write;  // "pragmas.rw"
    } sqlite;

    struct SnapshotStore {
        std::string dir;
        std::uint64_t dir_size = 0;
        std::vector<std::string> snapshots;  // snapshot ids
    } snapshot_store;

    JsonValue extra = JsonValue::object();
    JsonValue raft_extra = JsonValue::object();
    JsonValue sqlite_extra = JsonValue::object();
};

// One expvar map of /debug/vars ("store", "cluster", ...): counter name → value.
struct CounterGroup {
    std::string name;
    std::map<std::string, std::int64_t> counters;
};

// /readyz (API.md §7.4) apart from its final `SELECT 1`, which the HTTP layer runs itself.
struct ReadinessCall {
    bool sync = false;  // wait until the local commit index reaches the leader's
    env::Duration timeout = std::chrono::seconds(30);
};

struct Readiness {
    enum class State : std::uint8_t {
        ready,
        no_leader,           // "[+]leader does not exist" (also while the store is not open)
        leader_unreachable,  // "[+]leader not contactable: <detail>"
        store_not_ready,     // "[+]store not ready"
        sync_failed,         // "[+]sync <detail>"
    };
    State state = State::ready;
    std::string detail;
};

// /nodes (API.md §7.2): one probed member.
struct NodeReport {
    std::string id;
    std::string api_addr;  // "http(s)://host:port"; empty when unreachable
    std::string addr;      // Raft address
    std::string version;
    bool voter = true;
    bool reachable = false;
    bool leader = false;
    std::optional<env::Duration> time;  // probe latency, when reachable
    std::string error;                  // why unreachable
};

struct NodesCall {
    bool include_nonvoters = false;
    env::Duration timeout = std::chrono::seconds(30);
};

// ---- Operations (API.md §6, §7.3, §7.5) ---------------------------------------------------------

enum class BackupFormat : std::uint8_t { binary, sql, delete_journal };

struct BackupCall {
    BackupFormat format = BackupFormat::binary;
    bool vacuum = false;
    bool leader_consistent = true;  // false with `noleader`: serve from the local database
    std::vector<std::string> tables;  // fmt=sql only
    Forwarding forwarding;
};

struct Done {};

class Backend {
public:
    virtual ~Backend() = default;

    // Data API. Each callback fires exactly once, on the event loop.
    virtual void execute(DataCall call, DataCallback done) = 0;
    virtual void query(DataCall call, DataCallback done) = 0;
    virtual void request(DataCall call, DataCallback done) = 0;

    // Synchronous state, cheap enough to call per request.
    [[nodiscard]] virtual LeaderInfo leader() const = 0;
    [[nodiscard]] virtual bool is_leader() const = 0;
    [[nodiscard]] virtual StoreStatus store_status() const = 0;
    [[nodiscard]] virtual std::vector<CounterGroup> counters() const = 0;

    virtual void readiness(ReadinessCall call, std::function<void(Readiness)> done) = 0;
    virtual void nodes(NodesCall call, std::function<void(Outcome<std::vector<NodeReport>>)> done) = 0;

    // DELETE /remove: removes `node_id` from the configuration (forwarded to the leader).
    virtual void remove_node(std::string node_id, Forwarding forwarding, std::function<void(Outcome<Done>)> done) = 0;
    // POST /leader: transfers leadership to `target_id` (any voter when empty); with `wait`, replies
    // once the transfer completed. Forwarded to the leader.
    virtual void step_down(std::string target_id, bool wait, Forwarding forwarding,
                           std::function<void(Outcome<Done>)> done) = 0;
    // POST /snapshot: Done, or `true` when there was nothing new to snapshot (204).
    virtual void snapshot(std::int64_t trailing_logs, std::function<void(Outcome<bool>)> done) = 0;
    // GET /db/backup: the whole backup in memory (binary image or SQL text).
    virtual void backup(BackupCall call, std::function<void(Outcome<std::string>)> done) = 0;
    // POST /db/load with a SQLite image: replicated through the log (forwarded to the leader).
    virtual void load(std::string image, Forwarding forwarding, std::function<void(Outcome<DataResults>)> done) = 0;
};

}  // namespace rq::http
