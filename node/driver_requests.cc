// Driver: client requests. Writes and strong reads go through the log; linearizable reads use
// ReadIndex rounds shared by every read that arrives while one is in flight; weak and none reads run
// locally. Also membership proposals and request timeouts.
#include "node/driver.h"
#include "store/pragma_guard.h"
#include "store/rewrite.h"

namespace rq::node {

namespace {

Reply failed(Failure failure, std::string message, std::optional<NodeMeta> leader = std::nullopt) {
    Reply reply;
    reply.failure = failure;
    reply.message = std::move(message);
    reply.leader = std::move(leader);
    return reply;
}

}  // namespace

env::Duration Driver::deadline_after(env::Duration timeout) const {
    return env_.clock.monotonic_now() + (timeout > env::Duration(0) ? timeout : options_.request_timeout);
}

std::optional<Reply> Driver::refuse_unless_leader() const {
    if (failure_) return failed(Failure::stopped, "node stopped: " + failure_->message());
    if (is_leader()) return std::nullopt;
    if (auto known = leader()) return failed(Failure::not_leader, "not leader", known);
    return failed(Failure::no_leader, "leader not found");
}

void Driver::execute(store::StatementBatch batch, const WriteOptions& options, ReplyCallback reply) {
    if (auto refusal = refuse_unless_leader()) return reply(std::move(*refusal));
    if (auto status = store::check_pragmas(batch); !status.ok()) {
        return reply(failed(Failure::rejected, status.error().message()));
    }
    store::Command command;
    command.kind = store::CommandKind::execute;
    // The same clock reading rewrites 'now' and becomes the command's time on every replica.
    command.unix_time = env_.clock.unix_now();
    if (options.parse) {
        store::rewrite_batch(batch, {options.rewrite_random, options.rewrite_time}, command.unix_time, random_);
    }
    command.batch = std::move(batch);
    propose(command, options.timeout, std::move(reply));
}

void Driver::load(std::string image, const WriteOptions& options, ReplyCallback reply) {
    if (auto refusal = refuse_unless_leader()) return reply(std::move(*refusal));
    store::Command command;
    command.kind = store::CommandKind::load;
    command.unix_time = env_.clock.unix_now();
    command.database_image = std::move(image);
    propose(command, options.timeout, std::move(reply));
}

void Driver::request(store::StatementBatch batch, const WriteOptions& write, const ReadOptions& read,
                     ReplyCallback reply) {
    if (store_->is_read_only(batch)) return query(std::move(batch), read, std::move(reply));
    if (auto refusal = refuse_unless_leader()) return reply(std::move(*refusal));
    if (auto status = store::check_pragmas(batch); !status.ok()) {
        return reply(failed(Failure::rejected, status.error().message()));
    }
    store::Command command;
    command.kind = store::CommandKind::request;
    command.unix_time = env_.clock.unix_now();
    if (write.parse) store::rewrite_batch(batch, {write.rewrite_random, write.rewrite_time}, command.unix_time, random_);
    command.batch = std::move(batch);
    propose(command, write.timeout, std::move(reply));
}

void Driver::query(store::StatementBatch batch, const ReadOptions& options, ReplyCallback reply) {
    if (failure_) return reply(failed(Failure::stopped, "node stopped: " + failure_->message()));
    if (auto status = store::check_pragmas(batch); !status.ok()) {
        return reply(failed(Failure::rejected, status.error().message()));
    }
    switch (options.level) {
        case ReadLevel::none: {
            // API.md 4: stale if the leader has been silent longer than `freshness`; with
            // freshness_strict also while this node has not applied what it knows is committed.
            const bool silent = options.freshness > env::Duration(0) && since_leader_contact() > options.freshness;
            const bool behind = options.freshness_strict && node_->log().applied() < node_->log().committed();
            if (!is_leader() && (silent || (behind && options.freshness > env::Duration(0)))) {
                return reply(failed(Failure::stale, "stale read"));
            }
            PendingRead read{std::move(batch), {}, std::move(reply)};
            return serve_read(read);
        }
        case ReadLevel::weak: {
            if (auto refusal = refuse_unless_leader()) return reply(std::move(*refusal));
            PendingRead read{std::move(batch), {}, std::move(reply)};
            return serve_read(read);
        }
        case ReadLevel::linearizable:
            if (auto refusal = refuse_unless_leader()) return reply(std::move(*refusal));
            return read_linearizable(std::move(batch), options.timeout, std::move(reply));
        case ReadLevel::strong: {
            if (auto refusal = refuse_unless_leader()) return reply(std::move(*refusal));
            store::Command command;
            command.kind = store::CommandKind::query;
            command.unix_time = env_.clock.unix_now();
            store::rewrite_batch(batch, {}, command.unix_time, random_);
            command.batch = std::move(batch);
            return propose(command, options.timeout, std::move(reply));
        }
    }
}

void Driver::propose(const store::Command& command, env::Duration timeout, ReplyCallback reply) {
    const raft::Proposal proposal = node_->propose(store::encode_command(command));
    switch (proposal.refusal) {
        case raft::Refusal::none:
            break;
        case raft::Refusal::not_leader:
        case raft::Refusal::no_leader:
            return reply(*refuse_unless_leader());
        case raft::Refusal::leadership_transfer:
            return reply(failed(Failure::leadership_lost, "leadership transfer in progress", leader()));
        case raft::Refusal::uncommitted_limit:
            return reply(failed(Failure::busy, "too many writes waiting to commit; retry later"));
        default:
            return reply(failed(Failure::rejected, raft::refusal_name(proposal.refusal)));
    }
    ++stats_.proposals;
    pending_writes_.emplace(proposal.index, PendingWrite{proposal.term, deadline_after(timeout), std::move(reply)});
    process();
}

void Driver::read_linearizable(store::StatementBatch batch, env::Duration timeout, ReplyCallback reply) {
    reads_to_issue_.push_back(PendingRead{std::move(batch), deadline_after(timeout), std::move(reply)});
    issue_read_round();
    process();
}

// One ReadIndex round at a time (thesis 6.4): every read that arrives while a round is in flight
// joins the next one, so a burst of reads costs one heartbeat round, not one each.
void Driver::issue_read_round() {
    if (failure_ || read_round_in_flight_ || reads_to_issue_.empty()) return;
    const std::uint64_t read_id = next_read_id_++;
    if (const raft::Refusal refusal = node_->read_index(read_id); refusal != raft::Refusal::none || !is_leader()) {
        std::deque<PendingRead> refused;
        refused.swap(reads_to_issue_);
        const Reply refusal_reply = refuse_unless_leader().value_or(failed(Failure::no_leader, "leader not found"));
        for (PendingRead& read : refused) read.reply(refusal_reply);
        return;
    }
    ++stats_.read_index_rounds;
    read_round_in_flight_ = read_id;
    reads_in_round_.assign(std::make_move_iterator(reads_to_issue_.begin()), std::make_move_iterator(reads_to_issue_.end()));
    reads_to_issue_.clear();
}

void Driver::serve_ready_reads() {
    while (!reads_awaiting_apply_.empty() && reads_awaiting_apply_.begin()->first <= store_->applied_index()) {
        PendingRead read = std::move(reads_awaiting_apply_.begin()->second);
        reads_awaiting_apply_.erase(reads_awaiting_apply_.begin());
        serve_read(read);
    }
}

void Driver::serve_read(PendingRead& read) {
    auto results = store_->query(read.batch);
    if (!results.ok()) return read.reply(failed(Failure::stopped, results.error().message()));
    Reply reply;
    reply.results = std::move(results).value();
    read.reply(std::move(reply));
}

// Requests past their deadline fail with `timeout`: a write may still commit later; the caller
// cannot know, which is what rqlite's timeout means too.
void Driver::expire_requests() {
    const env::Duration now = env_.clock.monotonic_now();
    std::vector<ReplyCallback> expired;
    for (auto it = pending_writes_.begin(); it != pending_writes_.end();) {
        if (it->second.deadline > now) {
            ++it;
            continue;
        }
        expired.push_back(std::move(it->second.reply));
        it = pending_writes_.erase(it);
    }
    auto expire_reads = [&](auto& reads) {
        for (auto it = reads.begin(); it != reads.end();) {
            auto& read = [&]() -> PendingRead& {
                if constexpr (std::is_same_v<std::decay_t<decltype(*it)>, PendingRead>) return *it;
                else return it->second;
            }();
            if (read.deadline > now) {
                ++it;
                continue;
            }
            expired.push_back(std::move(read.reply));
            it = reads.erase(it);
        }
    };
    expire_reads(reads_to_issue_);
    expire_reads(reads_in_round_);
    expire_reads(reads_awaiting_apply_);
    for (ReplyCallback& reply : expired) reply(failed(Failure::timeout, "timeout"));
}

void Driver::add_member(const NodeMeta& meta, bool voter, ReplyCallback reply) {
    if (auto refusal = refuse_unless_leader()) return reply(std::move(*refusal));
    const raft::NodeId id = raft_id_of(meta.id);
    const raft::Configuration& config = node_->configuration();
    if (const auto known = members_.find(id); known != members_.end()) {
        const bool same_role = voter ? config.is_voter(id) : config.is_learner(id);
        if (known->second == meta && same_role) return reply(Reply{});  // already a member: nothing to do
        if (known->second.id != meta.id) {
            return reply(failed(Failure::rejected, "node id " + meta.id + " collides with member " + known->second.id));
        }
    }
    raft::ConfigChange change{voter ? raft::ConfigChangeType::add_voter : raft::ConfigChangeType::add_learner, id,
                              encode_meta(meta)};
    propose_config_change(change, std::move(reply));
}

void Driver::remove_member(const std::string& node_id, ReplyCallback reply) {
    if (auto refusal = refuse_unless_leader()) return reply(std::move(*refusal));
    const raft::NodeId id = raft_id_of(node_id);
    if (!node_->configuration().contains(id)) return reply(failed(Failure::rejected, "node " + node_id + " is not a member"));
    propose_config_change(raft::ConfigChange{raft::ConfigChangeType::remove_node, id, {}}, std::move(reply));
}

void Driver::propose_config_change(const raft::ConfigChange& change, ReplyCallback reply) {
    const raft::Proposal proposal = node_->propose_config_change(change);
    switch (proposal.refusal) {
        case raft::Refusal::none:
            break;
        case raft::Refusal::config_change_pending:
        case raft::Refusal::leader_not_ready:
        case raft::Refusal::leadership_transfer:
            return reply(failed(Failure::busy, raft::refusal_name(proposal.refusal)));
        case raft::Refusal::not_leader:
        case raft::Refusal::no_leader:
            return reply(*refuse_unless_leader());
        default:
            return reply(failed(Failure::rejected, raft::refusal_name(proposal.refusal)));
    }
    pending_writes_.emplace(proposal.index,
                            PendingWrite{proposal.term, deadline_after(env::Duration(0)), std::move(reply)});
    process();
}

raft::Refusal Driver::transfer_leadership(const std::string& node_id) {
    const raft::Refusal refusal = node_->transfer_leadership(raft_id_of(node_id));
    process();
    return refusal;
}

void Driver::campaign() {
    node_->campaign();
    process();
}

}  // namespace rq::node
