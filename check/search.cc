// The Wing-Gong / Lowe search for one key (see checker.h for the outline).
//
// Every operation has a call entry and a return entry in one doubly linked list ordered by real
// time; a completion with unknown outcome returns "never" and sorts last. The search walks the
// list from the head: at a call entry it tries to linearize that operation now (the model must
// accept it, and the resulting configuration must be new); if so it lifts both of the operation's
// entries out of the list and restarts from the head. Reaching a return entry means that
// operation should already have been linearized: backtrack. The list is empty of definite
// operations when everything has been placed; operations left with unknown outcomes are taken
// never to have happened.
//
// Memo keys. Let R be the first return entry in the list: the earliest completion among the
// operations not yet linearized. Every operation that completed before R is linearized, and none
// invoked after R can be (it was never a candidate). So the linearized set is fixed by R and the
// call entries that precede R in the list (the candidates): the key is those operations' numbers
// followed by R. Its size is the current concurrency, not the length of the history.

#include <algorithm>
#include <limits>
#include <unordered_map>

#include "base/assert.h"
#include "check/checker.h"
#include "check/memo.h"
#include "check/state_space.h"

namespace rq::check {

namespace {

constexpr std::uint32_t kNil = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint64_t kNever = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint32_t kReturnMark = 0x80000000U;

std::uint64_t mix(std::uint64_t x) {
    x ^= x >> 31;
    x *= 0x7fb5d329728ea185ULL;
    x ^= x >> 27;
    x *= 0x81dadef4bc2dd44dULL;
    return x ^ (x >> 33);
}

// Operations that have the same effect and constraint in every state.
struct SameEffectHash {
    std::size_t operator()(const Operation* op) const {
        std::uint64_t h = std::hash<std::string>{}(op->f) ^ mix(op->input.hash() + static_cast<std::uint64_t>(op->outcome));
        if (op->outcome == Outcome::ok) h ^= mix(op->output.hash() + 1);
        return static_cast<std::size_t>(h);
    }
};
struct SameEffect {
    bool operator()(const Operation* a, const Operation* b) const {
        return a->f == b->f && a->outcome == b->outcome && a->input == b->input &&
               (a->outcome != Outcome::ok || a->output == b->output);
    }
};

class Search {
public:
    Search(const Model& model, std::span<const Operation* const> ops, const CheckOptions& options,
           std::uint64_t& steps)
        : ops_(ops), options_(options), steps_(steps), space_(model, ops), memo_(options.memo_bytes_max) {
        RQ_ASSERT(ops.size() < kReturnMark, "too many operations on one key:", ops.size());
        build_list();
        build_follow();
    }

    PartitionResult run();

private:
    static std::uint32_t call_node(std::uint32_t op) { return 2 * op + 1; }
    static std::uint32_t return_node(std::uint32_t op) { return 2 * op + 2; }
    static bool is_call(std::uint32_t node) { return (node & 1U) != 0; }
    static std::uint32_t op_of(std::uint32_t node) { return (node - 1) / 2; }

    [[nodiscard]] std::uint64_t return_position(std::uint32_t op) const {
        return ops_[op]->outcome == Outcome::ok ? ops_[op]->complete_event : kNever;
    }

    void build_list();
    void build_follow();
    void unlink(std::uint32_t node);
    void relink(std::uint32_t node);
    void lift(std::uint32_t op);
    void unlift(std::uint32_t op);
    std::uint64_t build_key(std::uint32_t state);
    void push(std::uint32_t op, std::uint32_t previous_state);
    Explanation explain();

    std::span<const Operation* const> ops_;
    const CheckOptions& options_;
    std::uint64_t& steps_;
    StateSpace space_;
    ConfigurationMemo memo_;

    std::vector<std::uint32_t> next_, prev_;  // node 0 is the head
    std::vector<std::uint32_t> follow_;       // op -> the interchangeable op to linearize first, or kNil
    std::vector<std::uint8_t> linearized_;
    std::size_t definite_left_ = 0;           // ok operations not yet linearized
    std::vector<std::uint32_t> key_;

    struct Frame {
        std::uint32_t op;
        std::uint32_t previous_state;
    };
    std::vector<Frame> stack_;
    std::vector<std::size_t> best_;  // the deepest stack seen (operation numbers)
    std::size_t common_ = 0;         // best_ and stack_ agree on their first common_ entries
};

void Search::build_list() {
    const auto n = static_cast<std::uint32_t>(ops_.size());
    struct Entry {
        std::uint64_t position;
        std::uint32_t node;
    };
    std::vector<Entry> entries;
    entries.reserve(2 * n);
    for (std::uint32_t op = 0; op < n; ++op) {
        entries.push_back({ops_[op]->invoke_event, call_node(op)});
        entries.push_back({return_position(op), return_node(op)});
        if (ops_[op]->outcome == Outcome::ok) ++definite_left_;
    }
    // Never-returning entries tie; node order puts them in invocation order.
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        return a.position != b.position ? a.position < b.position : a.node < b.node;
    });
    next_.assign(2 * n + 1, kNil);
    prev_.assign(2 * n + 1, kNil);
    std::uint32_t last = 0;
    for (const Entry& entry : entries) {
        next_[last] = entry.node;
        prev_[entry.node] = last;
        last = entry.node;
    }
    linearized_.assign(n, 0);
}

void Search::build_follow() {
    // ops_ is in invocation order, so the last member seen of a class was invoked before `op`.
    follow_.assign(ops_.size(), kNil);
    std::unordered_map<const Operation*, std::uint32_t, SameEffectHash, SameEffect> last_of_class;
    for (std::uint32_t op = 0; op < ops_.size(); ++op) {
        auto [it, inserted] = last_of_class.try_emplace(ops_[op], op);
        if (inserted) continue;
        if (return_position(it->second) <= return_position(op)) follow_[op] = it->second;
        it->second = op;
    }
}

void Search::unlink(std::uint32_t node) {
    next_[prev_[node]] = next_[node];
    if (next_[node] != kNil) prev_[next_[node]] = prev_[node];
}

void Search::relink(std::uint32_t node) {
    next_[prev_[node]] = node;
    if (next_[node] != kNil) prev_[next_[node]] = node;
}

void Search::lift(std::uint32_t op) {
    unlink(call_node(op));
    unlink(return_node(op));
}

void Search::unlift(std::uint32_t op) {
    relink(return_node(op));
    relink(call_node(op));
}

std::uint64_t Search::build_key(std::uint32_t state) {
    key_.clear();
    std::uint64_t hash = mix(state + 0x9e3779b97f4a7c15ULL);
    for (std::uint32_t node = next_[0]; node != kNil; node = next_[node]) {
        const std::uint32_t word = is_call(node) ? op_of(node) : (op_of(node) | kReturnMark);
        key_.push_back(word);
        hash = mix(hash ^ word);
        if (!is_call(node)) break;
    }
    return hash;
}

void Search::push(std::uint32_t op, std::uint32_t previous_state) {
    stack_.push_back({op, previous_state});
    const std::size_t depth = stack_.size();
    if (common_ == depth - 1 && common_ < best_.size() && best_[common_] == op) ++common_;
    if (depth > best_.size()) {
        best_.resize(common_);
        for (std::size_t i = common_; i < depth; ++i) best_.push_back(stack_[i].op);
        common_ = depth;
    }
}

PartitionResult Search::run() {
    PartitionResult result;
    const std::uint64_t steps_before = steps_;
    std::uint32_t state = 0;
    std::uint32_t node = next_[0];
    while (definite_left_ > 0) {
        if ((++steps_ % kStepsPerPoll) == 0 && options_.out_of_time && options_.out_of_time()) {
            result.verdict = Verdict::unknown;
            result.unknown_reason = "out of time";
            break;
        }
        RQ_ASSERT(node != kNil, "walked off the list with definite operations left");
        if (!is_call(node)) {
            if (stack_.empty()) {
                result.verdict = Verdict::illegal;
                break;
            }
            const Frame frame = stack_.back();
            stack_.pop_back();
            common_ = std::min(common_, stack_.size());
            unlift(frame.op);
            linearized_[frame.op] = 0;
            if (ops_[frame.op]->outcome == Outcome::ok) ++definite_left_;
            state = frame.previous_state;
            node = next_[call_node(frame.op)];
            continue;
        }
        const std::uint32_t op = op_of(node);
        if (follow_[op] != kNil && linearized_[follow_[op]] == 0) {
            node = next_[node];
            continue;
        }
        const std::int32_t after = space_.next(state, op);
        if (after != StateSpace::kIllegal) {
            lift(op);
            const auto after_state = static_cast<std::uint32_t>(after);
            const ConfigurationMemo::Insert inserted = memo_.insert(build_key(after_state), key_, after_state);
            if (inserted == ConfigurationMemo::Insert::added) {
                linearized_[op] = 1;
                if (ops_[op]->outcome == Outcome::ok) --definite_left_;
                push(op, state);
                state = after_state;
                node = next_[0];
                continue;
            }
            unlift(op);
            if (inserted == ConfigurationMemo::Insert::full) {
                result.verdict = Verdict::unknown;
                result.unknown_reason = "memo limit of " + std::to_string(options_.memo_bytes_max) + " bytes reached";
                break;
            }
        }
        node = next_[node];
    }
    result.steps = steps_ - steps_before;
    if (result.verdict != Verdict::ok) result.explanation = explain();
    return result;
}

Explanation Search::explain() {
    Explanation explanation;
    explanation.longest_prefix = best_;
    std::vector<std::uint8_t> placed(ops_.size(), 0);
    std::uint32_t state = 0;
    for (std::size_t op : best_) {
        placed[op] = 1;
        const std::int32_t after = space_.next(state, static_cast<std::uint32_t>(op));
        RQ_ASSERT(after != StateSpace::kIllegal, "the longest prefix does not replay at op", op);
        state = static_cast<std::uint32_t>(after);
    }
    explanation.state_after_prefix = space_.state(state);
    // The earliest completion among the unplaced operations had to be preceded by one of the
    // operations invoked before it; none of them fits.
    std::uint64_t earliest = kNever;
    for (std::uint32_t op = 0; op < ops_.size(); ++op) {
        if (placed[op] == 0 && return_position(op) < earliest) {
            earliest = return_position(op);
            explanation.blocking = op;
        }
    }
    for (std::uint32_t op = 0; op < ops_.size(); ++op) {
        if (placed[op] == 0 && ops_[op]->invoke_event < earliest) explanation.unplaceable.push_back(op);
    }
    return explanation;
}

}  // namespace

PartitionResult search_partition(const Model& model, std::span<const Operation* const> ops,
                                 const CheckOptions& options, std::uint64_t& steps) {
    Search search(model, ops, options, steps);
    return search.run();
}

}  // namespace rq::check
