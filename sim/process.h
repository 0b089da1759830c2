#pragma once
// One simulated node process: its machine (a MemoryDisk and a NodeClock, which survive crashes) and
// the process on it (a node::Driver, which does not). Lifecycle faults act here: crash (memory and
// unsynced writes lost, pending fsyncs cancelled), restart, pause (nothing runs; arriving messages and
// requests wait in the socket until resume) and wipe (a fresh machine for a re-added member).
//
// fsync is simulated: the Syncer runs the work when a simulated disk latency has passed, and only if
// the process that asked is still the same incarnation (a generation counter bumped by each crash).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/random.h"
#include "env/memory_disk.h"
#include "env/syncer.h"
#include "env/transport.h"
#include "node/driver.h"
#include "sim/network.h"
#include "sim/node_clock.h"
#include "sim/world.h"

namespace rq::sim {

class Process;

class SimTransport final : public env::Transport {
public:
    SimTransport(Process& process, std::function<std::optional<std::size_t>(raft::NodeId)> index_of)
        : process_(process), index_of_(std::move(index_of)) {}
    void send(raft::Message message) override;

private:
    Process& process_;
    std::function<std::optional<std::size_t>(raft::NodeId)> index_of_;
};

class SimSyncer final : public env::Syncer {
public:
    explicit SimSyncer(Process& process) : process_(process) {}
    void run(std::function<Status()> work, std::function<void(Status)> done) override;

private:
    Process& process_;
};

struct ProcessStats {
    std::uint64_t starts = 0;
    std::uint64_t failed_opens = 0;
    std::uint64_t fail_stops = 0;
};

class Process {
public:
    Process(World& world, Network& network, std::size_t index, node::DriverOptions options, Random random,
            std::function<std::optional<std::size_t>(raft::NodeId)> index_of);

    // Opens the driver on this machine's disk; false (the error kept in last_error) when it fails.
    bool start();
    // The process dies and the machine loses power: memory and (per `options`) unsynced writes lost.
    void crash(env::CrashOptions options);
    // The process dies, the machine stays up: memory is lost, written bytes survive in the page cache.
    void kill();
    void pause() { paused_ = true; }
    void resume();
    // A brand-new machine (empty disk) that will join when added; the process must be down.
    void wipe(std::uint64_t disk_seed);

    void tick();
    void receive(const raft::Message& message);
    // Runs `action` on the process's loop: now, later if paused, never if it is down or crashes first.
    void post(std::function<void()> action);

    [[nodiscard]] bool up() const { return driver_ != nullptr; }
    [[nodiscard]] bool paused() const { return paused_; }
    [[nodiscard]] bool running() const { return up() && !paused_; }
    [[nodiscard]] std::uint64_t generation() const { return generation_; }
    [[nodiscard]] node::Driver* driver() { return driver_.get(); }
    [[nodiscard]] const node::Driver* driver() const { return driver_.get(); }
    [[nodiscard]] env::MemoryDisk& disk() { return *disk_; }
    [[nodiscard]] NodeClock& clock() { return clock_; }
    [[nodiscard]] const NodeClock& clock() const { return clock_; }
    [[nodiscard]] node::DriverOptions& options() { return options_; }
    [[nodiscard]] const std::string& id() const { return options_.self.id; }
    [[nodiscard]] std::size_t index() const { return index_; }
    [[nodiscard]] const std::string& last_error() const { return last_error_; }
    [[nodiscard]] const ProcessStats& stats() const { return stats_; }
    // The driver counters summed over every incarnation of this process.
    [[nodiscard]] node::DriverStats driver_stats() const;
    Network& network() { return network_; }
    World& world() { return world_; }
    Random& random() { return random_; }

private:
    friend class SimSyncer;

    World& world_;
    Network& network_;
    std::size_t index_;
    node::DriverOptions options_;
    Random random_;  // fsync latencies and crash tearing
    NodeClock clock_;
    std::unique_ptr<env::MemoryDisk> disk_;
    SimTransport transport_;
    SimSyncer syncer_;
    std::unique_ptr<node::Driver> driver_;
    std::uint64_t generation_ = 0;
    std::uint64_t incarnation_ = 0;  // numbers the in-memory database names
    bool paused_ = false;
    std::vector<std::function<void()>> waiting_;  // posted while paused
    void end_incarnation();

    std::string last_error_;
    node::DriverStats retired_;  // counters of incarnations that ended
    ProcessStats stats_;
};

}  // namespace rq::sim
