#pragma once
// Raft's safety properties (Figure 3.2 of the thesis), checked over the real drivers of the
// simulated cluster:
//   election safety     - at most one leader per term, ever (checked after every event);
//   commit safety       - no two nodes ever commit different terms at one index (after every event,
//                         re-checked from scratch for a restarted process, whose log was recovered);
//   log matching        - two logs agreeing at an index agree on everything before it (periodic);
//   replica agreement   - running replicas at the same applied index hold identical databases
//                         (content hash; periodic), and every running replica can read its own.
// Each check returns a description of the first violation, or nothing.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "raft/types.h"
#include "sim/cluster.h"

namespace rq::sim {

class RaftOracle {
public:
    explicit RaftOracle(Cluster& cluster);

    std::optional<std::string> after_event();
    std::optional<std::string> check_log_matching();
    std::optional<std::string> check_replicas();

    [[nodiscard]] std::uint64_t elections() const { return leaders_by_term_.size(); }
    [[nodiscard]] std::uint64_t replica_comparisons() const { return replica_comparisons_; }

private:
    struct Seen {
        std::uint64_t generation = ~std::uint64_t{0};
        raft::Index committed;
    };

    Cluster& cluster_;
    std::map<raft::Term, std::size_t> leaders_by_term_;
    std::vector<raft::Term> committed_terms_;  // by index; Term(0) where not yet known
    std::vector<Seen> seen_;
    std::uint64_t replica_comparisons_ = 0;
};

}  // namespace rq::sim
