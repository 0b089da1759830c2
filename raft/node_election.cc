// Elections: timeouts, PreVote, votes, CheckQuorum and TimeoutNow (thesis 3.4, 3.6.1, 3.10, 6.2, 9.6).
#include <vector>

#include "base/assert.h"
#include "raft/node.h"
#include "raft/quorum.h"

namespace rq::raft {

void Node::campaign() {
    hup(false);
    check_invariants();
}

void Node::tick_election() {
    ++election_elapsed_ticks_;
    if (promotable() && election_elapsed_ticks_ >= randomized_election_timeout_ticks_) {
        election_elapsed_ticks_ = 0;
        hup(false);
    }
}

void Node::tick_heartbeat() {
    ++heartbeat_elapsed_ticks_;
    ++election_elapsed_ticks_;
    if (election_elapsed_ticks_ >= config_.election_timeout_ticks) {
        election_elapsed_ticks_ = 0;
        // Thesis 6.2: a leader that cannot reach a quorum steps down, so that clients find the real one.
        if (config_.check_quorum && !check_quorum_active()) {
            become_follower(term_, no_node);
            return;
        }
    }
    tick_transfer();
    if (!is_leader()) return;
    if (heartbeat_elapsed_ticks_ >= config_.heartbeat_interval_ticks) {
        heartbeat_elapsed_ticks_ = 0;
        broadcast_heartbeat();
    }
}

// Starts an election: first a pre-vote round (thesis 9.6) unless the campaign follows a leadership
// transfer, which must not be delayed.
void Node::hup(bool leadership_transfer) {
    if (is_leader() || !promotable()) return;
    if (config_.pre_vote && !leadership_transfer) {
        become_pre_candidate();
        send_vote_requests(true, false, term_ + 1);
    } else {
        become_candidate(leadership_transfer);
        send_vote_requests(false, leadership_transfer, term_);
    }
    record_vote(id(), true);
}

void Node::send_vote_requests(bool pre_vote, bool leadership_transfer, Term campaign_term) {
    const VoteRequest request{pre_vote, leadership_transfer, log_.last_index(), log_.last_term()};
    for (NodeId voter : configuration().voters) {
        if (voter != id()) send_with_term(voter, campaign_term, request);
    }
}

void Node::record_vote(NodeId from, bool granted) {
    auto* candidate = std::get_if<CandidateRole>(&role_);
    if (candidate == nullptr || !configuration().is_voter(from)) return;
    candidate->votes.emplace(from, granted);  // the first answer counts; duplicates are ignored
    std::vector<std::optional<bool>> answers;
    for (NodeId voter : configuration().voters) {
        const auto it = candidate->votes.find(voter);
        answers.push_back(it == candidate->votes.end() ? std::nullopt : std::optional<bool>(it->second));
    }
    switch (tally_votes(answers)) {
        case VoteResult::pending:
            return;
        case VoteResult::lost:
            become_follower(term_, no_node);
            return;
        case VoteResult::won:
            if (candidate->pre_vote) {
                become_candidate(false);
                send_vote_requests(false, false, term_);
                record_vote(id(), true);
            } else {
                become_leader();
            }
            return;
    }
}

void Node::on_vote_request(const Message& message, const VoteRequest& request) {
    // Thesis 3.4: one vote per term, first come first served; a pre-vote promises nothing and may be
    // given for a future term. A node that knows a leader of this term votes for no one else.
    const bool can_vote = vote_ == message.from || (vote_ == no_node && leader_ == no_node) ||
                          (request.pre_vote && message.term > term_);
    // Thesis 3.6.1: only for a candidate whose log is at least as up-to-date as ours.
    if (can_vote && log_.is_up_to_date(request.last_log_index, request.last_log_term)) {
        send_with_term(message.from, request.pre_vote ? message.term : term_, VoteResponse{request.pre_vote, true});
        if (!request.pre_vote) {
            vote_ = message.from;
            election_elapsed_ticks_ = 0;
        }
        return;
    }
    send(message.from, VoteResponse{request.pre_vote, false});
}

void Node::on_vote_response(const Message& message, const VoteResponse& response) {
    const auto* candidate = std::get_if<CandidateRole>(&role_);
    if (candidate == nullptr || candidate->pre_vote != response.pre_vote) return;
    // A granted pre-vote carries the term we would campaign in; every other answer carries ours.
    const Term expected = response.pre_vote && response.granted ? term_ + 1 : term_;
    if (message.term != expected) return;
    record_vote(message.from, response.granted);
}

// Counts the voters heard from since the previous round, and starts a new round.
bool Node::check_quorum_active() {
    LeaderRole& leader = leader_role();
    std::size_t active = 0;
    for (NodeId voter : configuration().voters) {
        auto it = leader.progress.find(voter);
        if (it == leader.progress.end()) continue;
        if (voter == id() || it->second.recent_active) ++active;
    }
    for (auto& [member, progress] : leader.progress) progress.recent_active = member == id();
    return active >= majority(configuration().voters.size());
}

void Node::on_timeout_now(const Message& message) {
    (void)message;
    // Thesis 3.10: the transfer target campaigns at once, skipping PreVote and the election timer.
    if (!promotable()) return;
    hup(true);
}

}  // namespace rq::raft
