#include "http/engine_backend.h"

#include <sqlite3.h>

#include <filesystem>

#include "http/go_text.h"

namespace rq::http {
namespace {

EngineError not_open_error() { return EngineError{EngineErrorKind::not_open, "store not open", ""}; }

node::ReadLevel node_level(ReadLevel level) {
    switch (level) {
        case ReadLevel::none: return node::ReadLevel::none;
        case ReadLevel::weak: return node::ReadLevel::weak;
        case ReadLevel::linearizable: return node::ReadLevel::linearizable;
        case ReadLevel::strong: return node::ReadLevel::strong;
        case ReadLevel::automatic: break;
    }
    return node::ReadLevel::weak;
}

node::WriteOptions write_options(const RewriteOptions& rewrite) {
    node::WriteOptions options;
    options.parse = rewrite.parse;
    options.rewrite_random = rewrite.rewrite_random;
    options.rewrite_time = rewrite.rewrite_time;
    return options;
}

const char* hashicorp_state_name(raft::Role role) {
    switch (role) {
        case raft::Role::leader: return "Leader";
        case raft::Role::candidate:
        case raft::Role::pre_candidate: return "Candidate";
        case raft::Role::follower: break;
    }
    return "Follower";
}

std::uint64_t file_size(const std::string& path) {
    std::error_code error;
    const auto size = std::filesystem::file_size(path, error);
    return error ? 0 : static_cast<std::uint64_t>(size);
}

std::uint64_t directory_size(const std::string& path) {
    std::error_code error;
    std::uint64_t total = 0;
    for (auto it = std::filesystem::recursive_directory_iterator(path, error);
         !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
        std::error_code size_error;
        if (it->is_regular_file(size_error)) total += file_size(it->path().string());
    }
    return total;
}

}  // namespace

EngineBackend::EngineBackend(const env::Clock& clock, Scheduler& scheduler, EngineBackendOptions options)
    : clock_(clock), scheduler_(scheduler), options_(std::move(options)) {}

std::string EngineBackend::api_url_of(const node::NodeMeta& meta) const {
    if (meta.http_address.empty()) return "";
    return options_.url_scheme + "://" + meta.http_address;
}

EngineError EngineBackend::error_of(const node::Reply& reply) const {
    using node::Failure;
    switch (reply.failure) {
        case Failure::not_leader:
            return EngineError{EngineErrorKind::not_leader, "not leader", reply.leader ? api_url_of(*reply.leader) : ""};
        case Failure::no_leader: return EngineError{EngineErrorKind::leader_not_found, "leader not found", ""};
        case Failure::leadership_lost:
            return EngineError{EngineErrorKind::leadership_lost, "leadership lost while committing log", ""};
        case Failure::timeout: return EngineError{EngineErrorKind::timeout, reply.message, ""};
        case Failure::stale: return EngineError{EngineErrorKind::stale_read, "stale read", ""};
        case Failure::busy: return EngineError{EngineErrorKind::busy, reply.message, ""};
        case Failure::stopped:
            if (reply.message == "node is shutting down") return EngineError{EngineErrorKind::shutting_down, reply.message, ""};
            return EngineError{EngineErrorKind::failed, reply.message, ""};
        case Failure::rejected:
        case Failure::none: break;
    }
    return EngineError{EngineErrorKind::failed, reply.message, ""};
}

// A refusal "as such" (a disallowed pragma) is an answer, not a failure: a top-level error with no
// results, as rqlite renders it.
Outcome<DataResults> EngineBackend::outcome_of(node::Reply reply) const {
    if (reply.failure == node::Failure::rejected) {
        DataResults refused;
        refused.batch.error = reply.message;
        return refused;
    }
    if (!reply.ok()) return error_of(reply);
    return DataResults{std::move(reply.results), reply.index.value(), ""};
}

node::ReadOptions EngineBackend::read_options(const ReadOptions& read) const {
    node::ReadOptions options;
    options.level = node_level(read.level);
    if (read.level == ReadLevel::automatic) {
        // API.md 4: auto is weak on a voter and none on a read replica.
        const raft::NodeStatus status = driver_->raft_status();
        options.level = status.config.is_voter(status.id) ? node::ReadLevel::weak : node::ReadLevel::none;
    }
    options.freshness = read.freshness;
    options.freshness_strict = read.freshness_strict;
    if (options.level == node::ReadLevel::linearizable) options.timeout = read.linearizable_timeout;
    return options;
}

bool EngineBackend::settled(bool needs_leader) const {
    if (driver_ == nullptr) return false;
    return !needs_leader || driver_->failure() || driver_->leader().has_value();
}

void EngineBackend::poll_until(std::function<bool()> condition, env::Duration deadline,
                               std::function<void(bool)> done) {
    if (condition()) return done(true);
    if (clock_.monotonic_now() >= deadline) return done(false);
    std::weak_ptr<bool> alive = alive_;
    scheduler_.after(std::chrono::milliseconds(5),
                     [this, alive, condition = std::move(condition), deadline, done = std::move(done)]() mutable {
                         if (alive.expired()) return;
                         poll_until(std::move(condition), deadline, std::move(done));
                     });
}

void EngineBackend::park(bool needs_leader, DataCall call, DataCallback done, Runner run) {
    auto parked = std::make_shared<std::pair<DataCall, DataCallback>>(std::move(call), std::move(done));
    std::weak_ptr<bool> alive = alive_;
    // Whatever holds at the deadline, the call then runs and answers for itself.
    poll_until([this, needs_leader] { return settled(needs_leader); }, clock_.monotonic_now() + options_.settle_timeout,
               [this, parked, alive, run](bool) {
                   if (!alive.expired()) (this->*run)(std::move(parked->first), std::move(parked->second));
               });
}

void EngineBackend::execute(DataCall call, DataCallback done) {
    if (!settled(true)) return park(true, std::move(call), std::move(done), &EngineBackend::execute_now);
    execute_now(std::move(call), std::move(done));
}

void EngineBackend::execute_now(DataCall call, DataCallback done) {
    if (driver_ == nullptr) return done(not_open_error());
    driver_->execute(std::move(call.batch), write_options(call.rewrite),
                     [this, done = std::move(done)](node::Reply reply) { done(outcome_of(std::move(reply))); });
}

void EngineBackend::query(DataCall call, DataCallback done) {
    const bool needs_leader = call.read.level != ReadLevel::none && call.read.level != ReadLevel::automatic;
    if (!settled(needs_leader)) return park(needs_leader, std::move(call), std::move(done), &EngineBackend::query_now);
    query_now(std::move(call), std::move(done));
}

void EngineBackend::query_now(DataCall call, DataCallback done) {
    if (driver_ == nullptr) return done(not_open_error());
    driver_->query(std::move(call.batch), read_options(call.read),
                   [this, done = std::move(done)](node::Reply reply) { done(outcome_of(std::move(reply))); });
}

void EngineBackend::request(DataCall call, DataCallback done) {
    // A batch that writes needs a leader; whether it writes is known only once the store is open.
    const bool local_level = call.read.level == ReadLevel::none || call.read.level == ReadLevel::automatic;
    const bool needs_leader = !local_level || driver_ == nullptr || !driver_->store().is_read_only(call.batch);
    if (!settled(needs_leader)) return park(needs_leader, std::move(call), std::move(done), &EngineBackend::request_now);
    request_now(std::move(call), std::move(done));
}

void EngineBackend::request_now(DataCall call, DataCallback done) {
    if (driver_ == nullptr) return done(not_open_error());
    driver_->request(std::move(call.batch), write_options(call.rewrite), read_options(call.read),
                     [this, done = std::move(done)](node::Reply reply) { done(outcome_of(std::move(reply))); });
}

LeaderInfo EngineBackend::leader() const {
    if (driver_ == nullptr) return {};
    const auto meta = driver_->leader();
    if (!meta) return {};
    return LeaderInfo{meta->id, meta->raft_address, api_url_of(*meta)};
}

StoreStatus EngineBackend::store_status() const {
    StoreStatus status;
    if (driver_ == nullptr) return status;
    const raft::NodeStatus raft_status = driver_->raft_status();
    const raft::RaftLog& log = driver_->raft().log();
    const raft::SnapshotMetadata snapshot = driver_->storage().snapshot_metadata();
    status.open = true;
    status.node_id = driver_->self().id;
    status.raft_address = driver_->self().raft_address;
    status.leader = leader();
    status.ready = !status.leader.node_id.empty() && !driver_->failure();
    status.fsm_index = driver_->applied_index().value();
    status.fsm_term = log.term(driver_->applied_index()).value_or(raft::Term(0)).value();
    status.db_applied_index = driver_->applied_index().value();
    status.dir = options_.data_directory;
    for (const auto& [id, meta] : driver_->members()) {
        status.nodes.push_back(ServerInfo{meta.id, meta.raft_address, raft_status.config.is_voter(id)});
    }
    status.apply_timeout = options_.apply_timeout;
    status.heartbeat_timeout = options_.heartbeat_timeout;
    status.election_timeout = options_.election_timeout;
    status.commit_timeout = options_.commit_timeout;
    status.snapshot_threshold = options_.snapshot_threshold;
    status.snapshot_interval = options_.snapshot_interval;
    status.trailing_logs = options_.trailing_logs;

    status.raft.state = driver_->failure() ? "Shutdown" : hashicorp_state_name(raft_status.role);
    status.raft.term = raft_status.hard_state.term.value();
    status.raft.last_log_index = raft_status.last_index.value();
    status.raft.last_log_term = log.last_term().value();
    status.raft.commit_index = raft_status.hard_state.commit.value();
    status.raft.applied_index = raft_status.applied.value();
    status.raft.fsm_pending = 0;  // entries are applied on the loop as they commit
    status.raft.last_snapshot_index = snapshot.index.value();
    status.raft.last_snapshot_term = snapshot.term.value();
    const bool voter = raft_status.config.is_voter(raft_status.id);
    const std::size_t voters = raft_status.config.voters.size();
    status.raft.num_peers = voters - (voter && voters > 0 ? 1 : 0);
    if (raft_status.role == raft::Role::leader) {
        status.raft.last_contact = "0";
    } else if (raft_status.leader != raft::no_node) {
        status.raft.last_contact = format_go_duration(driver_->since_leader_contact());
    }
    status.raft.voter = voter;

    status.sqlite.version = sqlite3_libversion();
    status.sqlite.path = options_.sqlite_path;
    status.sqlite.db_size = file_size(options_.sqlite_path);
    if (auto pragmas = driver_->store().pragmas(); pragmas.ok()) {
        status.sqlite.pragmas_read_only = pragmas->read_only;
        status.sqlite.pragmas_read_write = pragmas->read_write;
    }
    status.snapshot_store.dir = options_.data_directory + "/raft/snapshots";
    status.snapshot_store.dir_size = directory_size(status.snapshot_store.dir);
    if (snapshot.index > raft::Index(0)) {
        status.snapshot_store.snapshots.push_back(std::to_string(snapshot.term.value()) + "-" +
                                                  std::to_string(snapshot.index.value()));
    }
    status.extra.set("dir_size", directory_size(options_.data_directory));
    return status;
}

std::vector<CounterGroup> EngineBackend::counters() const {
    CounterGroup store_counters{"store", {}};
    for (const char* name : {"num_snapshots", "num_restores", "num_restores_start", "num_restores_start_skipped",
                             "num_ignored_joins", "num_removed_before_joins"}) {
        store_counters.counters[name] = 0;
    }
    if (driver_ != nullptr) {
        const node::DriverStats& stats = driver_->stats();
        store_counters.counters["num_snapshots"] = static_cast<std::int64_t>(stats.snapshots_taken);
        store_counters.counters["num_restores"] = static_cast<std::int64_t>(stats.snapshots_installed);
        store_counters.counters["num_proposals"] = static_cast<std::int64_t>(stats.proposals);
        store_counters.counters["num_applied"] = static_cast<std::int64_t>(stats.applied_entries);
        store_counters.counters["num_read_index_rounds"] = static_cast<std::int64_t>(stats.read_index_rounds);
        store_counters.counters["num_syncs"] = static_cast<std::int64_t>(stats.syncs);
    }
    CounterGroup cluster_counters{"cluster", {{"num_join_req", 0}, {"num_client_force_new_conn", 0}}};
    return {store_counters, cluster_counters};
}

std::optional<EngineError> EngineBackend::leader_refusal() const {
    if (driver_ == nullptr) return not_open_error();
    if (driver_->is_leader()) return std::nullopt;
    const auto meta = driver_->leader();
    if (!meta) return EngineError{EngineErrorKind::leader_not_found, "leader not found", ""};
    return EngineError{EngineErrorKind::not_leader, "not leader", api_url_of(*meta)};
}

void EngineBackend::readiness(ReadinessCall call, std::function<void(Readiness)> done) {
    if (driver_ == nullptr || !driver_->leader()) return done(Readiness{Readiness::State::no_leader, ""});
    if (driver_->failure()) return done(Readiness{Readiness::State::store_not_ready, ""});
    if (!call.sync) return done(Readiness{Readiness::State::ready, ""});
    // Ready once this node has applied what it knew to be committed when asked.
    const raft::Index target = driver_->raft().log().committed();
    poll_until([this, target] { return driver_ != nullptr && driver_->applied_index() >= target; },
               clock_.monotonic_now() + call.timeout, [done = std::move(done)](bool applied) {
                   done(applied ? Readiness{Readiness::State::ready, ""} : Readiness{Readiness::State::sync_failed, "timeout"});
               });
}

std::vector<NodeReport> EngineBackend::member_reports(bool include_nonvoters) const {
    const raft::NodeStatus status = driver_->raft_status();
    std::vector<NodeReport> reports;
    for (const auto& [id, meta] : driver_->members()) {
        const bool voter = status.config.is_voter(id);
        if (!voter && !include_nonvoters) continue;
        NodeReport report;
        report.id = meta.id;
        report.api_addr = api_url_of(meta);
        report.addr = meta.raft_address;
        report.voter = voter;
        report.leader = id == status.leader;
        // Without probes, reachability is what Raft knows: this node itself, and on the leader the
        // followers it heard from recently.
        bool reachable = id == status.id;
        for (const auto& progress : status.progress) {
            if (progress.id == id && progress.recent_active) reachable = true;
        }
        report.reachable = reachable;
        if (reachable) {
            report.time = env::Duration(0);
        } else {
            report.error = "not contacted recently";
        }
        reports.push_back(std::move(report));
    }
    return reports;
}

void EngineBackend::nodes(NodesCall call, std::function<void(Outcome<std::vector<NodeReport>>)> done) {
    if (driver_ == nullptr) return done(not_open_error());
    std::vector<NodeReport> reports = member_reports(call.include_nonvoters);
    if (!options_.probe) return done(std::move(reports));
    probe_members(std::move(reports), call.timeout, std::move(done));
}

// Every other member is asked at once; the answer goes out when the last probe has answered (each
// probe gives up at `timeout`).
void EngineBackend::probe_members(std::vector<NodeReport> reports, env::Duration timeout,
                                  std::function<void(Outcome<std::vector<NodeReport>>)> done) {
    struct Round {
        std::vector<NodeReport> reports;
        std::size_t outstanding = 0;
        std::function<void(Outcome<std::vector<NodeReport>>)> done;
    };
    auto round = std::make_shared<Round>(Round{std::move(reports), 0, std::move(done)});
    const std::string self_id = driver_->self().id;
    std::vector<std::pair<std::size_t, node::NodeMeta>> targets;
    for (std::size_t i = 0; i < round->reports.size(); ++i) {
        NodeReport& report = round->reports[i];
        if (report.id == self_id) {
            report.version = options_.version;
            continue;
        }
        targets.emplace_back(i, node::NodeMeta{report.id, report.addr, ""});
    }
    round->outstanding = targets.size();
    if (targets.empty()) return round->done(std::move(round->reports));
    for (const auto& [index, member] : targets) {
        options_.probe(member, timeout, [round, index = index](Result<ProbeAnswer> answer) {
            NodeReport& report = round->reports[index];
            report.reachable = answer.ok();
            if (answer.ok()) {
                if (!answer->api_url.empty()) report.api_addr = answer->api_url;
                report.version = answer->version;
                report.time = answer->time;
                report.error.clear();
            } else {
                report.time.reset();
                report.error = answer.error().message();
            }
            if (--round->outstanding == 0) round->done(std::move(round->reports));
        });
    }
}

void EngineBackend::remove_node(std::string node_id, Forwarding, std::function<void(Outcome<Done>)> done) {
    if (auto refusal = leader_refusal()) return done(std::move(*refusal));
    driver_->remove_member(node_id, [this, done = std::move(done)](node::Reply reply) {
        if (!reply.ok()) return done(error_of(reply));
        done(Done{});
    });
}

void EngineBackend::step_down(std::string target_id, bool wait, Forwarding forwarding,
                              std::function<void(Outcome<Done>)> done) {
    if (auto refusal = leader_refusal()) return done(std::move(*refusal));
    if (target_id.empty()) {
        const raft::NodeStatus status = driver_->raft_status();
        for (const auto& [id, meta] : driver_->members()) {
            if (id != status.id && status.config.is_voter(id)) target_id = meta.id;
        }
        if (target_id.empty()) {
            return done(EngineError{EngineErrorKind::failed, "cannot transfer leadership: no other voter", ""});
        }
    }
    const raft::Refusal refusal = driver_->transfer_leadership(target_id);
    if (refusal != raft::Refusal::none) {
        return done(EngineError{EngineErrorKind::failed,
                                std::string("cannot transfer leadership: ") + raft::refusal_name(refusal), ""});
    }
    if (!wait) return done(Done{});
    // Done once someone else leads, or give up at the forwarding timeout.
    poll_until([this] { return driver_ != nullptr && !driver_->is_leader() && driver_->leader().has_value(); },
               clock_.monotonic_now() + forwarding.timeout, [done = std::move(done)](bool moved) {
                   if (moved) return done(Done{});
                   done(EngineError{EngineErrorKind::timeout, "leadership transfer timed out", ""});
               });
}

void EngineBackend::snapshot(std::int64_t, std::function<void(Outcome<bool>)> done) {
    if (driver_ == nullptr) return done(not_open_error());
    driver_->snapshot_now([done = std::move(done)](Result<bool> taken) {
        if (!taken.ok()) return done(EngineError{EngineErrorKind::failed, taken.error().message(), ""});
        done(*taken);
    });
}

void EngineBackend::backup(BackupCall call, std::function<void(Outcome<std::string>)> done) {
    if (driver_ == nullptr) return done(not_open_error());
    if (call.leader_consistent) {
        if (auto refusal = leader_refusal()) return done(std::move(*refusal));
    }
    if (call.format == BackupFormat::sql) {
        std::string text;
        Status dumped = driver_->store().dump_sql(call.tables, [&text](std::string_view piece) {
            text += piece;
            return ok_status();
        });
        if (!dumped.ok()) return done(EngineError{EngineErrorKind::failed, dumped.error().message(), ""});
        return done(std::move(text));
    }
    auto image = driver_->store().serialize();
    if (!image.ok()) return done(EngineError{EngineErrorKind::failed, image.error().message(), ""});
    done(std::move(image).value());
}

void EngineBackend::load(std::string image, Forwarding, std::function<void(Outcome<DataResults>)> done) {
    if (driver_ == nullptr) return done(not_open_error());
    driver_->load(std::move(image), node::WriteOptions{},
                  [this, done = std::move(done)](node::Reply reply) { done(outcome_of(std::move(reply))); });
}

}  // namespace rq::http
