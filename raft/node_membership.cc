// Membership changes, one server at a time (thesis 4.1-4.2), and leadership transfer (thesis 3.10).
#include <algorithm>

#include "base/assert.h"
#include "raft/codec.h"
#include "raft/node.h"

namespace rq::raft {

namespace {

void insert_sorted(std::vector<NodeId>& ids, NodeId id) { ids.insert(std::lower_bound(ids.begin(), ids.end(), id), id); }

void erase_id(std::vector<NodeId>& ids, NodeId id) { ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end()); }

// The configuration after `change`, or nullopt when the change makes no sense.
std::optional<Configuration> apply_change(Configuration config, const ConfigChange& change) {
    if (change.node == no_node) return std::nullopt;
    switch (change.type) {
        case ConfigChangeType::add_voter:
            if (config.is_voter(change.node)) return std::nullopt;
            erase_id(config.learners, change.node);  // promoting a learner
            insert_sorted(config.voters, change.node);
            return config;
        case ConfigChangeType::add_learner:
            // Demoting a voter is not supported: remove it, then add it back as a learner.
            if (config.contains(change.node)) return std::nullopt;
            insert_sorted(config.learners, change.node);
            return config;
        case ConfigChangeType::remove_node:
            if (!config.contains(change.node)) return std::nullopt;
            erase_id(config.voters, change.node);
            erase_id(config.learners, change.node);
            if (config.voters.empty()) return std::nullopt;  // a group without voters cannot recover
            return config;
    }
    return std::nullopt;
}

}  // namespace

Proposal Node::propose_config_change(const ConfigChange& change) {
    Proposal refused{Refusal::none, leader_, {}, {}};
    if (!is_leader()) {
        refused.refusal = Refusal::not_leader;
    } else if (leader_role().transfer_target != no_node) {
        refused.refusal = Refusal::leadership_transfer;
    } else if (!committed_in_current_term()) {
        // Ongaro, "bug in single-server membership changes" (raft-dev, 2015): a leader must commit an
        // entry of its own term before changing the configuration.
        refused.refusal = Refusal::leader_not_ready;
    } else if (log_.configuration_index() > log_.committed()) {
        refused.refusal = Refusal::config_change_pending;  // thesis 4.1: one change at a time
    }
    if (!refused.accepted()) return refused;
    const auto next = apply_change(configuration(), change);
    if (!next) return Proposal{Refusal::invalid, id(), {}, {}};
    Entry entry{term_, log_.last_index() + 1, EntryType::config, encode_config_record({change, *next})};
    std::vector<Entry> entries;
    entries.push_back(std::move(entry));
    const Proposal proposal = append_proposals(std::move(entries));
    check_invariants();
    return proposal;
}

// Thesis 4.1: a server uses the latest configuration in its log as soon as the entry is appended,
// committed or not. Adjusts the leader's trackers to it.
void Node::on_configuration_changed() {
    const Configuration& config = configuration();
    if (config == known_configuration_) return;
    known_configuration_ = config;
    if (!is_leader()) return;
    LeaderRole& leader = leader_role();
    for (auto it = leader.progress.begin(); it != leader.progress.end();) {
        it = config.contains(it->first) ? std::next(it) : leader.progress.erase(it);
    }
    auto track = [&](NodeId member) {
        leader.progress.try_emplace(member, log_.last_index() + 1, config_.max_inflight_messages,
                                    config_.max_inflight_bytes);
    };
    for (NodeId member : config.voters) track(member);
    for (NodeId member : config.learners) track(member);
    if (leader.transfer_target != no_node && !config.is_voter(leader.transfer_target)) abort_transfer();
    // A smaller quorum may commit at once (removals); a new member's next is probed as usual.
    if (maybe_commit()) on_commit_advanced();
}

// Thesis 4.2.2: a leader removed from the configuration steps down once that change commits. To
// spare the cluster an election timeout, it first asks the most up-to-date voter to campaign.
void Node::maybe_step_down_after_removal() {
    if (!is_leader() || configuration().is_voter(id()) || log_.configuration_index() > log_.committed()) return;
    LeaderRole& leader = leader_role();
    NodeId successor = no_node;
    for (NodeId voter : configuration().voters) {
        const auto it = leader.progress.find(voter);
        if (it != leader.progress.end() && it->second.match == log_.last_index()) {
            successor = voter;
            break;
        }
    }
    if (successor != no_node) send(successor, TimeoutNow{});
    become_follower(term_, no_node);
}

Refusal Node::transfer_leadership(NodeId target) {
    if (!is_leader()) return leader_ == no_node ? Refusal::no_leader : Refusal::not_leader;
    if (target == id()) return Refusal::none;  // already leads
    if (!configuration().is_voter(target)) return Refusal::invalid;
    LeaderRole& leader = leader_role();
    if (leader.transfer_target == target) return Refusal::none;  // already under way
    leader.transfer_target = target;
    leader.transfer_elapsed_ticks = 0;
    Progress& progress = leader.progress.at(target);
    if (progress.match == log_.last_index()) {
        send(target, TimeoutNow{});
    } else {
        maybe_send_append(target, true);  // catch it up first; TimeoutNow follows its acknowledgement
    }
    check_invariants();
    return Refusal::none;
}

void Node::tick_transfer() {
    LeaderRole& leader = leader_role();
    if (leader.transfer_target == no_node) return;
    if (++leader.transfer_elapsed_ticks >= config_.transfer_timeout_ticks) abort_transfer();
}

void Node::abort_transfer() {
    LeaderRole& leader = leader_role();
    leader.transfer_target = no_node;
    leader.transfer_elapsed_ticks = 0;
}

void Node::maybe_send_timeout_now(NodeId to, const Progress& progress) {
    if (!is_leader()) return;
    if (leader_role().transfer_target == to && progress.match == log_.last_index()) send(to, TimeoutNow{});
}

}  // namespace rq::raft
