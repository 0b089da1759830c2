#pragma once
// node::Driver: the engine of one rqlite node. It joins the pure Raft core (raft/) to durable
// storage (wal/), the network (env::Transport) and the SQLite state machine (store/), through the
// environment interfaces only: no asio, no threads, no wall clock. rqlited (io/) and the simulator
// (sim/) run this same class.
//
// It runs the Ready loop in the order raft/ready.h requires (persist, sync, send, apply, serve reads,
// advance), completes client requests with their results, serves reads at every consistency level,
// fails pending requests when leadership moves, takes snapshots and applies membership changes.
// Every method is called on the node's event loop, one at a time; replies are delivered there too.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/planted_bug.h"
#include "base/random.h"
#include "base/result.h"
#include "env/clock.h"
#include "env/disk.h"
#include "env/syncer.h"
#include "env/transport.h"
#include "node/meta.h"
#include "raft/node.h"
#include "store/command.h"
#include "store/results.h"
#include "store/store.h"
#include "wal/durable_storage.h"

namespace rq::node {

// rqlite's read consistency levels (API.md section 4). `auto` is resolved by the caller.
enum class ReadLevel : std::uint8_t { none, weak, linearizable, strong };

// Why a request failed; http/ maps each to rqlite's status code and message.
enum class Failure : std::uint8_t {
    none,
    not_leader,       // only the leader serves this; `leader` names it
    no_leader,        // no leader is known
    leadership_lost,  // leadership moved while in flight: it may or may not have taken effect
    timeout,          // the deadline passed: it may or may not have taken effect
    stale,            // a `none` read with freshness_strict on a node that has not heard from a leader
    rejected,         // refused as such (disallowed pragma, membership change that makes no sense)
    busy,             // flow control: too much is waiting to commit; retry later
    stopped,          // shutting down, or stopped after a storage failure
};

const char* failure_name(Failure failure);

struct Reply {
    Failure failure = Failure::none;
    std::string message;            // for failures
    std::optional<NodeMeta> leader;  // with not_leader
    store::BatchResult results;
    raft::Index index;  // the log index of a write or strong read, for `raft_index`
    [[nodiscard]] bool ok() const { return failure == Failure::none; }
};
using ReplyCallback = std::function<void(Reply)>;

struct WriteOptions {
    bool parse = true;           // false with `noparse`: no rewriting at all
    bool rewrite_random = true;  // false with `norwrandom`
    bool rewrite_time = true;    // false with `norwtime`
    env::Duration timeout{0};    // 0: the driver's request_timeout
};

struct ReadOptions {
    ReadLevel level = ReadLevel::weak;
    env::Duration freshness{0};    // `none` reads: the longest acceptable time since hearing from a leader
    bool freshness_strict = false;  // fail (stale) instead of serving when freshness is exceeded
    env::Duration timeout{0};
};

struct DriverOptions {
    NodeMeta self;
    // The node's Raft state lives in <data_directory>/raft on the environment's Disk.
    std::string data_directory;
    store::StoreOptions store;
    raft::Config raft;  // `id` is derived from self.id
    // The environment calls tick() this often; request timeouts are counted in ticks of this length.
    env::Duration tick_interval = std::chrono::milliseconds(100);
    env::Duration request_timeout = std::chrono::seconds(10);
    // A snapshot is taken once this many entries were applied since the last one (rqlite -raft-snap).
    std::uint64_t snapshot_threshold_entries = 8192;
    // Founding voters of a brand-new cluster, used only when the node has no Raft state yet. Empty:
    // the node waits to be added by a leader.
    std::vector<NodeMeta> bootstrap;
    std::uint64_t seed = 0;  // rewriting of RANDOM() and friends draws from this stream
    // Called on the loop when this node's role, term or known leader changes (for logging).
    std::function<void(const raft::SoftState&, raft::Term)> on_state_change;
    // Test-only: the simulator plants this bug to prove its oracles catch it; rqlited never sets it.
    // open() hands it to the Raft core (raft.planted_bug is overwritten) and to the snapshot files;
    // the driver itself honours ack_before_fsync (base/planted_bug.h).
    PlantedBug planted_bug = PlantedBug::none;
};

struct Environment {
    env::Clock& clock;
    env::Disk& disk;
    env::Transport& transport;
    env::Syncer& syncer;
};

// Counters for /status and /debug/vars.
struct DriverStats {
    std::uint64_t proposals = 0;
    std::uint64_t applied_entries = 0;
    std::uint64_t snapshots_taken = 0;
    std::uint64_t snapshots_installed = 0;
    std::uint64_t read_index_rounds = 0;
    std::uint64_t syncs = 0;
    std::uint64_t ready_batches = 0;
};

class Driver {
public:
    static Result<std::unique_ptr<Driver>> open(DriverOptions options, Environment environment);
    ~Driver();
    Driver(const Driver&) = delete;
    Driver& operator=(const Driver&) = delete;

    // --- Inputs from the environment ---
    void tick();
    void receive(const raft::Message& message);

    // --- Client requests (API.md section 3). Each reply arrives exactly once. ---
    void execute(store::StatementBatch batch, const WriteOptions& options, ReplyCallback reply);
    void query(store::StatementBatch batch, const ReadOptions& options, ReplyCallback reply);
    // /db/request: read-only batches are read at `read.level`; anything else goes through the log.
    void request(store::StatementBatch batch, const WriteOptions& write, const ReadOptions& read, ReplyCallback reply);

    // --- Membership (leader only) ---
    void add_member(const NodeMeta& meta, bool voter, ReplyCallback reply);
    void remove_member(const std::string& node_id, ReplyCallback reply);
    raft::Refusal transfer_leadership(const std::string& node_id);
    void campaign();

    // /db/load: replaces the whole database with a SQLite image, through the log (leader only).
    void load(std::string image, const WriteOptions& options, ReplyCallback reply);

    // Takes a snapshot (rqlite /snapshot) as soon as no sync is running: at once, or when the running
    // one completes. `done` gets true when nothing was applied since the last snapshot.
    void snapshot_now(std::function<void(Result<bool>)> done);
    // Clean shutdown: fails pending requests, syncs the log and leaves the database reusable. Call it
    // only when no sync is running (sync_in_flight() is false).
    Status close();
    // True from handing a sync to the Syncer until its completion ran on the loop.
    [[nodiscard]] bool sync_in_flight() const { return persisting_; }

    // --- State ---
    [[nodiscard]] bool is_leader() const;
    [[nodiscard]] std::optional<NodeMeta> leader() const;
    [[nodiscard]] const NodeMeta& self() const { return options_.self; }
    [[nodiscard]] const std::map<raft::NodeId, NodeMeta>& members() const { return members_; }
    [[nodiscard]] raft::NodeStatus raft_status() const { return node_->status(); }
    [[nodiscard]] raft::Index applied_index() const { return store_->applied_index(); }
    [[nodiscard]] const raft::Node& raft() const { return *node_; }
    [[nodiscard]] store::Store& store() { return *store_; }
    [[nodiscard]] const wal::DurableStorage& storage() const { return *storage_; }
    [[nodiscard]] const DriverStats& stats() const { return stats_; }
    // Set once a storage or state-machine failure stopped the node (fail-stop: it serves nothing).
    [[nodiscard]] const std::optional<Error>& failure() const { return failure_; }
    // Time since this node last heard from a leader (0 on the leader itself).
    [[nodiscard]] env::Duration since_leader_contact() const;

private:
    struct PendingWrite {
        raft::Term term;
        env::Duration deadline;
        ReplyCallback reply;
    };
    struct PendingRead {
        store::StatementBatch batch;
        env::Duration deadline;
        ReplyCallback reply;
    };

    Driver(DriverOptions options, Environment environment, std::unique_ptr<wal::DurableStorage> storage,
           std::unique_ptr<store::Store> store);

    // driver.cc: opening, the Ready loop, failure.
    Status bootstrap_if_new();
    Status recover_state_machine();
    Status start_raft();
    void process();
    Status write_ready(const raft::Ready& ready);
    void finish_ready(raft::Ready&& ready);
    void on_soft_state(const raft::SoftState& state);
    void fail_stop(const Error& error);
    void fail_all(Failure failure, const std::string& message);

    // driver_apply.cc: the state machine side.
    Status apply(const raft::Entry& entry);
    Status apply_config(const raft::Entry& entry);
    // Loads the node snapshot at `index`: the member table, and the database when `restore_database`.
    Status install_snapshot_contents(raft::Index index, bool restore_database);
    void maybe_snapshot();
    Status take_snapshot();
    void run_requested_snapshots();

    // driver_requests.cc: client requests, reads, timeouts.
    std::optional<Reply> refuse_unless_leader() const;
    void propose(const store::Command& command, env::Duration timeout, ReplyCallback reply);
    void read_linearizable(store::StatementBatch batch, env::Duration timeout, ReplyCallback reply);
    void issue_read_round();
    void serve_ready_reads();
    void serve_read(PendingRead& read);
    void expire_requests();
    void propose_config_change(const raft::ConfigChange& change, ReplyCallback reply);
    env::Duration deadline_after(env::Duration timeout) const;

    DriverOptions options_;
    Environment env_;
    Random random_;
    std::unique_ptr<wal::DurableStorage> storage_;
    std::unique_ptr<store::Store> store_;
    std::unique_ptr<raft::Node> node_;
    std::map<raft::NodeId, NodeMeta> members_;  // as of the applied index
    raft::Index last_snapshot_index_;

    bool in_process_ = false;
    bool persisting_ = false;
    std::optional<raft::Ready> syncing_;  // the Ready whose sync is running (while persisting_)
    std::optional<Error> failure_;
    raft::SoftState soft_state_;
    env::Duration last_leader_contact_{0};

    std::map<raft::Index, PendingWrite> pending_writes_;  // leader: by the index its entry went to
    std::deque<PendingRead> reads_to_issue_;              // linearizable reads not yet in a round
    std::uint64_t next_read_id_ = 1;
    std::optional<std::uint64_t> read_round_in_flight_;
    std::vector<PendingRead> reads_in_round_;
    std::multimap<raft::Index, PendingRead> reads_awaiting_apply_;
    DriverStats stats_;
    std::vector<std::function<void(Result<bool>)>> snapshot_requests_;  // waiting for a sync to end
    // Asynchronous completions (a sync on another thread) check this is still alive.
    std::shared_ptr<int> lifetime_;
};

}  // namespace rq::node
