#pragma once
// Executes the commands of the scripted Raft interaction tests (tests/raft/testdata/*.txt) against
// an in-memory cluster of real nodes, and prints what happened deterministically. The command
// reference is in tests/raft/README.md.

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "raft/testing/cluster.h"
#include "tests/raft/script.h"

namespace rq::testing {

class InteractionEnv {
public:
    InteractionEnv();

    // Runs one command line and returns its output (never empty: "ok" when nothing to say).
    std::string run(const std::string& line);

private:
    using NodeId = raft::NodeId;

    void add_nodes(const ScriptCommand& command);
    void set_log(NodeId id, const ScriptCommand& command);
    void campaign(const ScriptCommand& command);
    void propose(const ScriptCommand& command);
    void conf_change(const ScriptCommand& command);
    void transfer_leadership(const ScriptCommand& command);
    void read_index(const ScriptCommand& command);
    void tick(const ScriptCommand& command);
    void tick_election(const ScriptCommand& command);
    void tick_heartbeat(const ScriptCommand& command);
    void process_ready(const ScriptCommand& command);
    void deliver_messages(const ScriptCommand& command);
    void drop_messages(const ScriptCommand& command);
    void stabilize(const ScriptCommand& command);
    void partition(const ScriptCommand& command);
    void status(const ScriptCommand& command);
    void raft_state();
    void raft_log(const ScriptCommand& command);
    void applied(const ScriptCommand& command);
    void reads(const ScriptCommand& command);
    void crash_or_restart(const ScriptCommand& command, bool restart);
    void compact(const ScriptCommand& command);

    bool process_ready_of(NodeId id);
    bool deliver_to(NodeId id);
    bool drop_unreachable();
    [[nodiscard]] bool can_reach(NodeId from, NodeId to) const;
    [[nodiscard]] std::vector<NodeId> ids_of(const ScriptCommand& command) const;
    [[nodiscard]] NodeId node_at(const ScriptCommand& command, std::size_t position) const;

    raft::testing::Cluster cluster_;
    std::ostringstream out_;
    std::vector<std::set<NodeId>> partition_;  // empty: everyone reaches everyone
};

}  // namespace rq::testing
