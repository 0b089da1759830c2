// ReadIndex (thesis 6.4): a linearizable read waits for the commit index the leader had when the
// read arrived, after a round of heartbeats has confirmed that it was still the leader then.
#include <algorithm>

#include "raft/node.h"
#include "raft/quorum.h"

namespace rq::raft {

Refusal Node::read_index(std::uint64_t read_id) {
    if (is_leader()) {
        start_read(id(), read_id);
        check_invariants();
        return Refusal::none;
    }
    if (leader_ == no_node) return Refusal::no_leader;
    send(leader_, ReadIndexRequest{read_id});
    return Refusal::none;
}

void Node::start_read(NodeId from, std::uint64_t read_id) {
    LeaderRole& leader = leader_role();
    if (!committed_in_current_term()) {
        // Thesis 6.4 step 1: until its no-op commits, a new leader does not know the commit index.
        leader.reads_before_term_commit.push_back(PendingRead{from, read_id, {}, 0});
        return;
    }
    const Configuration& config = configuration();
    if (config.voters.size() == 1 && config.is_voter(id())) {
        answer_read(PendingRead{from, read_id, log_.committed(), 0});  // a quorum of one: no round needed
        return;
    }
    if (config_.planted_bug == PlantedBug::read_without_quorum) {  // test-only planted bug: no round at all
        answer_read(PendingRead{from, read_id, log_.committed(), 0});
        return;
    }
    ++leader.read_round;
    leader.reads.push_back(PendingRead{from, read_id, log_.committed(), leader.read_round});
    broadcast_heartbeat();
}

void Node::release_reads_before_term_commit() {
    if (!is_leader() || !committed_in_current_term()) return;
    std::vector<PendingRead> waiting;
    waiting.swap(leader_role().reads_before_term_commit);
    for (const PendingRead& read : waiting) start_read(read.from, read.read_id);
}

// Releases every read whose round a quorum of voters has acknowledged (this leader counts itself).
void Node::release_confirmed_reads() {
    LeaderRole& leader = leader_role();
    if (leader.reads.empty()) return;
    std::vector<Index>& acked = quorum_scratch_;
    acked.clear();
    for (NodeId voter : configuration().voters) {
        const auto it = leader.progress.find(voter);
        if (voter == id()) {
            acked.emplace_back(leader.read_round);
        } else {
            acked.emplace_back(it == leader.progress.end() ? 0 : it->second.acked_read_round);
        }
    }
    // Rounds are compared like indexes: the highest round a majority has acknowledged.
    const std::uint64_t confirmed = quorum_index_in_place(acked).value();
    while (!leader.reads.empty() && leader.reads.front().round <= confirmed) {
        const PendingRead read = leader.reads.front();
        leader.reads.pop_front();
        answer_read(read);
    }
}

void Node::answer_read(const PendingRead& read) {
    if (read.from == id()) {
        read_states_.push_back(ReadState{read.read_id, read.index});
    } else {
        send(read.from, ReadIndexResponse{read.read_id, read.index});
    }
}

void Node::on_read_index_request(const Message& message, const ReadIndexRequest& request) {
    // Only the leader answers; a request that reaches a former leader is dropped and the follower's
    // caller times out and retries.
    if (!is_leader() || !configuration().contains(message.from)) return;
    start_read(message.from, request.read_id);
}

void Node::on_read_index_response(const Message& message, const ReadIndexResponse& response) {
    if (message.from != leader_) return;
    read_states_.push_back(ReadState{response.read_id, response.index});
}

}  // namespace rq::raft
