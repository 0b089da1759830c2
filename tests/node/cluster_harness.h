#pragma once
// A cluster of real node::Drivers in one process on the in-memory environment: a ManualClock, one
// MemoryDisk per node (crashes lose unsynced writes), a message queue for a network and inline
// syncs. Tests drive time explicitly; nothing here sleeps or reads a real clock. sim/ will grow the
// same idea into a fault-injecting simulator.

#include <deque>
#include <set>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "env/clock.h"
#include "env/memory_disk.h"
#include "env/syncer.h"
#include "env/transport.h"
#include "node/driver.h"

namespace rq::node::testing {

class QueueTransport final : public env::Transport {
public:
    explicit QueueTransport(std::deque<raft::Message>& queue) : queue_(queue) {}
    void send(raft::Message message) override { queue_.push_back(std::move(message)); }

private:
    std::deque<raft::Message>& queue_;
};

class TestCluster {
public:
    struct Member {
        NodeMeta meta;
        std::unique_ptr<env::MemoryDisk> disk;
        std::unique_ptr<QueueTransport> transport;
        std::unique_ptr<Driver> driver;
        DriverOptions options;
    };

    // `size` founding voters n1..nN; `snapshot_threshold` entries between snapshots; every node runs
    // with `planted_bug` (test-only, base/planted_bug.h).
    explicit TestCluster(std::size_t size, std::uint64_t snapshot_threshold = 1000,
                         PlantedBug planted_bug = PlantedBug::none);
    ~TestCluster();

    void start(const std::string& id);
    // start() for a node that may fail to open: returns the error instead of aborting.
    Status try_start(const std::string& id);
    // The process dies: memory and unsynced disk writes are lost; messages to it are dropped.
    void crash(const std::string& id);
    // Passes `ticks` ticks of time, delivering every message after each one.
    void run_ticks(std::size_t ticks);
    void deliver_all();
    // Messages from or to an isolated node are lost until it is healed.
    void isolate(const std::string& id) { isolated_.insert(id); }
    void heal() { isolated_.clear(); }
    // Ticks until some node leads (at most `max_ticks`); returns its id or "".
    std::string await_leader(std::size_t max_ticks = 200);

    // Synchronous wrappers: issue on `id`, then run time until the reply arrives.
    Reply execute(const std::string& id, const std::vector<std::string>& statements, std::size_t max_ticks = 200);
    Reply query(const std::string& id, const std::string& sql, ReadLevel level, std::size_t max_ticks = 200);

    [[nodiscard]] Driver& driver(const std::string& id) { return *members_.at(id).driver; }
    [[nodiscard]] bool up(const std::string& id) const { return members_.at(id).driver != nullptr; }
    [[nodiscard]] env::MemoryDisk& disk(const std::string& id) { return *members_.at(id).disk; }
    [[nodiscard]] std::vector<std::string> ids() const;
    // The content hash of each live node's database, keyed by node id.
    std::map<std::string, std::uint64_t> hashes();
    env::ManualClock& clock() { return clock_; }

private:
    Reply await_reply(const std::shared_ptr<std::optional<Reply>>& slot, std::size_t max_ticks);

    env::ManualClock clock_;
    env::InlineSyncer syncer_;
    std::deque<raft::Message> network_;
    std::map<std::string, Member> members_;
    std::map<raft::NodeId, std::string> by_raft_id_;
    std::set<std::string> isolated_;
    std::string instance_;  // keeps in-memory database names unique per cluster
};

}  // namespace rq::node::testing
