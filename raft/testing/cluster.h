#pragma once
// An in-memory cluster of real raft::Nodes for tests, property runs and benchmarks. It plays the
// driver's part for each node (persist into MemoryStorage, queue messages, apply committed entries
// to a tiny state machine, acknowledge) and checks the cluster-wide safety properties of the Raft
// paper's Figure 3.2 as it goes:
//   election safety      — at most one leader per term;
//   log matching         — two logs holding an entry with the same index and term agree before it;
//   leader completeness  — a leader's log holds every entry committed before its term;
//   state machine safety — no two nodes apply different entries at the same index.
// A broken property aborts with RQ_ASSERT (or, with `throw_on_violation`, throws ClusterViolation so
// a property test can shrink the schedule).
//
// What the network does with sent messages is the caller's business: they collect in outbox() and
// are handed back with deliver().

#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "raft/memory_storage.h"
#include "raft/node.h"

namespace rq::raft::testing {

struct ClusterViolation : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The state machine each member applies committed entries to: the data of normal entries, in order.
struct AppliedState {
    std::vector<std::string> values;  // kept only when the cluster tracks history
    std::uint64_t count = 0;          // normal entries applied
    Index index;
    Configuration config;             // the configuration as of `index`
    std::string encode() const;
    static AppliedState decode(const std::string& bytes, Index index);
};

class Cluster {
public:
    struct Member {
        Config config;
        std::unique_ptr<MemoryStorage> storage;
        std::unique_ptr<Node> node;
        AppliedState state;
        std::string incoming_snapshot;  // chunks received so far
        std::vector<ReadState> reads;
        bool up = true;
    };

    struct Options {
        bool throw_on_violation = false;
        // Record every committed and applied entry for the safety checks, and keep applied values.
        // Benchmarks turn it off.
        bool track_history = true;
    };

    Cluster(Config defaults, Options options) : defaults_(defaults), options_(options) {}
    explicit Cluster(Config defaults) : Cluster(defaults, Options{}) {}

    // Adds a member. With `bootstrap`, it starts with the founding configuration entry (a new
    // cluster); without, it starts empty and waits to be added by a leader (a joiner).
    Member& add(NodeId id, const std::optional<Configuration>& bootstrap, const Config* overrides = nullptr);

    [[nodiscard]] Member& member(NodeId id);
    [[nodiscard]] Node& node(NodeId id);  // the member must be up
    [[nodiscard]] std::vector<NodeId> ids() const;
    [[nodiscard]] bool has(NodeId id) const { return members_.count(id) > 0; }

    // Runs one Ready cycle for `id` (persist, queue messages, apply, advance); returns the Ready
    // handled, or nullopt when there was none.
    std::optional<Ready> process_ready(NodeId id);
    // Steps a message into its destination (if up). Messages to unknown or down nodes vanish.
    void deliver(const Message& message);
    // Messages sent and not yet taken.
    std::vector<Message>& outbox() { return outbox_; }
    std::vector<Message> take_outbox();
    std::vector<Message> take_outbox_for(NodeId to);

    // Replaces a member's durable state (log and hard state) and restarts it: for building the
    // divergent logs of the paper's figures.
    void reset_storage(NodeId id, const std::vector<Entry>& entries, const HardState& state);

    // Crash: memory (unstable log, messages in its Ready) is lost; storage survives.
    void crash(NodeId id);
    void restart(NodeId id);
    // The application snapshots its state machine at its applied index and compacts the log.
    void compact(NodeId id);

    // Calls process_ready and deliver until nothing moves (or max_rounds), dropping nothing.
    void stabilize(std::size_t max_rounds = 10000);

    // The leader of the highest term seen among live members, if any.
    [[nodiscard]] std::optional<NodeId> leader() const;

    // Cluster-wide safety checks (see the header comment). Cheap enough to run after every event
    // in small clusters.
    void check_safety();

private:
    void persist(Member& member, const Ready& ready);
    void apply(Member& member, const Entry& entry);
    void observe(NodeId id);
    void check_leader_completeness(NodeId id);
    void check_log_matching(const Node& a, const Node& b);
    void violation(const std::string& what);

    Config defaults_;
    Options options_;
    std::map<NodeId, Index> recorded_commit_;
    std::map<NodeId, Member> members_;
    std::vector<Message> outbox_;
    std::map<Term, NodeId> leaders_by_term_;
    // Every entry known committed by some member, and every entry applied by some member.
    std::map<Index, Term> committed_;
    std::map<Index, std::pair<Term, std::string>> applied_;
};

}  // namespace rq::raft::testing
