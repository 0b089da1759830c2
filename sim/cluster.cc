#include "sim/cluster.h"

#include <chrono>

#include "base/assert.h"

namespace rq::sim {

using std::chrono::milliseconds;

Cluster::Cluster(World& world, const ClusterConfig& config, Random random)
    : world_(world), random_(random), founders_(config.voters) {
    const std::size_t total = config.voters + config.spares;
    network_ = std::make_unique<Network>(world_, random_.fork(), total,
                                         [this](std::size_t to, const raft::Message& message) {
                                             world_.mix(message.payload.index());
                                             world_.mix(message.term.value());
                                             processes_[to]->receive(message);
                                         });
    std::vector<node::NodeMeta> bootstrap;
    for (std::size_t i = 0; i < config.voters; ++i) {
        const std::string id = "n" + std::to_string(i + 1);
        bootstrap.push_back(node::NodeMeta{id, id + ":4002", id + ":4001"});
    }
    for (std::size_t i = 0; i < total; ++i) {
        node::DriverOptions options = config.base;
        const std::string id = "n" + std::to_string(i + 1);
        options.self = node::NodeMeta{id, id + ":4002", id + ":4001"};
        options.data_directory = "/data/" + id;
        options.raft.seed = random_.next_u64();
        options.seed = random_.next_u64();
        options.bootstrap = i < config.voters ? bootstrap : std::vector<node::NodeMeta>{};
        by_raft_id_[node::raft_id_of(id)] = i;
        processes_.push_back(std::make_unique<Process>(
            world_, *network_, i, std::move(options), random_.fork(),
            [this](raft::NodeId raft_id) { return index_of(raft_id); }));
    }
    restart_scheduled_.assign(total, false);
}

Cluster::~Cluster() {
    // Drivers go first: their callbacks may point into the rest.
    for (auto& process : processes_) process->crash(env::CrashOptions{});
}

void Cluster::boot() {
    for (std::size_t i = 0; i < processes_.size(); ++i) {
        if (i < founders_) RQ_ASSERT(processes_[i]->start(), "founder", i + 1, "failed to open:", processes_[i]->last_error());
        // Timers start at different phases, as on real machines.
        const Duration phase = milliseconds(random_.below(100));
        world_.after(phase, event_tag(EventKind::tick, i), [this, i] { schedule_tick(i); });
    }
}

void Cluster::schedule_tick(std::size_t index) {
    Process& p = *processes_[index];
    p.tick();
    if (p.up() && p.driver()->failure()) {
        if (trace_) trace_(p.id() + " stopped: " + p.driver()->failure()->message());
        supervise(index);
    }
    world_.after(p.clock().virtual_span(p.options().tick_interval), event_tag(EventKind::tick, index),
                 [this, index] { schedule_tick(index); });
}

void Cluster::supervise(std::size_t index) {
    if (restart_scheduled_[index]) return;
    restart_scheduled_[index] = true;
    // The process stopped itself (fail-stop after a storage error): it exits, and a supervisor
    // starts it again a little later.
    processes_[index]->kill();
    world_.after(milliseconds(random_.between(500, 3000)), event_tag(EventKind::supervisor, index), [this, index] {
        restart_scheduled_[index] = false;
        ++supervisor_restarts_;
        if (!processes_[index]->up()) restart(index);
    });
}

bool Cluster::restart(std::size_t index) {
    Process& p = *processes_[index];
    if (p.up()) return true;
    if (p.start()) return true;
    if (trace_) trace_(p.id() + " failed to open: " + p.last_error());
    // It could not open (a full disk, a rotten file): the supervisor tries again later.
    supervise(index);
    return false;
}

void Cluster::start_joiner(std::size_t index) {
    Process& p = *processes_[index];
    if (p.up()) p.crash(env::CrashOptions{});
    p.wipe(random_.next_u64());
    p.options().bootstrap.clear();
    (void)p.start();
}

std::optional<std::size_t> Cluster::index_of(raft::NodeId id) const {
    const auto it = by_raft_id_.find(id);
    if (it == by_raft_id_.end()) return std::nullopt;
    return it->second;
}

std::optional<std::size_t> Cluster::index_of(const std::string& id) const { return index_of(node::raft_id_of(id)); }

std::optional<std::size_t> Cluster::leader() {
    std::optional<std::size_t> best;
    raft::Term best_term;
    for (std::size_t i = 0; i < processes_.size(); ++i) {
        Process& p = *processes_[i];
        if (!p.running() || p.driver()->failure() || !p.driver()->is_leader()) continue;
        const raft::Term term = p.driver()->raft().term();
        if (!best || term > best_term) {
            best = i;
            best_term = term;
        }
    }
    return best;
}

std::vector<std::size_t> Cluster::members() {
    std::optional<std::size_t> source = leader();
    if (!source) {
        raft::Index best;
        for (std::size_t i = 0; i < processes_.size(); ++i) {
            Process& p = *processes_[i];
            if (p.up() && !p.driver()->members().empty() && (!source || p.driver()->applied_index() > best)) {
                source = i;
                best = p.driver()->applied_index();
            }
        }
    }
    std::vector<std::size_t> out;
    if (!source) return out;
    for (const auto& [raft_id, meta] : processes_[*source]->driver()->members()) {
        if (const auto index = index_of(raft_id)) out.push_back(*index);
    }
    return out;
}

}  // namespace rq::sim
