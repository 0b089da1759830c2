#include "http/fake_backend.h"

#include <sqlite3.h>

#include <atomic>

#include "store/pragma_guard.h"
#include "store/rewrite.h"

namespace rq::http {
namespace {

std::string unique_store_name() {
    static std::atomic<int> counter{0};
    return "http-fake-" + std::to_string(counter.fetch_add(1));
}

EngineError not_open_error() { return EngineError{EngineErrorKind::not_open, "store not open", ""}; }

}  // namespace

std::unique_ptr<FakeBackend> FakeBackend::open(const env::Clock& clock, FakeBackendOptions options) {
    store::StoreOptions store_options;
    store_options.location = store::DatabaseLocation::in_memory;
    store_options.path = unique_store_name();
    auto store = store::Store::open(store_options, clock, Random(options.seed));
    RQ_ASSERT(store.ok(), "fake backend: in-memory store failed to open", store.error().message());
    return std::unique_ptr<FakeBackend>(new FakeBackend(clock, std::move(options), std::move(store).value()));
}

FakeBackend::FakeBackend(const env::Clock& clock, FakeBackendOptions options, std::unique_ptr<store::Store> store)
    : clock_(clock), options_(std::move(options)), store_(std::move(store)), random_(options_.seed + 1) {}

bool FakeBackend::needs_leader(ReadLevel level) const {
    return level != ReadLevel::none && level != ReadLevel::automatic;
}

std::optional<EngineError> FakeBackend::refuse(const DataCall& call, bool leader_only) {
    if (next_failure_) {
        EngineError failure = std::move(*next_failure_);
        next_failure_.reset();
        return failure;
    }
    if (!open_) return not_open_error();
    if (!leader_only || !remote_leader_) return std::nullopt;
    if (remote_leader_->node_id.empty()) {
        return EngineError{EngineErrorKind::leader_not_found, "leader not found", ""};
    }
    if (!call.forwarding.allowed) return EngineError{EngineErrorKind::not_leader, "not leader", remote_leader_->api_url};
    return std::nullopt;  // "forwarded": served here, reported as the leader's
}

void FakeBackend::rewrite(store::StatementBatch& batch, const RewriteOptions& options) {
    if (!options.parse) return;
    store::RewriteOptions rewrite_options;
    rewrite_options.rewrite_random = options.rewrite_random;
    rewrite_options.rewrite_time = options.rewrite_time;
    store::rewrite_batch(batch, rewrite_options, clock_.unix_now(), random_);
}

Outcome<DataResults> FakeBackend::apply(store::CommandKind kind, store::StatementBatch batch) {
    // The leader refuses a disallowed pragma before proposing: no log entry, no index.
    if (Status allowed = store::check_pragmas(batch); !allowed.ok()) {
        DataResults refused;
        refused.batch.error = allowed.error().message();
        return refused;
    }
    store::Command command;
    command.kind = kind;
    command.unix_time = clock_.unix_now();
    command.batch = std::move(batch);
    auto applied = store_->apply(raft::Index(index_ + 1), command);
    if (!applied.ok()) return EngineError{EngineErrorKind::failed, applied.error().message(), ""};
    ++index_;
    return DataResults{std::move(applied).value(), index_, ""};
}

Outcome<DataResults> FakeBackend::read_locally(const DataCall& call) {
    const bool bounded_local_read = call.read.level == ReadLevel::none || call.read.level == ReadLevel::automatic;
    if (stale_ && bounded_local_read && call.read.freshness.count() > 0) {
        return EngineError{EngineErrorKind::stale_read, "stale read", ""};
    }
    auto results = store_->query(call.batch);
    if (!results.ok()) return EngineError{EngineErrorKind::failed, results.error().message(), ""};
    return DataResults{std::move(results).value(), 0, ""};
}

Outcome<DataResults> FakeBackend::mark_forwarded(Outcome<DataResults> outcome) const {
    if (auto* results = std::get_if<DataResults>(&outcome); results != nullptr && remote_leader_) {
        results->forwarded_to = remote_leader_->raft_address;
    }
    return outcome;
}

void FakeBackend::execute(DataCall call, DataCallback done) {
    if (auto refused = refuse(call, true)) return done(std::move(*refused));
    rewrite(call.batch, call.rewrite);
    done(mark_forwarded(apply(store::CommandKind::execute, std::move(call.batch))));
}

void FakeBackend::query(DataCall call, DataCallback done) {
    const bool leader_only = needs_leader(call.read.level);
    if (auto refused = refuse(call, leader_only)) return done(std::move(*refused));
    Outcome<DataResults> outcome;
    if (call.read.level == ReadLevel::strong) {
        rewrite(call.batch, call.rewrite);
        outcome = apply(store::CommandKind::query, std::move(call.batch));
    } else {
        outcome = read_locally(call);
    }
    done(leader_only ? mark_forwarded(std::move(outcome)) : std::move(outcome));
}

void FakeBackend::request(DataCall call, DataCallback done) {
    const bool read_only = call.read.level != ReadLevel::strong && open_ && store_->is_read_only(call.batch);
    const bool leader_only = !read_only || needs_leader(call.read.level);
    if (auto refused = refuse(call, leader_only)) return done(std::move(*refused));
    Outcome<DataResults> outcome;
    if (read_only) {
        outcome = read_locally(call);
    } else {
        rewrite(call.batch, call.rewrite);
        outcome = apply(store::CommandKind::request, std::move(call.batch));
    }
    done(leader_only ? mark_forwarded(std::move(outcome)) : std::move(outcome));
}

LeaderInfo FakeBackend::leader() const {
    if (remote_leader_) return *remote_leader_;
    return LeaderInfo{options_.node_id, options_.raft_address, options_.api_url};
}

StoreStatus FakeBackend::store_status() const {
    StoreStatus status;
    status.open = open_;
    if (!open_) return status;
    status.node_id = options_.node_id;
    status.raft_address = options_.raft_address;
    status.leader = leader();
    status.ready = !status.leader.node_id.empty();
    status.fsm_index = index_;
    status.db_applied_index = index_;
    status.nodes.push_back(ServerInfo{options_.node_id, options_.raft_address, true});
    status.apply_timeout = std::chrono::seconds(10);
    status.heartbeat_timeout = std::chrono::seconds(1);
    status.election_timeout = std::chrono::seconds(1);
    status.commit_timeout = std::chrono::milliseconds(50);
    status.snapshot_threshold = 8192;
    status.snapshot_interval = std::chrono::seconds(10);
    status.trailing_logs = 10240;
    status.raft.state = remote_leader_ ? "Follower" : "Leader";
    status.raft.last_contact = remote_leader_ ? "never" : "0";
    status.raft.term = 1;
    status.raft.last_log_index = index_;
    status.raft.commit_index = index_;
    status.raft.applied_index = index_;
    status.raft.last_snapshot_index = last_snapshot_index_;
    status.sqlite.version = sqlite3_libversion();
    status.sqlite.path = ":memory:";
    if (auto pragmas = store_->pragmas(); pragmas.ok()) {
        status.sqlite.pragmas_read_only = pragmas->read_only;
        status.sqlite.pragmas_read_write = pragmas->read_write;
    }
    return status;
}

std::vector<CounterGroup> FakeBackend::counters() const {
    CounterGroup store_counters{"store", {}};
    for (const char* name : {"num_snapshots", "num_restores", "num_restores_start", "num_restores_start_skipped",
                             "num_ignored_joins", "num_removed_before_joins"}) {
        store_counters.counters[name] = 0;
    }
    CounterGroup cluster_counters{"cluster", {{"num_join_req", 0}, {"num_client_force_new_conn", 0}}};
    return {store_counters, cluster_counters};
}

void FakeBackend::readiness(ReadinessCall, std::function<void(Readiness)> done) {
    if (!open_ || (remote_leader_ && remote_leader_->node_id.empty())) {
        return done(Readiness{Readiness::State::no_leader, ""});
    }
    done(Readiness{Readiness::State::ready, ""});
}

void FakeBackend::nodes(NodesCall, std::function<void(Outcome<std::vector<NodeReport>>)> done) {
    if (!open_) return done(EngineError{EngineErrorKind::not_open, "store not open", ""});
    NodeReport self;
    self.id = options_.node_id;
    self.api_addr = options_.api_url;
    self.addr = options_.raft_address;
    self.version = "unknown";
    self.reachable = true;
    self.leader = !remote_leader_;
    self.time = env::Duration{0};
    done(std::vector<NodeReport>{self});
}

void FakeBackend::remove_node(std::string node_id, Forwarding, std::function<void(Outcome<Done>)> done) {
    if (node_id == options_.node_id) {
        return done(EngineError{EngineErrorKind::failed, "cannot remove the only node", ""});
    }
    done(Done{});
}

void FakeBackend::step_down(std::string, bool, Forwarding, std::function<void(Outcome<Done>)> done) {
    done(EngineError{EngineErrorKind::failed, "cannot transfer leadership: no other voter", ""});
}

void FakeBackend::snapshot(std::int64_t, std::function<void(Outcome<bool>)> done) {
    const bool nothing_new = last_snapshot_index_ == index_;
    last_snapshot_index_ = index_;
    done(nothing_new);
}

void FakeBackend::backup(BackupCall call, std::function<void(Outcome<std::string>)> done) {
    if (call.format == BackupFormat::sql) {
        std::string text;
        Status dumped = store_->dump_sql(call.tables, [&text](std::string_view piece) {
            text += piece;
            return ok_status();
        });
        if (!dumped.ok()) return done(EngineError{EngineErrorKind::failed, dumped.error().message(), ""});
        return done(std::move(text));
    }
    auto image = store_->serialize();
    if (!image.ok()) return done(EngineError{EngineErrorKind::failed, image.error().message(), ""});
    done(std::move(image).value());
}

void FakeBackend::load(std::string image, Forwarding, std::function<void(Outcome<DataResults>)> done) {
    store::Command command;
    command.kind = store::CommandKind::load;
    command.unix_time = clock_.unix_now();
    command.database_image = std::move(image);
    auto applied = store_->apply(raft::Index(index_ + 1), command);
    if (!applied.ok()) return done(EngineError{EngineErrorKind::failed, applied.error().message(), ""});
    ++index_;
    done(DataResults{std::move(applied).value(), index_, ""});
}

}  // namespace rq::http
