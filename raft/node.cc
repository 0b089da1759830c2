// Node: construction, the term rules every message passes through (thesis 3.3), role transitions,
// the Ready/advance handshake and local invariants. Message handlers live in node_*.cc by concern.
#include "raft/node.h"

#include <algorithm>
#include <iterator>

#include "base/assert.h"

namespace rq::raft {

namespace {

template <typename... Handlers>
struct Overloaded : Handlers... {
    using Handlers::operator()...;
};
template <typename... Handlers>
Overloaded(Handlers...) -> Overloaded<Handlers...>;

// Outgoing messages are gathered in a vector kept from one Ready to the next, up to this capacity.
constexpr std::size_t messages_capacity_kept = 256;

// Per-node jitter stream: the same seed on every node must still give different timeouts.
std::uint64_t jitter_seed(const Config& config) { return config.seed ^ (config.id.value() * 0x9e3779b97f4a7c15ULL); }

}  // namespace

const char* refusal_name(Refusal refusal) {
    switch (refusal) {
        case Refusal::none: return "none";
        case Refusal::not_leader: return "not leader";
        case Refusal::no_leader: return "no leader";
        case Refusal::leadership_transfer: return "leadership transfer in progress";
        case Refusal::uncommitted_limit: return "too many uncommitted bytes";
        case Refusal::config_change_pending: return "membership change in progress";
        case Refusal::leader_not_ready: return "leader has not committed an entry of its term";
        case Refusal::invalid: return "invalid request";
    }
    return "?";
}

const char* role_name(Role role) {
    switch (role) {
        case Role::follower: return "follower";
        case Role::pre_candidate: return "pre-candidate";
        case Role::candidate: return "candidate";
        case Role::leader: return "leader";
    }
    return "?";
}

Result<std::unique_ptr<Node>> Node::create(const Config& config, const Storage& storage) {
    RQ_TRY_STATUS(config.validate(), "create raft node");
    if (config.applied > storage.hard_state().commit && config.applied > storage.snapshot_metadata().index) {
        return Error(ErrorCode::invalid_argument,
                     "create raft node: applied index " + std::to_string(config.applied.value()) +
                         " is beyond the durable commit index " + std::to_string(storage.hard_state().commit.value()));
    }
    return std::unique_ptr<Node>(new Node(config, storage));
}

Node::Node(const Config& config, const Storage& storage)
    : config_(config), storage_(storage), log_(storage, config.applied), random_(jitter_seed(config)) {
    const HardState durable = storage.hard_state();
    term_ = durable.term;
    vote_ = durable.vote;
    role_ = FollowerRole{};
    known_configuration_ = log_.configuration();
    reset_election_timer();
    reported_hard_state_ = hard_state();
    checked_hard_state_ = hard_state();
    checked_applied_ = log_.applied();
}

Role Node::role() const {
    if (std::holds_alternative<LeaderRole>(role_)) return Role::leader;
    if (const auto* candidate = std::get_if<CandidateRole>(&role_)) {
        return candidate->pre_vote ? Role::pre_candidate : Role::candidate;
    }
    return Role::follower;
}

Node::LeaderRole& Node::leader_role() {
    RQ_ASSERT(is_leader(), "node", id(), "is not the leader");
    return std::get<LeaderRole>(role_);
}

void Node::tick() {
    if (is_leader()) {
        tick_heartbeat();
    } else {
        tick_election();
    }
    check_invariants();
}

void Node::step(const Message& message) {
    if (message.to != id()) return;
    if (step_term(message)) step_by_role(message);
    check_invariants();
}

// Thesis 3.3: a higher term makes us a follower of that term; a lower term marks a stale sender.
// Returns whether the message should be handled further.
bool Node::step_term(const Message& message) {
    if (message.term > term_) {
        if (const auto* request = std::get_if<VoteRequest>(&message.payload)) {
            // Thesis 4.2.3 / 6.2: within a leader's lease, ignore disruptive vote requests entirely,
            // unless the campaign follows a deliberate leadership transfer.
            if (!request->leadership_transfer && in_leader_lease()) return false;
            if (request->pre_vote) return true;  // a pre-vote never changes our term
        }
        if (const auto* response = std::get_if<VoteResponse>(&message.payload)) {
            if (response->pre_vote && response->granted) return true;  // carries the term we would run in
        }
        const bool from_leader = std::holds_alternative<AppendRequest>(message.payload) ||
                                 std::holds_alternative<Heartbeat>(message.payload) ||
                                 std::holds_alternative<SnapshotChunk>(message.payload);
        become_follower(message.term, from_leader ? message.from : no_node);
        return true;
    }
    if (message.term < term_) {
        // Test-only planted bug: a non-leader takes a deposed leader's appends (see on_append_request).
        const bool planted_bug = config_.planted_bug == PlantedBug::accept_stale_term && !is_leader();
        if (planted_bug && std::holds_alternative<AppendRequest>(message.payload)) return true;
        on_stale_message(message);
        return false;
    }
    return true;
}

void Node::on_stale_message(const Message& message) {
    const bool from_stale_leader = std::holds_alternative<AppendRequest>(message.payload) ||
                                   std::holds_alternative<Heartbeat>(message.payload);
    if (from_stale_leader && (config_.check_quorum || config_.pre_vote)) {
        // A leader cut off from us kept its old term; tell it ours so it steps down. Without this,
        // with PreVote or CheckQuorum, it might never learn (etcd raft.go, "stale leader" case).
        send(message.from, AppendResponse{});
    } else if (const auto* request = std::get_if<VoteRequest>(&message.payload); request && request->pre_vote) {
        send(message.from, VoteResponse{true, false});
    }
}

void Node::step_by_role(const Message& message) {
    std::visit(Overloaded{
                   [&](const VoteRequest& request) { on_vote_request(message, request); },
                   [&](const VoteResponse& response) { on_vote_response(message, response); },
                   [&](const AppendRequest& request) { on_append_request(message, request); },
                   [&](const AppendResponse& response) { on_append_response(message, response); },
                   [&](const Heartbeat& heartbeat) { on_heartbeat(message, heartbeat); },
                   [&](const HeartbeatResponse& response) { on_heartbeat_response(message, response); },
                   [&](const SnapshotChunk& chunk) { on_snapshot_chunk(message, chunk); },
                   [&](const SnapshotResponse& response) { on_snapshot_response(message, response); },
                   [&](const TimeoutNow&) { on_timeout_now(message); },
                   [&](const ReadIndexRequest& request) { on_read_index_request(message, request); },
                   [&](const ReadIndexResponse& response) { on_read_index_response(message, response); },
               },
               message.payload);
}

void Node::reset_term(Term term) {
    if (term != term_) {
        term_ = term;
        vote_ = no_node;
    }
}

void Node::reset_election_timer() {
    election_elapsed_ticks_ = 0;
    heartbeat_elapsed_ticks_ = 0;
    // Thesis 3.4: randomised in [T, 2T) so that split votes are rare and resolve quickly.
    randomized_election_timeout_ticks_ =
        config_.election_timeout_ticks + static_cast<std::uint32_t>(random_.below(config_.election_timeout_ticks));
}

void Node::become_follower(Term term, NodeId leader) {
    reset_term(term);
    role_ = FollowerRole{};
    leader_ = leader;
    reset_election_timer();
}

void Node::become_pre_candidate() {
    RQ_ASSERT(!is_leader(), "a leader cannot become a pre-candidate");
    role_ = CandidateRole{true, false, {}};
    leader_ = no_node;
    reset_election_timer();
}

void Node::become_candidate(bool leadership_transfer) {
    RQ_ASSERT(!is_leader(), "a leader cannot become a candidate");
    reset_term(term_ + 1);
    vote_ = id();
    role_ = CandidateRole{false, leadership_transfer, {}};
    leader_ = no_node;
    reset_election_timer();
}

void Node::become_leader() {
    RQ_ASSERT(role() == Role::candidate, "only a candidate becomes leader, not a", role_name(role()));
    role_ = LeaderRole{};
    leader_ = id();
    reset_election_timer();
    LeaderRole& leader = leader_role();
    const Configuration& config = configuration();
    auto add = [&](NodeId member) {
        auto [it, added] = leader.progress.try_emplace(member, log_.last_index() + 1, config_.max_inflight_messages,
                                                       config_.max_inflight_bytes);
        (void)added;
        if (member == id()) {
            // Only what is durable here counts towards a quorum (etcd issue 14370).
            it->second.match = log_.stable_last_index();
            it->second.recent_active = true;
        }
    };
    for (NodeId member : config.voters) add(member);
    for (NodeId member : config.learners) add(member);
    known_configuration_ = config;
    // Thesis 3.6.2 / 6.4: a no-op of the new term lets the leader commit (and learn the commit
    // index of) everything before it.
    log_.append({Entry{term_, log_.last_index() + 1, EntryType::noop, {}}});
    broadcast_append();
}

bool Node::promotable() const {
    if (configuration().is_voter(id())) return true;
    // Thesis 4.2.2 (Figure 4.6): a server removed by a change that is not yet committed may be the
    // one whose log a new leader needs, so it still campaigns (counting votes in the configuration
    // that excludes it) until the change commits.
    return log_.configuration_index() > log_.committed() && log_.configuration_at(log_.committed()).is_voter(id());
}

bool Node::in_leader_lease() const {
    return config_.check_quorum && leader_ != no_node && election_elapsed_ticks_ < config_.election_timeout_ticks;
}

bool Node::committed_in_current_term() const { return log_.term(log_.committed()) == term_; }

void Node::send(NodeId to, MessagePayload payload) { send_with_term(to, term_, std::move(payload)); }

void Node::send_with_term(NodeId to, Term term, MessagePayload payload) {
    messages_.push_back(Message{id(), to, term, std::move(payload)});
}

bool Node::has_ready() const {
    if (ready_outstanding_) return false;
    return soft_state() != reported_soft_state_ || hard_state() != reported_hard_state_ || !messages_.empty() ||
           !snapshot_chunks_to_persist_.empty() || log_.has_snapshot_to_persist() || log_.has_entries_to_persist() ||
           log_.has_next_committed_entries() || !read_states_.empty();
}

Ready Node::ready() {
    RQ_ASSERT(!ready_outstanding_, "ready() called again before advance()");
    Ready ready;
    if (soft_state() != reported_soft_state_) {
        ready.soft_state = soft_state();
        reported_soft_state_ = soft_state();
    }
    if (hard_state() != reported_hard_state_) {
        ready.hard_state = hard_state();
        // Term and vote must be durable before any message; a lagging commit index is harmless.
        ready.must_sync = hard_state().term != reported_hard_state_.term || hard_state().vote != reported_hard_state_.vote;
        reported_hard_state_ = hard_state();
    }
    ready.snapshot_chunks = std::move(snapshot_chunks_to_persist_);
    snapshot_chunks_to_persist_.clear();
    ready.snapshot = log_.take_snapshot_to_persist();
    ready.entries = log_.take_entries_to_persist();
    ready.must_sync = ready.must_sync || !ready.snapshot_chunks.empty() || ready.snapshot || !ready.entries.empty();
    ready.committed_entries = log_.next_committed_entries(config_.max_committed_bytes_per_ready);
    // The Ready gets a vector of the exact size; messages_ keeps its capacity for the next batch, so
    // sending does not grow a new vector after every Ready.
    ready.messages.reserve(messages_.size());
    std::move(messages_.begin(), messages_.end(), std::back_inserter(ready.messages));
    messages_.clear();
    if (messages_.capacity() > messages_capacity_kept) messages_.shrink_to_fit();  // after a burst
    unsent_heartbeats_.clear();
    ready.read_states = std::move(read_states_);
    read_states_.clear();

    if (ready.snapshot) outstanding_snapshot_index_ = ready.snapshot->index;
    if (!ready.entries.empty()) outstanding_last_entry_ = {ready.entries.back().index, ready.entries.back().term};
    if (!ready.committed_entries.empty()) outstanding_last_committed_ = ready.committed_entries.back().index;
    if (is_leader()) {
        auto& leader = leader_role();
        for (const Entry& entry : ready.committed_entries) {
            if (entry.term != term_ || entry.type != EntryType::normal) continue;
            leader.uncommitted_bytes -= std::min(leader.uncommitted_bytes, entry.size_bytes());
        }
    }
    ready_outstanding_ = true;
    return ready;
}

void Node::advance() {
    RQ_ASSERT(ready_outstanding_, "advance() without an outstanding ready()");
    ready_outstanding_ = false;
    if (outstanding_snapshot_index_) log_.stable_snapshot_to(*outstanding_snapshot_index_);
    if (outstanding_last_entry_) log_.stable_to(outstanding_last_entry_->first, outstanding_last_entry_->second);
    if (outstanding_last_committed_) log_.applied_to(*outstanding_last_committed_);
    outstanding_snapshot_index_.reset();
    outstanding_last_entry_.reset();
    outstanding_last_committed_.reset();
    if (is_leader()) on_self_persisted(log_.stable_last_index());
    check_invariants();
}

void Node::check_invariants() {
    const HardState now = hard_state();
    const HardState& before = checked_hard_state_;
    RQ_ASSERT(now.term >= before.term, "node", id(), "term went back from", before.term, "to", now.term);
    RQ_ASSERT(now.commit >= before.commit, "node", id(), "commit went back from", before.commit, "to", now.commit);
    if (now.term == before.term && before.vote != no_node) {
        RQ_ASSERT(now.vote == before.vote, "node", id(), "voted twice in term", now.term, ":", before.vote, "then",
                  now.vote);
    }
    RQ_ASSERT(log_.applied() >= checked_applied_, "node", id(), "applied went back from", checked_applied_, "to",
              log_.applied());
    RQ_ASSERT(log_.applied() <= log_.committed() && log_.committed() <= log_.last_index(), "node", id(), "applied",
              log_.applied(), "committed", log_.committed(), "last", log_.last_index());
    if (is_leader()) RQ_ASSERT(leader_ == id(), "leader", id(), "names", leader_, "as leader");
    checked_hard_state_ = now;
    checked_applied_ = log_.applied();
}

NodeStatus Node::status() const {
    NodeStatus status;
    status.id = id();
    status.role = role();
    status.leader = leader_;
    status.hard_state = hard_state();
    status.applied = log_.applied();
    status.first_index = log_.first_index();
    status.last_index = log_.last_index();
    status.config = configuration();
    if (const auto* leader = std::get_if<LeaderRole>(&role_)) {
        for (const auto& [member, progress] : leader->progress) {
            status.progress.push_back({member, progress.match, progress.next, progress.state, progress.recent_active});
        }
        status.transfer_target = leader->transfer_target;
    }
    return status;
}

}  // namespace rq::raft
