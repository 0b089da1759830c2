#include "tests/raft/interaction_env.h"

#include <stdexcept>

#include "raft/codec.h"
#include "raft/printer.h"

namespace rq::testing {

using raft::Configuration;
using raft::NodeId;

namespace {

raft::Config default_config() {
    raft::Config config;
    config.election_timeout_ticks = 10;
    config.heartbeat_interval_ticks = 1;
    config.transfer_timeout_ticks = 10;
    config.seed = 1;
    return config;
}

std::vector<NodeId> to_ids(const std::vector<std::uint64_t>& numbers) {
    std::vector<NodeId> ids;
    for (auto n : numbers) ids.emplace_back(n);
    return ids;
}

}  // namespace

InteractionEnv::InteractionEnv() : cluster_(default_config()) {}

std::string InteractionEnv::run(const std::string& line) {
    out_.str("");
    const ScriptCommand command = parse_command(line);
    const std::string& name = command.name;
    if (name == "add-nodes") add_nodes(command);
    else if (name == "campaign") campaign(command);
    else if (name == "propose") propose(command);
    else if (name == "conf-change") conf_change(command);
    else if (name == "transfer-leadership") transfer_leadership(command);
    else if (name == "read-index") read_index(command);
    else if (name == "tick") tick(command);
    else if (name == "tick-election") tick_election(command);
    else if (name == "tick-heartbeat") tick_heartbeat(command);
    else if (name == "process-ready") process_ready(command);
    else if (name == "deliver-msgs") deliver_messages(command);
    else if (name == "drop-msgs") drop_messages(command);
    else if (name == "stabilize") stabilize(command);
    else if (name == "partition") partition(command);
    else if (name == "heal") partition_.clear();
    else if (name == "status") status(command);
    else if (name == "raft-state") raft_state();
    else if (name == "raft-log") raft_log(command);
    else if (name == "applied") applied(command);
    else if (name == "reads") reads(command);
    else if (name == "crash") crash_or_restart(command, false);
    else if (name == "restart") crash_or_restart(command, true);
    else if (name == "compact") compact(command);
    else throw std::runtime_error("unknown command: " + name);
    cluster_.check_safety();
    std::string text = out_.str();
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text.empty() ? "ok" : text;
}

// add-nodes N [voters=(..)] [learners=(..)] [join] [pre-vote=false] [check-quorum=false]
//           [max-inflight=N] [max-message-bytes=N] [snapshot-chunk=N] [max-uncommitted=N]
// Adds N nodes numbered after the existing ones. With voters=, each starts with that founding
// configuration; with `join` (or without voters=) each starts empty, waiting to be added.
void InteractionEnv::add_nodes(const ScriptCommand& command) {
    const std::uint64_t count = std::stoull(command.positional.at(0));
    raft::Config config = default_config();
    config.pre_vote = command.option("pre-vote", "true") == "true";
    config.check_quorum = command.option("check-quorum", "true") == "true";
    config.max_inflight_messages = static_cast<std::uint32_t>(command.number("max-inflight", 256));
    config.max_message_bytes = command.number("max-message-bytes", config.max_message_bytes);
    config.snapshot_chunk_bytes = command.number("snapshot-chunk", config.snapshot_chunk_bytes);
    config.max_snapshot_inflight_bytes = std::max(config.snapshot_chunk_bytes, command.number("snapshot-inflight", config.snapshot_chunk_bytes));
    config.max_uncommitted_bytes = command.number("max-uncommitted", config.max_uncommitted_bytes);
    std::optional<Configuration> bootstrap;
    const bool join = std::find(command.positional.begin(), command.positional.end(), "join") != command.positional.end();
    if (command.has("voters") && !join) {
        bootstrap = Configuration{to_ids(command.numbers("voters")), to_ids(command.numbers("learners"))};
    }
    std::uint64_t next = cluster_.ids().empty() ? 1 : cluster_.ids().back().value() + 1;
    for (std::uint64_t i = 0; i < count; ++i, ++next) {
        cluster_.add(NodeId(next), bootstrap, &config);
        if (command.has("log")) set_log(NodeId(next), command);
        out_ << raft::describe(cluster_.node(NodeId(next)).status()) << '\n';
    }
}

// log=(1,1,4,...) gives the terms of entries 1, 2, 3, ...: entry 1 is the founding configuration,
// the rest carry data "t<term>i<index>". term=N sets the durable term (default: the last entry's).
void InteractionEnv::set_log(NodeId id, const ScriptCommand& command) {
    const std::vector<std::uint64_t> terms = command.numbers("log");
    std::vector<raft::Entry> entries;
    entries.push_back(raft::bootstrap_entry(cluster_.node(id).configuration()));
    for (std::size_t i = 1; i < terms.size(); ++i) {
        const raft::Index index(i + 1);
        std::ostringstream data;  // (not string concatenation: GCC 12 -Wrestrict false positive)
        data << 't' << terms[i] << 'i' << index;
        entries.push_back(raft::Entry{raft::Term(terms[i]), index, raft::EntryType::normal, data.str()});
    }
    const raft::Term term(command.number("term", terms.back()));
    cluster_.reset_storage(id, entries, raft::HardState{term, raft::no_node, raft::Index(1)});
}

void InteractionEnv::campaign(const ScriptCommand& command) { cluster_.node(node_at(command, 0)).campaign(); }

// propose ID DATA...: one entry per DATA word, as one batch.
void InteractionEnv::propose(const ScriptCommand& command) {
    std::vector<std::string> data(command.positional.begin() + 1, command.positional.end());
    const raft::Proposal proposal = cluster_.node(node_at(command, 0)).propose_batch(std::move(data));
    if (!proposal.accepted()) {
        out_ << "refused: " << raft::refusal_name(proposal.refusal) << " (leader hint " << proposal.leader_hint
             << ")\n";
    } else {
        out_ << "index=" << proposal.index << " term=" << proposal.term << '\n';
    }
}

// conf-change ID add-voter|add-learner|remove NODE
void InteractionEnv::conf_change(const ScriptCommand& command) {
    raft::ConfigChange change;
    const std::string& type = command.positional.at(1);
    if (type == "add-voter") change.type = raft::ConfigChangeType::add_voter;
    else if (type == "add-learner") change.type = raft::ConfigChangeType::add_learner;
    else if (type == "remove") change.type = raft::ConfigChangeType::remove_node;
    else throw std::runtime_error("unknown change " + type);
    change.node = node_at(command, 2);
    const raft::Proposal proposal = cluster_.node(node_at(command, 0)).propose_config_change(change);
    if (!proposal.accepted()) {
        out_ << "refused: " << raft::refusal_name(proposal.refusal) << '\n';
    } else {
        out_ << "index=" << proposal.index << " term=" << proposal.term << '\n';
    }
}

void InteractionEnv::transfer_leadership(const ScriptCommand& command) {
    const raft::Refusal refusal = cluster_.node(node_at(command, 0)).transfer_leadership(node_at(command, 1));
    if (refusal != raft::Refusal::none) out_ << "refused: " << raft::refusal_name(refusal) << '\n';
}

void InteractionEnv::read_index(const ScriptCommand& command) {
    const raft::Refusal refusal =
        cluster_.node(node_at(command, 0)).read_index(std::stoull(command.positional.at(1)));
    if (refusal != raft::Refusal::none) out_ << "refused: " << raft::refusal_name(refusal) << '\n';
}

void InteractionEnv::tick(const ScriptCommand& command) {
    const std::uint64_t times = command.positional.size() > 1 ? std::stoull(command.positional[1]) : 1;
    for (std::uint64_t i = 0; i < times; ++i) cluster_.node(node_at(command, 0)).tick();
}

// A follower or candidate ticks until its election timeout fires (it then has something to say);
// a leader ticks one election timeout (one CheckQuorum round).
void InteractionEnv::tick_election(const ScriptCommand& command) {
    for (NodeId id : ids_of(command)) {
        raft::Node& node = cluster_.node(id);
        const std::uint64_t timeout = cluster_.member(id).config.election_timeout_ticks;
        if (node.role() == raft::Role::leader) {
            for (std::uint64_t i = 0; i < timeout; ++i) node.tick();
            continue;
        }
        const raft::Term term = node.term();
        const raft::Role role = node.role();
        for (std::uint64_t i = 0; i < 2 * timeout; ++i) {
            node.tick();
            if (node.role() != role || node.term() != term) break;
        }
    }
}

void InteractionEnv::tick_heartbeat(const ScriptCommand& command) {
    for (NodeId id : ids_of(command)) {
        const std::uint64_t interval = cluster_.member(id).config.heartbeat_interval_ticks;
        for (std::uint64_t i = 0; i < interval; ++i) cluster_.node(id).tick();
    }
}

bool InteractionEnv::process_ready_of(NodeId id) {
    auto ready = cluster_.process_ready(id);
    if (!ready) return false;
    out_ << "> " << id << " handling Ready\n" << raft::describe(*ready);
    return true;
}

void InteractionEnv::process_ready(const ScriptCommand& command) {
    for (NodeId id : ids_of(command)) {
        if (!process_ready_of(id)) out_ << "> " << id << ": no Ready\n";
    }
}

bool InteractionEnv::can_reach(NodeId from, NodeId to) const {
    if (partition_.empty()) return true;
    for (const auto& group : partition_) {
        if (group.count(from) > 0) return group.count(to) > 0;
    }
    return true;  // not named in the partition: reaches everyone
}

// Messages that cannot cross the partition are lost in the network, whoever they are for.
bool InteractionEnv::drop_unreachable() {
    std::vector<raft::Message> kept;
    bool dropped = false;
    for (raft::Message& message : cluster_.take_outbox()) {
        if (can_reach(message.from, message.to)) {
            kept.push_back(std::move(message));
            continue;
        }
        out_ << "  dropped: " << raft::describe(message) << '\n';
        dropped = true;
    }
    cluster_.outbox() = std::move(kept);
    return dropped;
}

bool InteractionEnv::deliver_to(NodeId id) {
    std::vector<raft::Message> messages = cluster_.take_outbox_for(id);
    for (const raft::Message& message : messages) {
        if (!can_reach(message.from, message.to)) {
            out_ << "  dropped: " << raft::describe(message) << '\n';
            continue;
        }
        if (!cluster_.member(id).up) {
            out_ << "  lost (down): " << raft::describe(message) << '\n';
            continue;
        }
        out_ << "  " << raft::describe(message) << '\n';
        cluster_.deliver(message);
    }
    return !messages.empty();
}

void InteractionEnv::deliver_messages(const ScriptCommand& command) {
    for (NodeId id : ids_of(command)) {
        out_ << "> " << id << " receiving messages\n";
        deliver_to(id);
    }
}

// drop-msgs [IDS...]: discards the messages waiting for these nodes, printing how many.
void InteractionEnv::drop_messages(const ScriptCommand& command) {
    for (NodeId id : ids_of(command)) {
        const std::size_t count = cluster_.take_outbox_for(id).size();
        if (count > 0) out_ << "dropped " << count << " message(s) to " << id << '\n';
    }
}

// stabilize [IDS...]: process Ready and deliver messages among the named nodes (all by default)
// until nothing moves. Messages across a partition are dropped and printed.
void InteractionEnv::stabilize(const ScriptCommand& command) {
    const std::vector<NodeId> ids = ids_of(command);
    for (int round = 0; round < 1000; ++round) {
        bool moved = false;
        for (NodeId id : ids) moved = process_ready_of(id) || moved;
        moved = drop_unreachable() || moved;
        for (NodeId id : ids) {
            bool has_mail = false;
            for (const raft::Message& message : cluster_.outbox()) has_mail = has_mail || message.to == id;
            if (!has_mail) continue;
            out_ << "> " << id << " receiving messages\n";
            moved = deliver_to(id) || moved;
        }
        if (!moved) return;
    }
    throw std::runtime_error("stabilize did not settle in 1000 rounds");
}

// partition (1) (2,3): nodes reach only their own group until `heal`.
void InteractionEnv::partition(const ScriptCommand& command) {
    partition_.clear();
    for (const std::string& group : command.positional) {
        std::set<NodeId> members;
        for (auto n : parse_numbers(group)) members.insert(NodeId(n));
        partition_.push_back(members);
    }
}

void InteractionEnv::status(const ScriptCommand& command) {
    for (NodeId id : ids_of(command)) out_ << raft::describe(cluster_.node(id).status()) << '\n';
}

void InteractionEnv::raft_state() {
    for (NodeId id : cluster_.ids()) {
        const auto& member = cluster_.member(id);
        if (!member.up) {
            out_ << id << ": down\n";
            continue;
        }
        const raft::Node& node = *member.node;
        out_ << id << ": " << raft::role_name(node.role()) << " term=" << node.term() << " leader=" << node.leader()
             << " commit=" << node.log().committed() << " applied=" << node.log().applied()
             << " last=" << node.log().last_index() << '\n';
    }
}

void InteractionEnv::raft_log(const ScriptCommand& command) {
    const raft::RaftLog& log = cluster_.node(node_at(command, 0)).log();
    if (log.first_index() > raft::Index(1)) out_ << "snapshot at " << log.first_index() - 1 << '\n';
    if (log.last_index() < log.first_index()) {
        out_ << "log is empty\n";
        return;
    }
    for (const raft::Entry& entry : log.slice(log.first_index(), log.last_index() + 1, UINT64_MAX)) {
        out_ << raft::describe(entry) << '\n';
    }
}

void InteractionEnv::applied(const ScriptCommand& command) {
    for (NodeId id : ids_of(command)) {
        const auto& state = cluster_.member(id).state;
        out_ << id << ": index=" << state.index << " values=[";
        for (std::size_t i = 0; i < state.values.size(); ++i) out_ << (i ? " " : "") << state.values[i];
        out_ << "]\n";
    }
}

void InteractionEnv::reads(const ScriptCommand& command) {
    for (NodeId id : ids_of(command)) {
        auto& reads = cluster_.member(id).reads;
        out_ << id << ":";
        for (const auto& read : reads) out_ << " id=" << read.read_id << "@" << read.index;
        out_ << (reads.empty() ? " none" : "") << '\n';
        reads.clear();
    }
}

void InteractionEnv::crash_or_restart(const ScriptCommand& command, bool restart) {
    for (NodeId id : ids_of(command)) {
        if (restart) {
            cluster_.restart(id);
            out_ << raft::describe(cluster_.node(id).status()) << '\n';
        } else {
            cluster_.crash(id);
        }
    }
}

void InteractionEnv::compact(const ScriptCommand& command) {
    for (NodeId id : ids_of(command)) {
        cluster_.compact(id);
        const auto& storage = *cluster_.member(id).storage;
        out_ << id << ": snapshot at " << storage.snapshot_metadata().index << ", log "
             << storage.first_index() << ".." << storage.last_index() << '\n';
    }
}

std::vector<NodeId> InteractionEnv::ids_of(const ScriptCommand& command) const {
    if (command.positional.empty()) return cluster_.ids();
    std::vector<NodeId> ids;
    for (const std::string& word : command.positional) ids.emplace_back(std::stoull(word));
    return ids;
}

NodeId InteractionEnv::node_at(const ScriptCommand& command, std::size_t position) const {
    return NodeId(std::stoull(command.positional.at(position)));
}

}  // namespace rq::testing
