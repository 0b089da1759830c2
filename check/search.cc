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
#include <array>
#include <optional>
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
        : ops_(ops), options_(options), steps_(steps), space_(model, ops), memo_(options.memory_bytes_max) {
        RQ_ASSERT(ops.size() < kReturnMark, "too many operations on one key:", ops.size());
        build_list();
        build_follow();
        read_only_.resize(ops.size());
        for (std::size_t op = 0; op < ops.size(); ++op) {
            read_only_[op] = ops[op]->outcome == Outcome::ok && model.is_read_only(*ops[op]) ? 1 : 0;
        }
        prepare_growth(model);
        deadline_ = model.unknown_deadlines(ops);
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
    [[nodiscard]] bool past_deadline(std::uint32_t op) const;
    // Candidates of a configuration are tried in passes, and a pass tries only some of them:
    //   read_only: a definite read-only operation that fits is placed and nothing else is tried;
    //   definite:  the other operations with a definite outcome;
    //   unknown:   operations with an unknown outcome, optional and so best placed late, and only
    //              when they change the state (else the configuration without them is as good).
    enum class Pass : std::uint8_t { read_only, definite, unknown };
    enum class Placed : std::uint8_t { yes, explored, out_of_memory };

    void prepare_growth(const Model& model);
    bool doomed(std::uint32_t state);
    [[nodiscard]] bool eligible(std::uint32_t op, Pass pass) const;
    Placed place(std::uint32_t op, std::uint32_t after, Pass pass);
    bool backtrack();
    void push(std::uint32_t op, std::uint32_t previous_state, Pass pass);
    [[nodiscard]] std::string memory_limit_reason() const {
        return "memory limit of " + std::to_string(options_.memory_bytes_max) + " bytes reached after " +
               std::to_string(memo_.size()) + " configurations and " + std::to_string(space_.size()) + " states";
    }
    Explanation explain();

    std::span<const Operation* const> ops_;
    const CheckOptions& options_;
    std::uint64_t& steps_;
    StateSpace space_;
    ConfigurationMemo memo_;

    std::vector<std::uint32_t> next_, prev_;  // node 0 is the head
    std::vector<std::uint32_t> follow_;       // op -> the interchangeable op to linearize first, or kNil
    std::vector<std::uint8_t> read_only_;     // op -> Model::is_read_only and definite
    std::vector<std::uint8_t> grows_;         // op -> Model::grows or read-only; empty: no growth
    std::vector<std::uint32_t> target_;       // op -> state id of its accepting_state, or kNil
    std::vector<std::uint32_t> reset_;        // op -> state id of its resets_to, or kNil
    std::vector<std::uint8_t> linearized_;
    // op -> Model::unknown_deadlines: an unknown operation past its deadline is left out of memo
    // keys (it can no longer happen, so whether it did not or did earlier makes no difference).
    std::vector<std::size_t> deadline_;
    std::size_t definite_left_ = 0;           // ok operations not yet linearized
    std::vector<std::uint32_t> key_;
    std::array<std::uint32_t, 16> key_scratch_{};  // resets met by doomed()
    std::uint32_t state_ = 0;  // the model state after the operations on the stack
    std::uint32_t node_ = 0;   // the next list entry to try
    Pass pass_ = Pass::read_only;

    struct Frame {
        std::uint32_t op;
        std::uint32_t previous_state;
        Pass pass;  // the pass that placed op, to resume there on backtracking
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

bool Search::past_deadline(std::uint32_t op) const {
    if (deadline_.empty()) return false;
    const std::size_t deadline = deadline_[op];
    if (deadline == Model::kNoDeadline) return false;
    return deadline == Model::kAlwaysDead || linearized_[deadline] != 0;
}

// The key of the configuration the list and linearized_ describe, in `state`.
std::uint64_t Search::build_key(std::uint32_t state) {
    key_.clear();
    std::uint64_t hash = mix(state + 0x9e3779b97f4a7c15ULL);
    for (std::uint32_t node = next_[0]; node != kNil; node = next_[node]) {
        if (is_call(node) && past_deadline(op_of(node))) continue;
        const std::uint32_t word = is_call(node) ? op_of(node) : (op_of(node) | kReturnMark);
        key_.push_back(word);
        hash = mix(hash ^ word);
        if (!is_call(node)) break;
    }
    return hash;
}

void Search::push(std::uint32_t op, std::uint32_t previous_state, Pass pass) {
    stack_.push_back({op, previous_state, pass});
    const std::size_t depth = stack_.size();
    if (common_ == depth - 1 && common_ < best_.size() && best_[common_] == op) ++common_;
    if (depth > best_.size()) {
        best_.resize(common_);
        for (std::size_t i = common_; i < depth; ++i) best_.push_back(stack_[i].op);
        common_ = depth;
    }
}

void Search::prepare_growth(const Model& model) {
    std::vector<std::uint8_t> grows(ops_.size());
    target_.assign(ops_.size(), kNil);
    reset_.assign(ops_.size(), kNil);
    bool any_grows = false;
    bool any_target = false;
    for (std::uint32_t op = 0; op < ops_.size(); ++op) {
        const bool growing = model.grows(*ops_[op]);
        any_grows = any_grows || growing;
        grows[op] = growing || read_only_[op] != 0 ? 1 : 0;
        if (std::optional<Value> target = model.accepting_state(*ops_[op])) {
            target_[op] = space_.intern(std::move(*target));
            any_target = true;
        }
        if (std::optional<Value> reset = model.resets_to(*ops_[op])) reset_[op] = space_.intern(std::move(*reset));
    }
    if (any_grows && any_target) grows_ = std::move(grows);
}

// True when the configuration now in the list, in `state`, cannot succeed. Let G be the pending
// read with the earliest completion: only operations invoked before that completion can come
// before G. If each of them grows the state, or resets it to something that cannot grow into
// what G saw, then the state G sees extends `state`; so `state` must grow into it.
bool Search::doomed(std::uint32_t state) {
    constexpr int kLookMax = 256;  // a bound on the walk; past it, no conclusion
    if (grows_.empty()) return false;
    std::uint32_t resets_seen = 0;
    int looked = 0;
    for (std::uint32_t node = next_[0]; node != kNil && looked < kLookMax; node = next_[node], ++looked) {
        const std::uint32_t op = op_of(node);
        if (is_call(node)) {
            if (grows_[op] != 0) continue;
            if (reset_[op] == kNil) return false;
            key_scratch_[resets_seen++] = op;  // checked against G below
            if (resets_seen == key_scratch_.size()) return false;
        } else if (target_[op] != kNil) {
            for (std::uint32_t i = 0; i < resets_seen; ++i) {
                if (space_.extends(target_[op], reset_[key_scratch_[i]])) return false;
            }
            return !space_.extends(target_[op], state);
        }
    }
    return false;
}

bool Search::eligible(std::uint32_t op, Pass pass) const {
    const bool definite = ops_[op]->outcome == Outcome::ok;
    if (definite != (pass != Pass::unknown)) return false;
    if (pass == Pass::read_only && !read_only_[op]) return false;
    return follow_[op] == kNil || linearized_[follow_[op]] != 0;
}

// Linearizes op next, unless that configuration was explored before.
Search::Placed Search::place(std::uint32_t op, std::uint32_t after, Pass pass) {
    lift(op);
    if (doomed(after)) {
        unlift(op);
        return Placed::explored;
    }
    // Two statements: build_key refills key_, and an argument list does not order that before
    // key_'s conversion to a span (it did not, and the span pointed at freed memory).
    linearized_[op] = 1;  // the key is of the configuration with op placed (deadlines read it)
    const std::uint64_t hash = build_key(after);
    const ConfigurationMemo::Insert inserted = memo_.insert(hash, key_, after);
    if (inserted != ConfigurationMemo::Insert::added) {
        linearized_[op] = 0;
        unlift(op);
        return inserted == ConfigurationMemo::Insert::present ? Placed::explored : Placed::out_of_memory;
    }
    if (memo_.bytes() + space_.bytes() > options_.memory_bytes_max) return Placed::out_of_memory;
    if (ops_[op]->outcome == Outcome::ok) --definite_left_;
    push(op, state_, pass);
    state_ = after;
    node_ = next_[0];
    pass_ = Pass::read_only;
    return Placed::yes;
}

// Undoes the last placement and resumes after it; a forced (read-only) placement leaves its
// configuration nothing else to try, so that one is undone too. False when nothing is left.
bool Search::backtrack() {
    while (!stack_.empty()) {
        const Frame frame = stack_.back();
        stack_.pop_back();
        common_ = std::min(common_, stack_.size());
        unlift(frame.op);
        linearized_[frame.op] = 0;
        if (ops_[frame.op]->outcome == Outcome::ok) ++definite_left_;
        state_ = frame.previous_state;
        if (frame.pass != Pass::read_only) {
            node_ = next_[call_node(frame.op)];
            pass_ = frame.pass;
            return true;
        }
    }
    return false;
}

PartitionResult Search::run() {
    PartitionResult result;
    const std::uint64_t steps_before = steps_;
    node_ = next_[0];
    while (definite_left_ > 0) {
        if ((++steps_ % kStepsPerPoll) == 0 && options_.out_of_time && options_.out_of_time()) {
            result.verdict = Verdict::unknown;
            result.unknown_reason = std::string(kOutOfTime);
            break;
        }
        RQ_ASSERT(node_ != kNil, "walked off the list with definite operations left");
        if (!is_call(node_)) {  // the end of this pass's candidates
            if (pass_ != Pass::unknown) {
                pass_ = pass_ == Pass::read_only ? Pass::definite : Pass::unknown;
                node_ = next_[0];
            } else if (!backtrack()) {
                result.verdict = Verdict::illegal;
                break;
            }
            continue;
        }
        const std::uint32_t op = op_of(node_);
        node_ = next_[node_];
        if (!eligible(op, pass_)) continue;
        const std::int32_t after = space_.next(state_, op);
        if (after == StateSpace::kIllegal || (pass_ == Pass::unknown && after == static_cast<std::int32_t>(state_))) {
            continue;
        }
        RQ_ASSERT(pass_ != Pass::read_only || after == static_cast<std::int32_t>(state_),
                  "a read-only operation changed the state:", ops_[op]->f);
        const Placed placed = place(op, static_cast<std::uint32_t>(after), pass_);
        if (placed == Placed::out_of_memory) {
            result.verdict = Verdict::unknown;
            result.unknown_reason = memory_limit_reason();
            break;
        }
        if (placed == Placed::explored && pass_ == Pass::read_only && !backtrack()) {
            result.verdict = Verdict::illegal;
            break;
        }
    }
    result.steps = steps_ - steps_before;
    result.configurations = memo_.size();
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
