#pragma once
// raft::Node: one Raft participant as a deterministic state machine (etcd-raft's RawNode, Scylla's
// fsm). It performs no I/O, reads no clock, creates no entropy and starts no thread:
//   inputs  — step(message), tick(), propose(), propose_config_change(), read_index(),
//             transfer_leadership(), campaign();
//   outputs — ready(): what to persist, send and apply (see ready.h for the order), acknowledged by
//             advance().
// Expected refusals (not the leader, a transfer in progress, ...) are returned values; broken
// invariants abort with RQ_ASSERT. check_invariants() runs after every input.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/random.h"
#include "base/result.h"
#include "raft/config.h"
#include "raft/log.h"
#include "raft/message.h"
#include "raft/progress.h"
#include "raft/ready.h"
#include "raft/storage.h"

namespace rq::raft {

// Why a request was not taken. `none` means it was.
enum class Refusal : std::uint8_t {
    none,
    not_leader,               // only the leader takes this; see the leader hint
    no_leader,                // no leader is known to forward to
    leadership_transfer,      // a leadership transfer is in progress (thesis 3.10)
    uncommitted_limit,        // too many proposed bytes are not yet committed (flow control)
    config_change_pending,    // a membership change is not yet committed (one at a time, thesis 4.1)
    leader_not_ready,         // a new leader has not yet committed an entry of its own term
    invalid,                  // the request makes no sense (unknown node, already a member, ...)
};

const char* refusal_name(Refusal refusal);

// The outcome of a proposal: where its entry (the first, for a batch) will be if it commits. The
// application learns the outcome when an entry at that index is applied: the proposal succeeded iff
// the applied entry has this term.
struct Proposal {
    Refusal refusal = Refusal::none;
    NodeId leader_hint = no_node;
    Index index;
    Term term;
    [[nodiscard]] bool accepted() const { return refusal == Refusal::none; }
};

// A snapshot of the node's state for inspection, printing and /status.
struct NodeStatus {
    NodeId id;
    Role role = Role::follower;
    NodeId leader;
    HardState hard_state;
    Index applied;
    Index first_index;
    Index last_index;
    Configuration config;
    struct FollowerProgress {
        NodeId id;
        Index match;
        Index next;
        ProgressState state;
        bool recent_active;
    };
    std::vector<FollowerProgress> progress;  // leader only
    NodeId transfer_target;                  // leader only
};

class Node {
public:
    // Creates a node from what `storage` holds (a fresh node, or a restart). The storage must outlive
    // the node. Fails only for an invalid config.
    static Result<std::unique_ptr<Node>> create(const Config& config, const Storage& storage);

    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;

    // Time passes by one tick: elections and heartbeats are driven from here.
    void tick();
    // A message from another node. Messages for another node, or from a stale term, are dropped.
    void step(const Message& message);

    // Leader only: appends application data (or several entries at once) to the log.
    Proposal propose(std::string data);
    Proposal propose_batch(std::vector<std::string> data);
    // Leader only: one single-server membership change at a time (thesis 4.1, 4.2.3).
    Proposal propose_config_change(const ConfigChange& change);
    // Asks for a read index for a linearizable read identified by `read_id`; the answer arrives as a
    // ReadState in a later Ready. A follower forwards the request to the leader. No answer arrives if
    // leadership changes first: the caller must then fail or retry the read.
    Refusal read_index(std::uint64_t read_id);
    // Leader only: hands leadership to `target` (thesis 3.10). Proposals are refused meanwhile.
    Refusal transfer_leadership(NodeId target);
    // Starts an election now (after PreVote, if enabled), as if the election timeout had passed.
    void campaign();

    [[nodiscard]] bool has_ready() const;
    Ready ready();
    void advance();

    [[nodiscard]] NodeId id() const { return config_.id; }
    [[nodiscard]] Term term() const { return term_; }
    [[nodiscard]] Role role() const;
    [[nodiscard]] NodeId leader() const { return leader_; }
    [[nodiscard]] const RaftLog& log() const { return log_; }
    [[nodiscard]] const Configuration& configuration() const { return log_.configuration(); }
    [[nodiscard]] NodeStatus status() const;

    // Aborts with the offending values if a local invariant is broken: term and commit never
    // decrease, one vote per term, applied <= committed <= last index. Runs after every input.
    void check_invariants();

private:
    struct PendingRead {
        NodeId from;  // who asked: this node, or a follower that forwarded the request
        std::uint64_t read_id;
        Index index;
        std::uint64_t round;
    };
    struct FollowerRole {
        struct IncomingSnapshot {
            SnapshotMetadata metadata;
            std::uint64_t next_offset = 0;
            // Asked for a resend from next_offset after a gap, and after a chunk we hold: further
            // such chunks are ignored until the transfer moves on or the next heartbeat (the
            // request may have been lost). Kept apart so a resend from below us is answered even
            // while a gap report is pending (the leader missed our acknowledgement).
            bool gap_reported = false;
            bool held_chunk_reported = false;
        };
        std::optional<IncomingSnapshot> incoming_snapshot;
    };
    struct CandidateRole {
        bool pre_vote = false;
        bool leadership_transfer = false;
        std::map<NodeId, bool> votes;
    };
    struct LeaderRole {
        std::map<NodeId, Progress> progress;
        NodeId transfer_target = no_node;
        std::uint32_t transfer_elapsed_ticks = 0;
        std::uint64_t read_round = 0;
        std::deque<PendingRead> reads;                    // awaiting a quorum heartbeat round
        std::vector<PendingRead> reads_before_term_commit;  // awaiting the first commit of this term
        std::uint64_t uncommitted_bytes = 0;
    };

    Node(const Config& config, const Storage& storage);

    // node.cc: term rules, transitions, outputs.
    bool step_term(const Message& message);
    void step_by_role(const Message& message);
    void on_stale_message(const Message& message);
    void become_follower(Term term, NodeId leader);
    void become_pre_candidate();
    void become_candidate(bool leadership_transfer);
    void become_leader();
    void reset_term(Term term);
    void reset_election_timer();
    void send(NodeId to, MessagePayload payload);
    void send_with_term(NodeId to, Term term, MessagePayload payload);
    [[nodiscard]] bool promotable() const;
    [[nodiscard]] bool in_leader_lease() const;
    [[nodiscard]] bool committed_in_current_term() const;
    [[nodiscard]] HardState hard_state() const { return HardState{term_, vote_, log_.committed()}; }
    [[nodiscard]] SoftState soft_state() const { return SoftState{leader_, role()}; }
    LeaderRole& leader_role();
    [[nodiscard]] bool is_leader() const { return std::holds_alternative<LeaderRole>(role_); }

    // node_election.cc
    void tick_election();
    void tick_heartbeat();
    void hup(bool leadership_transfer);
    void send_vote_requests(bool pre_vote, bool leadership_transfer, Term campaign_term);
    void on_vote_request(const Message& message, const VoteRequest& request);
    void on_vote_response(const Message& message, const VoteResponse& response);
    void record_vote(NodeId from, bool granted);
    bool check_quorum_active();
    void on_timeout_now(const Message& message);

    // node_replication.cc
    Proposal append_proposals(std::vector<Entry> entries);
    bool maybe_send_append(NodeId to, bool send_if_empty);
    void broadcast_append();
    void broadcast_heartbeat();
    void send_heartbeat(NodeId to);
    bool maybe_commit();
    void on_commit_advanced();
    void follow_current_leader(NodeId leader);
    Progress* progress_of_responder(NodeId from);
    void on_append_request(const Message& message, const AppendRequest& request);
    void on_append_response(const Message& message, const AppendResponse& response);
    void on_append_accepted(NodeId from, Progress& progress, Index index);
    void on_heartbeat(const Message& message, const Heartbeat& heartbeat);
    void on_heartbeat_response(const Message& message, const HeartbeatResponse& response);
    void on_self_persisted(Index stable_index);

    // node_snapshot.cc
    void start_snapshot(NodeId to, Progress& progress);
    void send_snapshot_chunks(NodeId to, Progress& progress);
    void on_snapshot_chunk(const Message& message, const SnapshotChunk& chunk);
    void on_snapshot_response(const Message& message, const SnapshotResponse& response);
    void on_snapshot_stalled(NodeId to, Progress& progress);
    void rearm_snapshot_gap_report();

    // node_membership.cc
    void on_configuration_changed();
    void maybe_step_down_after_removal();
    void tick_transfer();
    void abort_transfer();
    void maybe_send_timeout_now(NodeId to, const Progress& progress);

    // node_read.cc
    void start_read(NodeId from, std::uint64_t read_id);
    void release_reads_before_term_commit();
    void release_confirmed_reads();
    void answer_read(const PendingRead& read);
    void on_read_index_request(const Message& message, const ReadIndexRequest& request);
    void on_read_index_response(const Message& message, const ReadIndexResponse& response);

    Config config_;
    const Storage& storage_;
    RaftLog log_;
    Random random_;

    Term term_;
    NodeId vote_ = no_node;
    NodeId leader_ = no_node;
    std::variant<FollowerRole, CandidateRole, LeaderRole> role_;
    // The configuration the role state (progress trackers) was last adjusted to.
    Configuration known_configuration_;

    std::uint32_t election_elapsed_ticks_ = 0;
    std::uint32_t heartbeat_elapsed_ticks_ = 0;
    std::uint32_t randomized_election_timeout_ticks_ = 0;

    // Outputs gathered for the next Ready.
    std::vector<Message> messages_;
    std::map<NodeId, std::size_t> unsent_heartbeats_;  // follower -> position of its heartbeat in messages_
    std::vector<SnapshotChunk> snapshot_chunks_to_persist_;
    std::vector<ReadState> read_states_;

    // What the previous Ready reported, and what the outstanding one (if any) handed out.
    HardState reported_hard_state_;
    SoftState reported_soft_state_;
    bool ready_outstanding_ = false;
    std::optional<std::pair<Index, Term>> outstanding_last_entry_;
    std::optional<Index> outstanding_snapshot_index_;
    std::optional<Index> outstanding_last_committed_;

    // Reused by every quorum computation (one per acknowledgement on a leader) instead of a new vector.
    std::vector<Index> quorum_scratch_;

    // The state seen by the previous check_invariants().
    HardState checked_hard_state_;
    Index checked_applied_;
};

}  // namespace rq::raft
