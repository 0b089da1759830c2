#include "sim/process.h"

#include <chrono>

#include "base/assert.h"

namespace rq::sim {

using std::chrono::microseconds;

void SimTransport::send(raft::Message message) {
    const auto to = index_of_(message.to);
    if (!to) return;  // a node the simulation does not know: lost
    process_.network().send(process_.index(), *to, std::move(message));
}

void SimSyncer::run(std::function<Status()> work, std::function<void(Status)> done) {
    Process& p = process_;
    // Mostly a fast device; one sync in thirty waits behind something (a journal commit).
    Duration latency = microseconds(p.random_.between(200, 2'000));
    if (p.random_.chance(1, 30)) latency += microseconds(p.random_.between(5'000, 50'000));
    const std::uint64_t generation = p.generation_;
    p.world_.after(latency, event_tag(EventKind::sync, p.index_),
                   [&p, generation, work = std::move(work), done = std::move(done)]() mutable {
                       if (p.generation_ != generation) return;  // crashed meanwhile: never completes
                       p.post([work = std::move(work), done = std::move(done)] { done(work()); });
                   });
}

Process::Process(World& world, Network& network, std::size_t index, node::DriverOptions options, Random random,
                 std::function<std::optional<std::size_t>(raft::NodeId)> index_of)
    : world_(world),
      network_(network),
      index_(index),
      options_(std::move(options)),
      random_(random),
      clock_(world, std::chrono::seconds(1'700'000'000)),
      disk_(std::make_unique<env::MemoryDisk>(random_.next_u64())),
      transport_(*this, std::move(index_of)),
      syncer_(*this) {}

bool Process::start() {
    RQ_ASSERT(!driver_, "process", id(), "is already running");
    ++stats_.starts;
    options_.store.location = store::DatabaseLocation::in_memory;
    // In-memory databases are named per process incarnation: a restarted node must not find the
    // database of its previous life (a crash loses memory).
    options_.store.path = "sim-" + id() + "-" + std::to_string(incarnation_++) + "-" +
                          std::to_string(reinterpret_cast<std::uintptr_t>(this));
    auto driver = node::Driver::open(options_, node::Environment{clock_, *disk_, transport_, syncer_});
    if (!driver.ok()) {
        ++stats_.failed_opens;
        last_error_ = driver.error().message();
        return false;
    }
    driver_ = std::move(driver).value();
    paused_ = false;
    return true;
}

void Process::end_incarnation() {
    ++generation_;
    if (driver_) {
        const node::DriverStats& s = driver_->stats();
        retired_.snapshots_taken += s.snapshots_taken;
        retired_.snapshots_installed += s.snapshots_installed;
        retired_.applied_entries += s.applied_entries;
        retired_.proposals += s.proposals;
    }
    driver_.reset();
    waiting_.clear();
    paused_ = false;
}

node::DriverStats Process::driver_stats() const {
    node::DriverStats total = retired_;
    if (driver_) {
        total.snapshots_taken += driver_->stats().snapshots_taken;
        total.snapshots_installed += driver_->stats().snapshots_installed;
        total.applied_entries += driver_->stats().applied_entries;
        total.proposals += driver_->stats().proposals;
    }
    return total;
}

void Process::crash(env::CrashOptions options) {
    end_incarnation();
    disk_->crash(options);
}

void Process::kill() { end_incarnation(); }

void Process::resume() {
    paused_ = false;
    std::vector<std::function<void()>> waiting = std::move(waiting_);
    waiting_.clear();
    const std::uint64_t generation = generation_;
    for (auto& action : waiting) {
        if (generation_ != generation || paused_) break;
        action();
    }
}

void Process::wipe(std::uint64_t disk_seed) {
    RQ_ASSERT(!driver_, "wiping a running process", id());
    disk_ = std::make_unique<env::MemoryDisk>(disk_seed);
}

void Process::tick() {
    if (!running()) return;
    driver_->tick();
}

void Process::receive(const raft::Message& message) {
    if (!up()) return;
    if (paused_) {
        waiting_.push_back([this, message] { driver_->receive(message); });
        return;
    }
    driver_->receive(message);
}

void Process::post(std::function<void()> action) {
    if (!up()) return;
    if (paused_) {
        waiting_.push_back(std::move(action));
        return;
    }
    action();
}

}  // namespace rq::sim
