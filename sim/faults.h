#pragma once
// Executes a fault schedule against the cluster: each event at its time (relative to the start of the
// safety phase). An event that makes no sense when its time comes (restarting a running node,
// transferring leadership with no leader, adding a member that is one) is skipped and counted so;
// that keeps every sub-list of a schedule executable, which the shrinker relies on. heal_all()
// ends every fault for the liveness phase.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <utility>
#include <string>

#include "base/random.h"
#include "sim/cluster.h"
#include "sim/schedule.h"
#include "sim/world.h"

namespace rq::sim {

struct FaultCounts {
    std::map<std::string, std::uint64_t> applied;  // by fault kind name
    std::map<std::string, std::uint64_t> skipped;
};

class FaultInjector {
public:
    using Trace = std::function<void(const std::string&)>;
    FaultInjector(World& world, Cluster& cluster, Random random, Trace trace);

    void schedule(const Schedule& schedule, Duration start);
    // The liveness phase begins: the network heals, every process runs, disks work again.
    void heal_all();

    [[nodiscard]] const FaultCounts& counts() const { return counts_; }
    [[nodiscard]] std::uint64_t membership_changes_ok() const { return membership_ok_; }

private:
    bool apply(const FaultEvent& event);
    bool crash(const FaultEvent& event);
    bool partition(const FaultEvent& event);
    bool disk_error(const FaultEvent& event);
    bool sector_rot(const FaultEvent& event);
    bool clock(const FaultEvent& event);
    bool add_member(const FaultEvent& event);
    bool remove_member(const FaultEvent& event);
    bool transfer(const FaultEvent& event);
    bool stall(const FaultEvent& event);
    bool rejoin(const FaultEvent& event);

    World& world_;
    Cluster& cluster_;
    Random random_;
    Trace trace_;
    FaultCounts counts_;
    std::uint64_t membership_ok_ = 0;
    std::optional<std::size_t> stalled_;  // the leader the last stall cut off (rejoin acts on it)
    std::pair<bool, bool> rejoined_;      // its links unclogged: out, in
    // The leader (index, generation) a membership change was handed to: one change at a time, until
    // its reply or that leader's process dies (replies of dead processes never come).
    std::optional<std::pair<std::size_t, std::uint64_t>> membership_owner_;
    [[nodiscard]] bool membership_in_flight();
    void send_membership(std::size_t leader);
};

}  // namespace rq::sim
