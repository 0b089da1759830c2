// Log replication: proposals, AppendEntries with flow control, heartbeats and the commit rule
// (thesis 3.5, 3.6, 10.2; paper 5.3, 5.4.2).
#include <algorithm>

#include "base/assert.h"
#include "raft/node.h"
#include "raft/quorum.h"

namespace rq::raft {

Proposal Node::propose(std::string data) {
    std::vector<std::string> batch;
    batch.push_back(std::move(data));
    return propose_batch(std::move(batch));
}

Proposal Node::propose_batch(std::vector<std::string> data) {
    if (!is_leader()) return Proposal{Refusal::not_leader, leader_, {}, {}};
    LeaderRole& leader = leader_role();
    if (leader.transfer_target != no_node) return Proposal{Refusal::leadership_transfer, id(), {}, {}};
    std::vector<Entry> entries;
    entries.reserve(data.size());
    std::uint64_t bytes = 0;
    Index index = log_.last_index();
    for (std::string& item : data) {
        entries.push_back(Entry{term_, ++index, EntryType::normal, std::move(item)});
        bytes += entries.back().size_bytes();
    }
    // Flow control: refuse rather than let an unreachable quorum grow the log without bound. One
    // proposal is always allowed when nothing is outstanding, however large.
    if (leader.uncommitted_bytes > 0 && leader.uncommitted_bytes + bytes > config_.max_uncommitted_bytes) {
        return Proposal{Refusal::uncommitted_limit, id(), {}, {}};
    }
    leader.uncommitted_bytes += bytes;
    const Proposal proposal = append_proposals(std::move(entries));
    check_invariants();
    return proposal;
}

Proposal Node::append_proposals(std::vector<Entry> entries) {
    if (entries.empty()) return Proposal{Refusal::invalid, id(), {}, {}};
    const Proposal proposal{Refusal::none, id(), entries.front().index, term_};
    const bool changes_config = std::any_of(entries.begin(), entries.end(),
                                            [](const Entry& entry) { return entry.type == EntryType::config; });
    log_.append(std::move(entries));
    if (changes_config) on_configuration_changed();
    broadcast_append();
    return proposal;
}

// Sends the follower the entries it needs next, if flow control allows. Returns whether a message
// was sent. With send_if_empty, an append without entries still carries the commit index.
bool Node::maybe_send_append(NodeId to, bool send_if_empty) {
    Progress& progress = leader_role().progress.at(to);
    if (progress.paused()) return false;
    const Index prev_index = progress.next - 1;
    const auto prev_term = log_.term(prev_index);
    if (!prev_term) {
        // The entries it needs are compacted away: only a snapshot can catch it up (thesis 5.1).
        start_snapshot(to, progress);
        return false;
    }
    std::vector<Entry> entries;
    if (progress.next <= log_.last_index()) entries = log_.entries_from(progress.next, config_.max_message_bytes);
    if (entries.empty() && !send_if_empty) return false;
    std::uint64_t bytes = 0;
    for (const Entry& entry : entries) bytes += entry.size_bytes();
    if (progress.state == ProgressState::replicate && !entries.empty()) {
        progress.sent_entries(entries.back().index, bytes);  // pipelined: don't wait for the answer
    } else if (progress.state == ProgressState::probe) {
        progress.probe_sent = true;
    }
    send(to, AppendRequest{prev_index, *prev_term, std::move(entries), log_.committed()});
    return true;
}

void Node::broadcast_append() {
    for (const auto& [member, progress] : leader_role().progress) {
        if (member != id()) maybe_send_append(member, true);
    }
}

void Node::broadcast_heartbeat() {
    for (const auto& [member, progress] : leader_role().progress) {
        if (member != id()) send_heartbeat(member);
    }
}

void Node::send_heartbeat(NodeId to) {
    LeaderRole& leader = leader_role();
    const Progress& progress = leader.progress.at(to);
    // The follower may only commit what it is known to hold in agreement with us.
    const Heartbeat heartbeat{std::min(progress.match, log_.committed()), leader.read_round};
    // A heartbeat still waiting in the outgoing batch is refreshed rather than repeated: when the
    // driver is slow to collect a Ready (a long fsync), ticks must not pile up redundant messages.
    if (const auto it = unsent_heartbeats_.find(to); it != unsent_heartbeats_.end()) {
        Message& pending = messages_[it->second];
        if (pending.term == term_) {
            pending.payload = heartbeat;
            return;
        }
    }
    unsent_heartbeats_[to] = messages_.size();
    send(to, heartbeat);
}

// Paper 5.4.2 / thesis 3.6.2: commit the highest index stored on a majority, but only if it is of
// the current term; earlier entries are then committed indirectly (Figure 3.7 shows why).
bool Node::maybe_commit() {
    const LeaderRole& leader = leader_role();
    std::vector<Index>& matches = quorum_scratch_;
    matches.clear();
    for (NodeId voter : configuration().voters) {
        const auto it = leader.progress.find(voter);
        matches.push_back(it == leader.progress.end() ? Index(0) : it->second.match);
    }
    const Index candidate = quorum_index_in_place(matches);
    if (candidate <= log_.committed() || log_.term(candidate) != term_) return false;
    log_.commit_to(candidate);
    return true;
}

void Node::on_commit_advanced() {
    broadcast_append();  // followers learn the new commit index
    release_reads_before_term_commit();
    maybe_step_down_after_removal();
}

void Node::on_self_persisted(Index stable_index) {
    LeaderRole& leader = leader_role();
    const auto it = leader.progress.find(id());
    if (it == leader.progress.end()) return;  // removed from the configuration: not counted
    if (it->second.maybe_update(stable_index) && maybe_commit()) on_commit_advanced();
}

// A message only this term's leader sends (append, heartbeat, snapshot chunk) arrived from `leader`:
// a candidate yields to it (thesis 3.4), a follower notes it and restarts its election timer.
void Node::follow_current_leader(NodeId leader) {
    RQ_ASSERT(!is_leader(), "two leaders in term", term_, ":", id(), "and", leader);
    if (!std::holds_alternative<FollowerRole>(role_)) {
        become_follower(term_, leader);
    } else {
        leader_ = leader;
        election_elapsed_ticks_ = 0;
    }
}

// Answers about entries in the request's term, which is always term_ unless the test-only
// planted_bug accept_stale_term let an older term's request through: the deposed leader counts them.
void Node::on_append_request(const Message& message, const AppendRequest& request) {
    follow_current_leader(message.from);
    if (request.prev_index < log_.committed()) {
        // Everything up to our commit index matches already; say so, so the leader can skip ahead.
        send(message.from, AppendResponse{false, log_.committed(), {}, {}});
        return;
    }
    if (const auto last_new = log_.maybe_append(request.prev_index, request.prev_term, request.entries)) {
        log_.commit_to(std::min(request.commit, *last_new));
        on_configuration_changed();
        send_with_term(message.from, message.term, AppendResponse{false, *last_new, {}, {}});
        return;
    }
    // Thesis 5.3 optimisation: point the leader at the last entry that could match, skipping every
    // entry of a term newer than the one it asked about.
    const Index hint = std::min(request.prev_index, log_.last_index());
    const auto [hint_index, hint_term] = log_.find_conflict_by_term(hint, request.prev_term);
    send_with_term(message.from, message.term, AppendResponse{true, request.prev_index, hint_index, hint_term});
}

// A follower answered: its progress, marked active, or null when this node no longer leads or the
// sender is no longer a member.
Progress* Node::progress_of_responder(NodeId from) {
    if (!is_leader()) return nullptr;
    LeaderRole& leader = leader_role();
    const auto it = leader.progress.find(from);
    if (it == leader.progress.end()) return nullptr;
    it->second.recent_active = true;
    return &it->second;
}

void Node::on_append_response(const Message& message, const AppendResponse& response) {
    Progress* responder = progress_of_responder(message.from);
    if (responder == nullptr) return;
    Progress& progress = *responder;
    if (!response.rejected) {
        on_append_accepted(message.from, progress, response.index);
        return;
    }
    Index next_probe = response.hint_index;
    if (response.hint_term > Term(0)) {
        next_probe = log_.find_conflict_by_term(response.hint_index, response.hint_term).first;
    }
    if (progress.maybe_decrease_to(response.index, next_probe)) {
        if (progress.state == ProgressState::replicate) progress.become_probe();
        maybe_send_append(message.from, true);
    }
}

void Node::on_append_accepted(NodeId from, Progress& progress, Index index) {
    const bool was_paused = progress.paused();
    if (!progress.maybe_update(index)) return;
    switch (progress.state) {
        case ProgressState::probe:
            progress.become_replicate();
            break;
        case ProgressState::snapshot:
            if (progress.match + 1 >= log_.first_index()) {
                progress.become_probe();
                progress.become_replicate();
            }
            break;
        case ProgressState::replicate:
            progress.inflights.free_up_to(index);
            break;
    }
    if (maybe_commit()) {
        on_commit_advanced();
        if (!is_leader()) return;  // stepped down after its own removal committed
    } else if (was_paused) {
        maybe_send_append(from, true);
    }
    while (maybe_send_append(from, false)) {
    }
    maybe_send_timeout_now(from, progress);
}

void Node::on_heartbeat(const Message& message, const Heartbeat& heartbeat) {
    follow_current_leader(message.from);
    log_.commit_to(heartbeat.commit);
    rearm_snapshot_gap_report();
    send(message.from, HeartbeatResponse{heartbeat.read_round});
}

void Node::on_heartbeat_response(const Message& message, const HeartbeatResponse& response) {
    Progress* responder = progress_of_responder(message.from);
    if (responder == nullptr) return;
    Progress& progress = *responder;
    progress.probe_sent = false;  // it is alive: probe again
    if (progress.state == ProgressState::replicate && progress.inflights.full()) {
        // Acknowledgements may have been lost: let one more append through; a gap makes the
        // follower reject it, which moves us back to probing.
        progress.inflights.free_first();
    }
    if (progress.state == ProgressState::snapshot) {
        on_snapshot_stalled(message.from, progress);
    } else if (progress.match < log_.last_index()) {
        maybe_send_append(message.from, true);
    }
    if (configuration().is_voter(message.from)) {
        progress.acked_read_round = std::max(progress.acked_read_round, response.read_round);
        release_confirmed_reads();
    }
}

}  // namespace rq::raft
