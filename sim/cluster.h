#pragma once
// The simulated cluster: `voters` founding nodes n1..nV plus spare machines that membership faults
// can add, the network between them, per-node tick timers (each on its own drifting clock), and a
// supervisor that restarts a process which stopped itself after a storage failure, as systemd would.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/random.h"
#include "node/driver.h"
#include "sim/network.h"
#include "sim/process.h"
#include "sim/world.h"

namespace rq::sim {

struct ClusterConfig {
    std::size_t voters = 3;
    std::size_t spares = 1;
    node::DriverOptions base;  // raft config, tick interval, snapshot threshold: shared by every node
};

class Cluster {
public:
    Cluster(World& world, const ClusterConfig& config, Random random);
    ~Cluster();

    // Starts every founding node and its tick timer.
    void boot();

    [[nodiscard]] std::size_t size() const { return processes_.size(); }
    [[nodiscard]] std::size_t founders() const { return founders_; }
    Process& process(std::size_t index) { return *processes_.at(index); }
    [[nodiscard]] std::optional<std::size_t> index_of(raft::NodeId id) const;
    [[nodiscard]] std::optional<std::size_t> index_of(const std::string& id) const;
    Network& network() { return *network_; }

    // The running leader with the highest term, if any.
    [[nodiscard]] std::optional<std::size_t> leader();
    // Members as the leader (or, without one, the most advanced running node) sees them.
    [[nodiscard]] std::vector<std::size_t> members();

    // Restarts a process that is down (false if its open failed; the supervisor retries).
    bool restart(std::size_t index);
    // Starts a wiped machine that waits to be added.
    void start_joiner(std::size_t index);

    [[nodiscard]] std::uint64_t supervisor_restarts() const { return supervisor_restarts_; }
    // Lines for the trace: a process that stopped itself (and why), or failed to open (and why).
    void set_trace(std::function<void(const std::string&)> trace) { trace_ = std::move(trace); }

private:
    void schedule_tick(std::size_t index);
    void supervise(std::size_t index);

    World& world_;
    Random random_;
    std::function<void(const std::string&)> trace_;
    std::size_t founders_;
    std::unique_ptr<Network> network_;
    std::vector<std::unique_ptr<Process>> processes_;
    std::map<raft::NodeId, std::size_t> by_raft_id_;
    std::vector<bool> restart_scheduled_;
    std::uint64_t supervisor_restarts_ = 0;
};

}  // namespace rq::sim
