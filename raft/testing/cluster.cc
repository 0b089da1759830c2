#include "raft/testing/cluster.h"

#include <algorithm>
#include <sstream>

#include "base/assert.h"
#include "raft/codec.h"
#include "raft/printer.h"

namespace rq::raft::testing {

std::string AppliedState::encode() const {
    std::string out = std::to_string(count) + ";";
    for (const std::string& value : values) out += std::to_string(value.size()) + ":" + value;
    return out;
}

AppliedState AppliedState::decode(const std::string& bytes, Index index) {
    AppliedState state;
    state.index = index;
    std::size_t position = bytes.find(';');
    RQ_ASSERT(position != std::string::npos, "bad test snapshot");
    state.count = std::stoull(bytes.substr(0, position));
    ++position;
    while (position < bytes.size()) {
        const std::size_t colon = bytes.find(':', position);
        RQ_ASSERT(colon != std::string::npos, "bad test snapshot");
        const std::size_t size = std::stoull(bytes.substr(position, colon - position));
        state.values.push_back(bytes.substr(colon + 1, size));
        position = colon + 1 + size;
    }
    return state;
}

Cluster::Member& Cluster::add(NodeId id, const std::optional<Configuration>& bootstrap, const Config* overrides) {
    RQ_ASSERT(!has(id), "member", id, "exists");
    Member member;
    member.config = overrides ? *overrides : defaults_;
    member.config.id = id;
    member.storage = std::make_unique<MemoryStorage>();
    if (bootstrap) {
        member.storage->append({bootstrap_entry(*bootstrap)});
        member.storage->set_hard_state(HardState{Term(1), no_node, Index(1)});
    }
    auto node = Node::create(member.config, *member.storage);
    RQ_ASSERT(node.ok(), "create node", id, ":", node.ok() ? "" : node.error().message());
    member.node = std::move(node).value();
    auto [it, inserted] = members_.emplace(id, std::move(member));
    return it->second;
}

Cluster::Member& Cluster::member(NodeId id) {
    auto it = members_.find(id);
    RQ_ASSERT(it != members_.end(), "no member", id);
    return it->second;
}

Node& Cluster::node(NodeId id) {
    Member& m = member(id);
    RQ_ASSERT(m.up, "member", id, "is down");
    return *m.node;
}

std::vector<NodeId> Cluster::ids() const {
    std::vector<NodeId> out;
    for (const auto& [id, member] : members_) out.push_back(id);
    return out;
}

std::optional<Ready> Cluster::process_ready(NodeId id) {
    Member& m = member(id);
    if (!m.up || !m.node->has_ready()) return std::nullopt;
    Ready ready = m.node->ready();
    persist(m, ready);
    for (const Message& message : ready.messages) outbox_.push_back(message);
    for (const Entry& entry : ready.committed_entries) apply(m, entry);
    m.reads.insert(m.reads.end(), ready.read_states.begin(), ready.read_states.end());
    m.node->advance();
    observe(id);
    return ready;
}

void Cluster::persist(Member& m, const Ready& ready) {
    for (const SnapshotChunk& chunk : ready.snapshot_chunks) {
        if (chunk.offset == 0) m.incoming_snapshot.clear();
        RQ_ASSERT(m.incoming_snapshot.size() == chunk.offset, "snapshot chunk at", chunk.offset, "after",
                  m.incoming_snapshot.size(), "bytes");
        m.incoming_snapshot += chunk.data;
    }
    if (ready.snapshot) {
        if (ready.snapshot_chunks.empty() || m.incoming_snapshot.size() != ready.snapshot_chunks.back().total_bytes) {
            violation("node " + std::to_string(m.config.id.value()) + " installs snapshot " +
                      describe(*ready.snapshot) + " from " + std::to_string(m.incoming_snapshot.size()) +
                      " received bytes");
        }
        m.storage->install_snapshot(*ready.snapshot, m.incoming_snapshot);
        m.state = AppliedState::decode(m.incoming_snapshot, ready.snapshot->index);
        m.state.config = ready.snapshot->config;
        m.incoming_snapshot.clear();
    }
    m.storage->append(ready.entries);
    if (ready.hard_state) m.storage->set_hard_state(*ready.hard_state);
}

void Cluster::apply(Member& m, const Entry& entry) {
    RQ_ASSERT(entry.index == m.state.index + 1, "member", m.config.id, "applies", entry.index, "after",
              m.state.index);
    if (options_.track_history) {
        auto [it, inserted] = applied_.emplace(entry.index, std::make_pair(entry.term, entry.data.str()));
        if (!inserted && it->second != std::make_pair(entry.term, entry.data.str())) {
            violation("state machine safety: node " + std::to_string(m.config.id.value()) + " applies " +
                      describe(entry) + " where another node applied term " +
                      std::to_string(it->second.first.value()));
        }
    }
    if (entry.type == EntryType::normal) {
        ++m.state.count;
        if (options_.track_history) m.state.values.push_back(entry.data.str());
    } else if (entry.type == EntryType::config) {
        m.state.config = decode_config_record(entry.data)->config;
    }
    m.state.index = entry.index;
}

void Cluster::deliver(const Message& message) {
    auto it = members_.find(message.to);
    if (it == members_.end() || !it->second.up) return;
    it->second.node->step(message);
    observe(message.to);
}

std::vector<Message> Cluster::take_outbox() {
    std::vector<Message> out;
    out.swap(outbox_);
    return out;
}

std::vector<Message> Cluster::take_outbox_for(NodeId to) {
    std::vector<Message> taken;
    std::vector<Message> kept;
    for (Message& message : outbox_) (message.to == to ? taken : kept).push_back(std::move(message));
    outbox_.swap(kept);
    return taken;
}

void Cluster::crash(NodeId id) {
    Member& m = member(id);
    m.up = false;
    m.node.reset();
    m.incoming_snapshot.clear();
    m.reads.clear();
}

void Cluster::restart(NodeId id) {
    Member& m = member(id);
    if (m.up) crash(id);
    // The state machine is derived state: rebuild it from the snapshot, then replay the log.
    const SnapshotMetadata snapshot = m.storage->snapshot_metadata();
    if (snapshot.index > Index(0)) {
        m.state = AppliedState::decode(m.storage->snapshot_data(), snapshot.index);
        m.state.config = snapshot.config;
    } else {
        m.state = AppliedState{};
    }
    m.config.applied = m.state.index;
    auto node = Node::create(m.config, *m.storage);
    RQ_ASSERT(node.ok(), "restart node", id, ":", node.ok() ? "" : node.error().message());
    m.node = std::move(node).value();
    m.up = true;
    recorded_commit_[id] = std::max(recorded_commit_[id], m.node->log().committed());
}

void Cluster::reset_storage(NodeId id, const std::vector<Entry>& entries, const HardState& state) {
    Member& m = member(id);
    crash(id);
    m.storage = std::make_unique<MemoryStorage>();
    m.storage->append(entries);
    m.storage->set_hard_state(state);
    recorded_commit_[id] = Index(0);
    restart(id);
}

void Cluster::compact(NodeId id) {
    Member& m = member(id);
    if (!m.up || m.state.index <= m.storage->snapshot_metadata().index) return;
    // Only what is durable can be compacted into a snapshot (the applied index always is).
    m.storage->compact(m.state.index, m.state.config, m.state.encode());
}

void Cluster::stabilize(std::size_t max_rounds) {
    for (std::size_t round = 0; round < max_rounds; ++round) {
        bool moved = false;
        for (NodeId id : ids()) moved = process_ready(id).has_value() || moved;
        std::vector<Message> messages = take_outbox();
        moved = moved || !messages.empty();
        for (const Message& message : messages) deliver(message);
        if (!moved) break;
    }
    check_safety();
}

std::optional<NodeId> Cluster::leader() const {
    std::optional<NodeId> best;
    Term best_term;
    for (const auto& [id, m] : members_) {
        if (!m.up || m.node->role() != Role::leader) continue;
        if (!best || m.node->term() > best_term) {
            best = id;
            best_term = m.node->term();
        }
    }
    return best;
}

void Cluster::observe(NodeId id) {
    Member& m = member(id);
    if (!m.up) return;
    const Node& node = *m.node;
    if (node.role() == Role::leader) {
        auto [it, inserted] = leaders_by_term_.emplace(node.term(), id);
        if (!inserted && it->second != id) {
            violation("election safety: nodes " + std::to_string(it->second.value()) + " and " +
                      std::to_string(id.value()) + " both lead term " + std::to_string(node.term().value()));
        }
        if (inserted && options_.track_history) check_leader_completeness(id);
    }
    if (!options_.track_history) return;
    Index& recorded = recorded_commit_[id];
    for (Index i = recorded + 1; i <= node.log().committed(); ++i) {
        const auto term = node.log().term(i);
        if (!term) continue;  // covered by a snapshot
        auto [it, inserted] = committed_.emplace(i, *term);
        if (!inserted && it->second != *term) {
            violation("commit safety: node " + std::to_string(id.value()) + " commits term " +
                      std::to_string(term->value()) + " at index " + std::to_string(i.value()) +
                      " where term " + std::to_string(it->second.value()) + " was committed");
        }
    }
    recorded = std::max(recorded, node.log().committed());
}

void Cluster::check_leader_completeness(NodeId id) {
    const RaftLog& log = member(id).node->log();
    for (const auto& [index, term] : committed_) {
        if (index + 1 < log.first_index()) continue;  // compacted into its snapshot
        if (!log.match_term(index, term)) {
            violation("leader completeness: leader " + std::to_string(id.value()) + " of term " +
                      std::to_string(member(id).node->term().value()) + " lacks committed entry " +
                      std::to_string(term.value()) + "/" + std::to_string(index.value()));
        }
    }
}

void Cluster::check_log_matching(const Node& a, const Node& b) {
    const RaftLog& x = a.log();
    const RaftLog& y = b.log();
    const Index low = std::max(x.first_index(), y.first_index());
    const Index high = std::min(x.last_index(), y.last_index());
    bool matched = false;  // walking down: once two entries agree, every earlier one must
    for (Index i = high; i >= low && i > Index(0); --i) {
        const bool same = x.term(i) == y.term(i);
        if (matched && !same) {
            violation("log matching: nodes " + std::to_string(a.id().value()) + " and " +
                      std::to_string(b.id().value()) + " agree above index " + std::to_string(i.value()) +
                      " but differ at it");
        }
        matched = matched || same;
    }
}

void Cluster::check_safety() {
    std::vector<const Node*> live;
    for (const auto& [id, m] : members_) {
        if (m.up) live.push_back(m.node.get());
    }
    for (std::size_t i = 0; i < live.size(); ++i) {
        for (std::size_t j = i + 1; j < live.size(); ++j) check_log_matching(*live[i], *live[j]);
    }
}

void Cluster::violation(const std::string& what) {
    if (options_.throw_on_violation) throw ClusterViolation(what);
    RQ_ASSERT(false, what);
}

}  // namespace rq::raft::testing
