#pragma once
// A Backend for tests, fuzzing and benchmarks: one node that is always its own leader, over a real
// in-memory store::Store, with no Raft. Writes are "committed" at successive indexes by applying
// them at once, so every reply arrives before the call returns. It does the engine's share of the
// work where the real engine will: rewriting non-deterministic SQL (with the clock and generator it
// is given), refusing disallowed pragmas before anything is proposed, classifying /db/request
// batches and sending strong reads through the "log".
//
// Tests steer it: inject the next failure, pretend another node leads (for redirects and
// forwarding), report stale reads.

#include <memory>
#include <optional>
#include <string>

#include "base/random.h"
#include "env/clock.h"
#include "http/backend.h"
#include "store/store.h"

namespace rq::http {

struct FakeBackendOptions {
    std::string node_id = "localhost:4002";
    std::string raft_address = "localhost:4002";
    std::string api_url = "http://localhost:4001";
    std::uint64_t seed = 1;
};

class FakeBackend final : public Backend {
public:
    // `clock` must outlive the backend; it is the store's clock and the rewriter's "now".
    static std::unique_ptr<FakeBackend> open(const env::Clock& clock, FakeBackendOptions options = {});

    void execute(DataCall call, DataCallback done) override;
    void query(DataCall call, DataCallback done) override;
    void request(DataCall call, DataCallback done) override;

    [[nodiscard]] LeaderInfo leader() const override;
    [[nodiscard]] bool is_leader() const override { return !remote_leader_; }
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

    // ---- Steering (tests) ----
    // The next data call fails with `error` instead of running.
    void fail_next(EngineError error) { next_failure_ = std::move(error); }
    // Another node leads: calls that must run on the leader are "forwarded" (served here, reported
    // as forwarded to `leader.raft_address`), or refused with not_leader when forwarding is off.
    // An empty node_id means no leader is known at all.
    void set_remote_leader(LeaderInfo leader) { remote_leader_ = std::move(leader); }
    void clear_remote_leader() { remote_leader_.reset(); }
    // `none` reads with a freshness bound report a stale read.
    void set_stale(bool stale) { stale_ = stale; }
    void set_open(bool open) { open_ = open; }

    [[nodiscard]] std::uint64_t last_index() const { return index_; }
    [[nodiscard]] store::Store& store() { return *store_; }

private:
    FakeBackend(const env::Clock& clock, FakeBackendOptions options, std::unique_ptr<store::Store> store);

    // A failure that stops the call before it runs (injected, closed, leadership), if any.
    std::optional<EngineError> refuse(const DataCall& call, bool needs_leader);
    void rewrite(store::StatementBatch& batch, const RewriteOptions& options);
    Outcome<DataResults> apply(store::CommandKind kind, store::StatementBatch batch);
    Outcome<DataResults> read_locally(const DataCall& call);
    Outcome<DataResults> mark_forwarded(Outcome<DataResults> outcome) const;
    [[nodiscard]] bool needs_leader(ReadLevel level) const;

    const env::Clock& clock_;
    FakeBackendOptions options_;
    std::unique_ptr<store::Store> store_;
    Random random_;
    std::uint64_t index_ = 0;
    std::uint64_t last_snapshot_index_ = 0;
    std::optional<EngineError> next_failure_;
    std::optional<LeaderInfo> remote_leader_;
    bool stale_ = false;
    bool open_ = true;
};

}  // namespace rq::http
