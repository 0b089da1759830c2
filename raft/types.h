#pragma once
// The Raft core's data: protocol numbers, log entries, hard state, configurations, snapshot metadata.
// Plain values with no I/O; the WAL and the transport serialise them, the core only reads them.

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "base/shared_bytes.h"
#include "base/strong_int.h"

namespace rq::raft {

using Term = StrongInt<struct TermTag>;
using Index = StrongInt<struct IndexTag>;
// A node's id in the Raft group. 0 means "none" (no vote, no known leader).
using NodeId = StrongInt<struct NodeIdTag>;
inline constexpr NodeId no_node{0};

enum class EntryType : std::uint8_t {
    normal = 0,  // application data, opaque to the core
    config = 1,  // a membership change; data is an encoded ConfigChangeRecord (config_codec.h)
    noop = 2,    // appended by a new leader to commit entries of earlier terms (thesis 3.6.2)
};

struct Entry {
    Term term;
    Index index;
    EntryType type = EntryType::normal;
    SharedBytes data;  // immutable once proposed; copies share it

    // Bytes counted against flow-control and size limits.
    [[nodiscard]] std::uint64_t size_bytes() const { return data.size() + 24; }
    bool operator==(const Entry&) const = default;
};

// What must be durable before a node sends any message that depends on it (thesis 3.8, Figure 3.1).
struct HardState {
    Term term;
    NodeId vote = no_node;  // the candidate voted for in `term`, or no_node
    Index commit;           // may lag; persisting it only saves work on restart

    bool operator==(const HardState&) const = default;
};

// The members of the group. Voters count towards quorums; learners (non-voters) only receive the log.
// Both lists are kept sorted and disjoint.
struct Configuration {
    std::vector<NodeId> voters;
    std::vector<NodeId> learners;

    [[nodiscard]] bool is_voter(NodeId id) const { return std::binary_search(voters.begin(), voters.end(), id); }
    [[nodiscard]] bool is_learner(NodeId id) const {
        return std::binary_search(learners.begin(), learners.end(), id);
    }
    [[nodiscard]] bool contains(NodeId id) const { return is_voter(id) || is_learner(id); }
    [[nodiscard]] bool empty() const { return voters.empty() && learners.empty(); }
    bool operator==(const Configuration&) const = default;
};

enum class ConfigChangeType : std::uint8_t {
    add_voter = 0,    // add a new voter, or promote a learner
    add_learner = 1,  // add a non-voter (must not already be a voter)
    remove_node = 2,  // remove a voter or a learner
};

// One single-server membership change (thesis 4.1). `context` is opaque to the core: the application
// carries what it needs with it (for rqlite: the node's string id and addresses).
struct ConfigChange {
    ConfigChangeType type = ConfigChangeType::add_voter;
    NodeId node = no_node;
    std::string context;
    bool operator==(const ConfigChange&) const = default;
};

// The payload of a config entry: the change and the configuration it produces, so that the
// configuration in effect is simply the one in the latest config entry of the log (thesis 4.1).
struct ConfigChangeRecord {
    ConfigChange change;
    Configuration config;
    bool operator==(const ConfigChangeRecord&) const = default;
};

struct SnapshotMetadata {
    Index index;  // the last entry the snapshot covers; 0 means "no snapshot"
    Term term;    // the term of that entry
    Configuration config;  // the configuration as of `index`
    bool operator==(const SnapshotMetadata&) const = default;
};

}  // namespace rq::raft
