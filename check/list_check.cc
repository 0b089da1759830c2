#include "check/list_check.h"

#include <algorithm>
#include <limits>
#include <unordered_map>

namespace rq::check {

namespace {

constexpr std::uint64_t kNever = std::numeric_limits<std::uint64_t>::max();

std::uint64_t return_position(const Operation& op) {
    return op.outcome == Outcome::ok ? op.complete_event : kNever;
}

std::string who(const Model& model, const Operation& op) {
    return model.describe(op) + " by process " + std::to_string(op.process);
}

PartitionResult structural(std::size_t culprit, Value state, std::string reason) {
    PartitionResult result;
    result.verdict = Verdict::illegal;
    result.explanation.state_after_prefix = std::move(state);
    result.explanation.unplaceable = {culprit};
    result.explanation.blocking = culprit;
    result.explanation.reason = std::move(reason);
    return result;
}

class ListCheck {
public:
    ListCheck(const Model& model, std::span<const Operation* const> ops) : model_(model), ops_(ops) {}

    std::optional<PartitionResult> run() {
        for (std::size_t i = 0; i < ops_.size(); ++i) {
            if (ops_[i]->f != "append") {
                reads_.push_back(i);
            } else if (!append_of_.emplace(ops_[i]->input, i).second) {
                return std::nullopt;
            }
        }
        if (auto failure = find_longest_read()) return failure;
        if (auto failure = place_appends()) return failure;
        build_order();
        return check_order();
    }

private:
    const Value::List& list_of(std::size_t read) const { return ops_[read]->output.as_list(); }

    // Every read must be a prefix of the longest one.
    std::optional<PartitionResult> find_longest_read() {
        for (std::size_t read : reads_) {
            if (longest_ == kNoOperation || list_of(read).size() > list_of(longest_).size()) longest_ = read;
        }
        for (std::size_t read : reads_) {
            const Value::List& list = list_of(read);
            if (!std::equal(list.begin(), list.end(), list_of(longest_).begin())) {
                return structural(read, Value(Value::List{}),
                                  who(model_, *ops_[read]) + " and " + who(model_, *ops_[longest_]) +
                                      " cannot both be right: neither list is a prefix of the other");
            }
        }
        return std::nullopt;
    }

    // The k-th element of the longest read is the value of the k-th append (1-based positions).
    std::optional<PartitionResult> place_appends() {
        position_.assign(ops_.size(), 0);
        if (longest_ == kNoOperation) return std::nullopt;
        const Value::List& longest = list_of(longest_);
        for (std::size_t k = 0; k < longest.size(); ++k) {
            auto it = append_of_.find(longest[k]);
            if (it == append_of_.end()) {
                return structural(earliest_read_longer_than(k), Value(Value::List{}),
                                  who(model_, *ops_[earliest_read_longer_than(k)]) + " contains " +
                                      longest[k].to_json() + ", which no successful append on this key added");
            }
            if (position_[it->second] != 0) {
                return structural(earliest_read_longer_than(k), Value(Value::List{}),
                                  who(model_, *ops_[earliest_read_longer_than(k)]) + " contains " +
                                      longest[k].to_json() + " twice");
            }
            position_[it->second] = k + 1;
        }
        return std::nullopt;
    }

    std::size_t earliest_read_longer_than(std::size_t k) const {
        for (std::size_t read : reads_) {
            if (list_of(read).size() > k) return read;
        }
        return longest_;
    }

    // Version by version: the append that made it, then the reads that saw it by invocation;
    // then the successful appends no read saw.
    void build_order() {
        const std::size_t versions = longest_ == kNoOperation ? 1 : list_of(longest_).size() + 1;
        std::vector<std::vector<std::size_t>> reads_of(versions);
        for (std::size_t read : reads_) reads_of[list_of(read).size()].push_back(read);
        std::vector<std::size_t> append_at(versions, kNoOperation);
        for (std::size_t op = 0; op < ops_.size(); ++op) {
            if (ops_[op]->f == "append" && position_[op] != 0) append_at[position_[op]] = op;
        }
        for (std::size_t version = 0; version < versions; ++version) {
            if (version > 0) order_.push_back(append_at[version]);
            order_.insert(order_.end(), reads_of[version].begin(), reads_of[version].end());
        }
        for (std::size_t op = 0; op < ops_.size(); ++op) {
            if (ops_[op]->f == "append" && position_[op] == 0 && ops_[op]->outcome == Outcome::ok) order_.push_back(op);
        }
    }

    PartitionResult check_order() const {
        PartitionResult result;
        std::size_t latest_invoked = kNoOperation;
        for (std::size_t i = 0; i < order_.size(); ++i) {
            const Operation& op = *ops_[order_[i]];
            if (latest_invoked != kNoOperation && ops_[latest_invoked]->invoke_event > return_position(op)) {
                result.verdict = Verdict::illegal;
                Explanation& explanation = result.explanation;
                explanation.longest_prefix.assign(order_.begin(), order_.begin() + static_cast<std::ptrdiff_t>(i));
                explanation.state_after_prefix = state_after(explanation.longest_prefix);
                explanation.unplaceable = {order_[i]};
                explanation.blocking = order_[i];
                explanation.reason = who(model_, op) + " completed before " + who(model_, *ops_[latest_invoked]) +
                                     " was invoked, but the order of the list puts the latter first";
                return result;
            }
            if (latest_invoked == kNoOperation || op.invoke_event > ops_[latest_invoked]->invoke_event) {
                latest_invoked = order_[i];
            }
        }
        return result;
    }

    Value state_after(const std::vector<std::size_t>& prefix) const {
        Value::List list;
        for (std::size_t op : prefix) {
            if (ops_[op]->f == "append") list.push_back(ops_[op]->input);
        }
        return Value(std::move(list));
    }

    const Model& model_;
    std::span<const Operation* const> ops_;
    std::unordered_map<Value, std::size_t, ValueHash> append_of_;
    std::vector<std::size_t> reads_;
    std::size_t longest_ = kNoOperation;
    std::vector<std::size_t> position_;  // append -> 1-based place in the longest read, 0 if unseen
    std::vector<std::size_t> order_;
};

}  // namespace

std::optional<PartitionResult> check_append_only_list(const Model& model, std::span<const Operation* const> ops) {
    return ListCheck(model, ops).run();
}

}  // namespace rq::check
