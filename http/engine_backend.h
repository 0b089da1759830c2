#pragma once
// The real Backend: rqlite's HTTP API over the engine (node::Driver). It translates HTTP-level calls
// into driver requests and driver replies into engine outcomes, and reports /status from the driver's
// state. The node's store may still be opening when requests arrive (rqlited serves /status before
// the store is open): until attach() every data call answers "store not open".
//
// Runs on the node's event loop like the driver; nothing here locks. A follower answers not_leader
// with the leader's URL; the Service then redirects (`?redirect`) or forwards the whole request to
// the leader (http::Forwarder, set by rqlited).

#include <memory>
#include <string>

#include "env/clock.h"
#include "http/backend.h"
#include "http/scheduler.h"
#include "node/driver.h"

namespace rq::http {

// What a /nodes probe of one member learnt: its advertised HTTP URL and version, and how long the
// round trip took.
struct ProbeAnswer {
    std::string api_url;
    std::string version;
    env::Duration time{0};
};
using ProbeCallback = std::function<void(Result<ProbeAnswer>)>;
using Prober = std::function<void(const node::NodeMeta& member, env::Duration timeout, ProbeCallback done)>;

struct EngineBackendOptions {
    std::string data_directory;  // absolute; for /status "dir"
    std::string sqlite_path;     // absolute; for /status "sqlite3.path" (":memory:" for in-memory)
    std::string url_scheme = "http";
    // Reported in /status; the driver's own settings are what take effect.
    env::Duration apply_timeout = std::chrono::seconds(10);
    env::Duration heartbeat_timeout = std::chrono::seconds(1);
    env::Duration election_timeout = std::chrono::seconds(1);
    env::Duration commit_timeout = std::chrono::milliseconds(50);
    std::uint64_t snapshot_threshold = 8192;
    env::Duration snapshot_interval = std::chrono::seconds(10);
    std::uint64_t trailing_logs = 10240;
    std::string version;  // this rqlited's version, reported for itself in /nodes
    std::string node_id;  // reported before the store is open
    std::string raft_address;
    // A data call that arrives before the store is open, or while no leader is known (a node just
    // started, an election in progress), waits up to this long for both before it is answered
    // "store not open" or "leader not found". Scripts that start a node and write at once work.
    env::Duration settle_timeout = std::chrono::seconds(5);
    // /nodes asks every other member for its metadata over the cluster service. Unset (tests, a
    // build without peers): reachability is what Raft's progress tracking knows.
    Prober probe;
};

class EngineBackend final : public Backend {
public:
    EngineBackend(const env::Clock& clock, Scheduler& scheduler, EngineBackendOptions options);

    // The driver serves from now on; it must outlive the backend or be detached first.
    void attach(node::Driver& driver) { driver_ = &driver; }
    void detach() { driver_ = nullptr; }
    [[nodiscard]] bool attached() const { return driver_ != nullptr; }

    void execute(DataCall call, DataCallback done) override;
    void query(DataCall call, DataCallback done) override;
    void request(DataCall call, DataCallback done) override;

    [[nodiscard]] LeaderInfo leader() const override;
    [[nodiscard]] bool is_leader() const override { return driver_ != nullptr && driver_->is_leader(); }
    [[nodiscard]] StoreStatus store_status() const override;
    [[nodiscard]] std::vector<CounterGroup> counters() const override;
    void readiness(ReadinessCall call, std::function<void(Readiness)> done) override;
    void nodes(NodesCall call, std::function<void(Outcome<std::vector<NodeReport>>)> done) override;
    void remove_node(std::string node_id, Forwarding forwarding, std::function<void(Outcome<Done>)> done) override;
    void step_down(std::string target_id, bool wait, Forwarding forwarding,
                   std::function<void(Outcome<Done>)> done) override;
    void snapshot(std::int64_t trailing_logs, std::function<void(Outcome<bool>)> done) override;
    void backup(BackupCall call, std::function<void(Outcome<std::string>)> done) override;
    void load(std::string image, Forwarding forwarding, std::function<void(Outcome<DataResults>)> done) override;

private:
    using Runner = void (EngineBackend::*)(DataCall, DataCallback);
    void park(bool needs_leader, DataCall call, DataCallback done, Runner run);
    void execute_now(DataCall call, DataCallback done);
    void query_now(DataCall call, DataCallback done);
    void request_now(DataCall call, DataCallback done);
    [[nodiscard]] node::ReadOptions read_options(const ReadOptions& read) const;
    [[nodiscard]] std::string api_url_of(const node::NodeMeta& meta) const;
    [[nodiscard]] EngineError error_of(const node::Reply& reply) const;
    [[nodiscard]] Outcome<DataResults> outcome_of(node::Reply reply) const;
    [[nodiscard]] std::optional<EngineError> leader_refusal() const;
    [[nodiscard]] std::vector<NodeReport> member_reports(bool include_nonvoters) const;
    void probe_members(std::vector<NodeReport> reports, env::Duration timeout,
                       std::function<void(Outcome<std::vector<NodeReport>>)> done);
    // The store is open and, if `needs_leader`, a leader is known (or the node has failed).
    [[nodiscard]] bool settled(bool needs_leader) const;
    // Checks `condition` now and then every few milliseconds on the scheduler; `done(true)` once it
    // holds, `done(false)` when `deadline` (monotonic) passes first.
    void poll_until(std::function<bool()> condition, env::Duration deadline, std::function<void(bool)> done);

    const env::Clock& clock_;
    Scheduler& scheduler_;
    EngineBackendOptions options_;
    node::Driver* driver_ = nullptr;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace rq::http
