#include "sim/simulation.h"

#include <chrono>
#include <algorithm>
#include <iterator>
#include <memory>
#include <variant>

#include "sim/clients.h"
#include "sim/cluster.h"
#include "sim/faults.h"
#include "sim/history_oracle.h"
#include "sim/raft_oracle.h"
#include "sim/recorder.h"
#include "sim/workload.h"

namespace rq::sim {

namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr Duration oracle_period = seconds(1);
constexpr Duration setup_bound = seconds(60);
constexpr Duration convergence_bound = seconds(30);
constexpr std::uint64_t message_storm_per_period = 50'000;

// The independent streams one seed splits into. The order of the forks is part of the format:
// changing it changes every seed's run.
struct Streams {
    explicit Streams(std::uint64_t seed) : root(seed) {}
    Random root;
    Random faults = root.fork();
    Random cluster = root.fork();
    Random clients = root.fork();
    Random buggify = root.fork();
    Random injector = root.fork();
};

node::DriverOptions base_options(const SimOptions& options, const Buggify& buggify) {
    node::DriverOptions base;
    base.raft.election_timeout_ticks = 10;
    base.raft.heartbeat_interval_ticks = 1;
    base.raft.snapshot_chunk_bytes = 64 * 1024;
    base.raft.max_snapshot_inflight_bytes = 256 * 1024;
    base.tick_interval = milliseconds(100);
    base.request_timeout = seconds(4);
    base.snapshot_threshold_entries = 200;
    base.planted_bug = options.plant;
    if (options.buggify) buggify.apply(base);
    return base;
}

ScheduleShape shape_of(const SimOptions& options) {
    return ScheduleShape{options.nodes, options.nodes + 1, options.duration, options.faults};
}

class Simulation {
public:
    Simulation(const SimOptions& options, std::unique_ptr<Workload> workload)
        : options_(options),
          trace_(timestamped(options.trace)),
          streams_(options.seed),
          buggify_(choose_buggify(streams_.buggify)),
          cluster_(world_, ClusterConfig{options.nodes, 1, base_options(options, buggify_)}, streams_.cluster),
          workload_(std::move(workload)),
          clients_(world_, cluster_, *workload_, recorder_, streams_.clients, ClientOptions{options.clients},
                   trace_),
          injector_(world_, cluster_, streams_.injector, trace_),
          oracle_(cluster_) {
        result_.schedule = options.schedule ? *options.schedule : generate_schedule(streams_.faults, shape_of(options));
        result_.buggify = options.buggify ? buggify_.describe() : "disabled";
        cluster_.set_trace(trace_);
    }

    SimResult run() {
        trace_elections();
        world_.set_after_each([this] {
            if (!violation_) violation_ = oracle_.after_event();
        });
        cluster_.boot();
        schedule_oracles();
        if (setup()) {
            const Duration start = world_.now();
            injector_.schedule(result_.schedule, start);
            clients_.start(start + options_.duration);
            run_until(start + options_.duration, [] { return false; });
            if (!violation_) liveness();
            if (!violation_) converge();
        }
        finish();
        return std::move(result_);
    }

private:
    void run_until(Duration until, const std::function<bool()>& done) {
        world_.run_until(until, [&] { return violation_.has_value() || done(); });
    }

    void fail(const std::string& what) {
        if (!violation_) violation_ = what;
    }

    // Trace lines start with the virtual time in milliseconds.
    std::function<void(const std::string&)> timestamped(std::function<void(const std::string&)> trace) {
        if (!trace) return {};
        return [this, trace = std::move(trace)](const std::string& line) {
            trace(std::to_string(std::chrono::duration_cast<milliseconds>(world_.now()).count()) + " " + line);
        };
    }

    void trace_elections() {
        if (!trace_) return;
        for (std::size_t i = 0; i < cluster_.size(); ++i) {
            const std::string id = cluster_.process(i).id();
            cluster_.process(i).options().on_state_change = [this, id](const raft::SoftState& state, raft::Term term) {
 trace_(id + " is " + raft::role_name(state.role) + " in term " + std::to_string(term.value()));
            };
        }
    }

    void schedule_oracles() {
        world_.after(oracle_period, event_tag(EventKind::oracle), [this] {
            if (!violation_) violation_ = oracle_.check_log_matching();
            if (!violation_) violation_ = oracle_.check_replicas();
            if (!violation_) check_message_rate();
            remember_message_kinds();
            schedule_oracles();
        });
    }

    // A cluster of a few nodes sends hundreds of messages a second, a few thousand under loss and
    // retries. Tens of thousands means messages are breeding messages (a feedback loop): the run
    // would crawl on, so it stops with the kinds that exploded.
    void check_message_rate() {
        const NetworkStats& net = cluster_.network().stats();
        const std::uint64_t in_period = net.sent - messages_at_last_check_;
        messages_at_last_check_ = net.sent;
        if (in_period <= message_storm_per_period) return;
        std::string kinds;
        for (std::size_t kind = 0; kind < std::size(net.sent_by_kind); ++kind) {
            const std::uint64_t delta = net.sent_by_kind[kind] - kinds_at_last_check_[kind];
            if (delta * 4 > in_period) kinds += (kinds.empty() ? "" : ", ") + std::string(message_kind_name(kind)) + " " + std::to_string(delta);
        }
        fail("message storm: " + std::to_string(in_period) + " messages in one simulated second (" + kinds + ")");
    }
    void remember_message_kinds() {
        const NetworkStats& net = cluster_.network().stats();
        std::copy(std::begin(net.sent_by_kind), std::end(net.sent_by_kind), std::begin(kinds_at_last_check_));
    }

    // Creates the workload's tables through the first leader; false when no leader would do it.
    bool setup() {
        std::vector<std::string> statements = workload_->setup();
        statements.push_back("CREATE TABLE IF NOT EXISTS sim_probe (id INTEGER PRIMARY KEY, t INTEGER)");
        bool done = false;
        bool in_flight = false;
        const Duration deadline = world_.now() + setup_bound;
        while (!done && !violation_ && world_.now() < deadline) {
            if (!in_flight) {
                if (const auto leader = cluster_.leader()) {
                    in_flight = true;
                    cluster_.process(*leader).driver()->execute(batch_of(statements), node::WriteOptions{},
                                                                [&](node::Reply reply) {
                                                                    in_flight = false;
                                                                    done = reply.ok() && !batch_error(reply);
                                                                });
                }
            }
            run_until(world_.now() + milliseconds(250), [&] { return done; });
        }
        if (!done) fail("liveness: no leader created the tables within 60 s of booting");
        return done;
    }

    // Heals everything, then requires a write and a linearizable read through the leader.
    void liveness() {
        injector_.heal_all();
        const Duration healed = world_.now();
        auto state = std::make_shared<int>(0);  // 0 idle, 1 writing, 2 reading, 3 done
        std::int64_t probe = 0;
        while (*state != 3 && !violation_ && world_.now() - healed < options_.liveness_bound) {
            if (*state == 0) {
                if (const auto leader = cluster_.leader()) probe_once(*leader, ++probe, state);
            }
            run_until(world_.now() + milliseconds(250), [&] { return *state == 3; });
            if (*state != 3) *state = 0;  // a probe that did not finish in time is abandoned
        }
        if (*state == 3) {
            result_.liveness_time = world_.now() - healed;
        } else {
            fail("liveness: no write committed and linearizable read served within " +
                 std::to_string(std::chrono::duration_cast<seconds>(options_.liveness_bound).count()) +
                 " s of healing; " + describe_nodes());
        }
    }

    // Each process as the liveness verdict needs it: down (and why), or role, term, log and members.
    std::string describe_nodes() {
        std::string out;
        for (std::size_t i = 0; i < cluster_.size(); ++i) {
            Process& p = cluster_.process(i);
            out += (out.empty() ? "" : "; ") + p.id() + " ";
            if (!p.up()) {
                out += "down" + (p.last_error().empty() ? std::string() : " (" + p.last_error() + ")");
                continue;
            }
            const raft::NodeStatus s = p.driver()->raft_status();
            out += std::string(p.paused() ? "paused " : "") + raft::role_name(s.role) + " term " +
                   std::to_string(s.hard_state.term.value()) + " commit " + std::to_string(s.hard_state.commit.value()) +
                   " last " + std::to_string(s.last_index.value()) + " voters";
            for (raft::NodeId voter : s.config.voters) out += " " + std::to_string(voter.value());
        }
        return out;
    }

    void probe_once(std::size_t leader, std::int64_t probe, const std::shared_ptr<int>& state) {
        Process& p = cluster_.process(leader);
        const std::uint64_t generation = p.generation();
        *state = 1;
        const std::weak_ptr<int> weak = state;
        p.driver()->execute(
            batch_of({"INSERT INTO sim_probe (t) VALUES (" + std::to_string(probe) + ")"}), node::WriteOptions{},
            [this, weak, &p, generation](node::Reply reply) {
                auto s = weak.lock();
                if (!s || *s != 1 || p.generation() != generation) return;
                if (!reply.ok() || batch_error(reply)) return;
                *s = 2;
                node::ReadOptions read;
                read.level = node::ReadLevel::linearizable;
                p.driver()->query(batch_of({"SELECT COUNT(*) FROM sim_probe"}), read, [weak](node::Reply r) {
                    auto s2 = weak.lock();
                    if (s2 && *s2 == 2 && r.ok() && !batch_error(r)) *s2 = 3;
                });
            });
    }

    // Waits for the clients' last requests and for every running member to apply the same index.
    void converge() {
        auto converged = [this] {
            if (!clients_.idle()) return false;
            std::optional<raft::Index> index;
            for (std::size_t i : cluster_.members()) {
                Process& p = cluster_.process(i);
                if (!p.up()) continue;
                if (index && p.driver()->applied_index() != *index) return false;
                index = p.driver()->applied_index();
            }
            return true;
        };
        const Duration deadline = world_.now() + convergence_bound;
        run_until(deadline, converged);
        if (violation_) return;
        if (!converged()) {
            fail("liveness: the running members did not converge on one applied index within 30 s");
            return;
        }
        violation_ = oracle_.check_replicas();
    }

    void check_client_oracles() {
        if (const check::Model* model = workload_->model()) {
            if (options_.checked_history) options_.checked_history(checked_history(recorder_));
            const HistoryVerdict verdict = check_history(recorder_, *model, options_.checker_polls);
            result_.stale_reads = verdict.stale_reads;
            result_.checked_reads = verdict.checked_reads;
            const std::string detail = std::to_string(verdict.operations_checked) + " operations" +
                                       (verdict.explanation.empty() ? "" : "; " + verdict.explanation);
            if (verdict.verdict == check::Verdict::illegal) {
                add_oracle("linearizability", "violated", detail);
                fail("linearizability: " + verdict.explanation);
            } else if (verdict.verdict == check::Verdict::unknown) {
                // A history the checker could not decide proves nothing: the run does not pass.
                add_oracle("linearizability", "undecided", detail);
                fail("linearizability undecided: " + verdict.explanation);
            } else {
                add_oracle("linearizability", "ok", detail);
            }
        } else {
            add_oracle("linearizability", "not run", "the " + std::string(workload_->name()) + " workload has its own oracle");
        }
        const auto& breaks = recorder_.invariant_breaks();
        if (std::string(workload_->name()) == "bank") {
            add_oracle("bank total", breaks.empty() ? "ok" : "violated",
                       breaks.empty() ? "every read summed to the opening total" : breaks.front());
            if (!breaks.empty()) fail("bank total: " + breaks.front());
        }
    }

    void add_oracle(const std::string& name, const std::string& verdict, const std::string& detail) {
        result_.oracles.push_back(OracleVerdict{name, verdict, detail});
    }

    void finish() {
        const std::optional<std::string> engine = violation_;
        auto verdict_of = [&](const std::string& prefix) {
            return engine && engine->rfind(prefix, 0) == 0 ? "violated" : (engine ? "stopped early" : "ok");
        };
        for (const char* name : {"election safety", "commit safety", "log matching", "replica agreement", "liveness",
                                 "message storm"}) {
            const std::string v = verdict_of(name);
            add_oracle(name, v, v == "violated" ? *engine : "");
        }
        if (!engine) check_client_oracles();
        if (result_.liveness_time) {
            result_.oracles[4].detail = "healed to write + linearizable read in " +
                                        std::to_string(std::chrono::duration_cast<milliseconds>(*result_.liveness_time).count()) +
                                        " ms";
        }
        result_.passed = !violation_.has_value();
        result_.violation = violation_.value_or("");
        result_.operations = recorder_.counts();
        result_.faults_applied = injector_.counts().applied;
        result_.faults_skipped = injector_.counts().skipped;
        result_.elections = oracle_.elections();
        result_.supervisor_restarts = cluster_.supervisor_restarts();
        result_.membership_changes = injector_.membership_changes_ok();
        for (std::size_t i = 0; i < cluster_.size(); ++i) {
            const node::DriverStats stats = cluster_.process(i).driver_stats();
            result_.snapshots_taken += stats.snapshots_taken;
            result_.snapshots_installed += stats.snapshots_installed;
            result_.failed_opens += cluster_.process(i).stats().failed_opens;
        }
        const NetworkStats& net = cluster_.network().stats();
        result_.messages_sent = net.sent;
        result_.messages_dropped = net.dropped_cut + net.dropped_loss;
        for (std::size_t kind = 0; kind < std::size(net.sent_by_kind); ++kind) {
            if (net.sent_by_kind[kind] > 0) result_.messages_by_kind[message_kind_name(kind)] = net.sent_by_kind[kind];
        }
        result_.simulated = world_.now();
        result_.events = world_.executed();
        result_.trace_hash = world_.trace_hash();
    }

    SimOptions options_;
    std::function<void(const std::string&)> trace_;
    Streams streams_;
    Buggify buggify_;
    World world_;
    Cluster cluster_;
    Recorder recorder_;
    std::unique_ptr<Workload> workload_;
    Clients clients_;
    FaultInjector injector_;
    RaftOracle oracle_;
    std::optional<std::string> violation_;
    SimResult result_;
    std::uint64_t messages_at_last_check_ = 0;
    std::uint64_t kinds_at_last_check_[std::variant_size_v<raft::MessagePayload>] = {};
};

}  // namespace

Schedule schedule_for(const SimOptions& options) {
    Streams streams(options.seed);
    return generate_schedule(streams.faults, shape_of(options));
}

Result<SimResult> run_simulation(const SimOptions& options) {
    if (options.nodes < 1 || options.nodes > 9) {
        return Error(ErrorCode::invalid_argument, "--nodes must be between 1 and 9, got " + std::to_string(options.nodes));
    }
    auto workload = make_workload(options.workload);
    if (!workload) {
        return Error(ErrorCode::invalid_argument,
                     "unknown workload '" + options.workload + "' (known: " + std::string(workload_names) + ")");
    }
    Simulation simulation(options, std::move(workload));
    return simulation.run();
}

}  // namespace rq::sim
