// The models listed in model.h.

#include <algorithm>
#include <array>
#include <unordered_set>

#include "check/checker.h"
#include "check/list_check.h"
#include "check/model.h"

namespace rq::check {

namespace {

Error bad(std::string message) { return Error(ErrorCode::invalid_argument, std::move(message)); }

// Operation inputs and outputs in reports: scalars as JSON, null as "nil".
std::string show(const Value& v) { return v.is_null() ? "nil" : v.to_json(); }

std::string show_bool_output(const Operation& op) {
    if (op.outcome != Outcome::ok) return "?";
    return op.output.as_bool() ? "ok" : "fail";
}

Status expect_no_input(const Operation& op) {
    if (!op.input.is_null()) return bad(op.f + " takes no input, got " + op.input.to_json());
    return ok_status();
}

Status expect_scalar_input(const Operation& op, bool allow_null) {
    if (!op.input.is_scalar() || (!allow_null && op.input.is_null())) {
        return bad(op.f + " needs a " + (allow_null ? "" : "non-null ") + "scalar input, got " + op.input.to_json());
    }
    return ok_status();
}

Status expect_pair_input(const Operation& op) {
    if (!op.input.is_list() || op.input.as_list().size() != 2 || !op.input.as_list()[0].is_scalar() ||
        !op.input.as_list()[1].is_scalar()) {
        return bad(op.f + " needs input [from, to], got " + op.input.to_json());
    }
    return ok_status();
}

Status expect_output(const Operation& op, bool (Value::*is_kind)() const, const char* kind, bool allow_null) {
    if (op.outcome != Outcome::ok) return ok_status();
    if ((op.output.*is_kind)() || (allow_null && op.output.is_null())) return ok_status();
    return bad(op.f + " needs " + kind + " output, got " + op.output.to_json());
}

Status unknown_operation(const Model& model, const Operation& op) {
    std::string known;
    for (std::string_view name : model.operation_names()) {
        if (!known.empty()) known += ", ";
        known += name;
    }
    return bad("operation \"" + op.f + "\" is not one of the " + std::string(model.name()) + " model's (" + known + ")");
}

// read, write and cas on one value that starts null; `row` adds insert and delete.
class RegisterModel : public Model {
public:
    explicit RegisterModel(bool row) : row_(row) {}

    std::string_view name() const override { return row_ ? "row" : "register"; }
    std::span<const std::string_view> operation_names() const override {
        static constexpr std::array<std::string_view, 3> kRegister{"read", "write", "cas"};
        static constexpr std::array<std::string_view, 5> kRow{"read", "write", "cas", "insert", "delete"};
        return row_ ? std::span<const std::string_view>(kRow) : std::span<const std::string_view>(kRegister);
    }

    Status validate(const Operation& op) const override {
        if (op.f == "read") {
            RQ_TRY_STATUS(expect_no_input(op), "read");
            if (op.outcome == Outcome::ok && !op.output.is_scalar()) return bad("read needs a scalar output, got " + op.output.to_json());
            return ok_status();
        }
        if (op.f == "write") return expect_scalar_input(op, false);
        if (op.f == "cas") {
            RQ_TRY_STATUS(expect_pair_input(op), "cas");
            return expect_output(op, &Value::is_bool, "a boolean", false);
        }
        if (row_ && op.f == "insert") {
            RQ_TRY_STATUS(expect_scalar_input(op, false), "insert");
            return expect_output(op, &Value::is_bool, "a boolean", false);
        }
        if (row_ && op.f == "delete") {
            RQ_TRY_STATUS(expect_no_input(op), "delete");
            return expect_output(op, &Value::is_bool, "a boolean", false);
        }
        return unknown_operation(*this, op);
    }

    Value initial_state() const override { return {}; }

    std::optional<Value> step(const Value& state, const Operation& op) const override {
        const bool known = op.outcome == Outcome::ok;
        if (op.f == "read") {
            if (known && op.output != state) return std::nullopt;
            return state;
        }
        if (op.f == "write") return op.input;
        // cas, insert and delete return whether they changed the row.
        bool applies = false;
        Value after = state;
        if (op.f == "cas") {
            applies = state == op.input.as_list()[0];
            if (applies) after = op.input.as_list()[1];
        } else if (op.f == "insert") {
            applies = state.is_null();
            if (applies) after = op.input;
        } else {  // delete
            applies = !state.is_null();
            after = Value();
        }
        if (known && op.output.as_bool() != applies) return std::nullopt;
        return after;
    }

    bool is_unconstrained(const Operation& op) const override {
        return op.f == "read" && op.outcome != Outcome::ok;
    }

    bool is_read_only(const Operation& op) const override {
        if (op.f == "read") return true;
        // A cas, insert or delete that reported no change.
        return op.f != "write" && op.outcome == Outcome::ok && !op.output.as_bool();
    }

    // Why this is sound: let O hold null and every value some operation compares the state with
    // (a read's output, a cas's expected value), and map each value v to f(v) = v if v is in O,
    // else to one stand-in outside O. Every operation's verdict in state s depends only on s == x
    // for an x in O, or on whether s is null, and f keeps both; its next state is f of the original
    // one. So a sequence is accepted from the original values exactly when it is from the mapped.
    std::optional<std::vector<Operation>> merge_unobserved(std::span<const Operation* const> ops) const override {
        std::unordered_set<std::string> observed{Value().to_json()};
        for (const Operation* op : ops) {
            if (op->f == "read" && op->outcome == Outcome::ok) observed.insert(op->output.to_json());
            if (op->f == "cas") observed.insert(op->input.as_list()[0].to_json());
        }
        std::string stand_in = "(a value nothing compared with)";
        while (observed.contains(Value(stand_in).to_json())) stand_in += "'";
        std::vector<Operation> merged;
        merged.reserve(ops.size());
        std::size_t changed = 0;
        for (const Operation* op : ops) {
            Operation& copy = merged.emplace_back(*op);
            if (op->f == "write" || op->f == "insert") {
                if (observed.contains(op->input.to_json())) continue;
                copy.input = Value(stand_in);
                ++changed;
            } else if (op->f == "cas") {
                const Value::List& pair = op->input.as_list();
                if (observed.contains(pair[1].to_json())) continue;
                copy.input = Value(Value::List{pair[0], Value(stand_in)});
                ++changed;
            }
        }
        if (changed < 2) return std::nullopt;  // one unread value merges with nothing
        return merged;
    }

    // A timed-out cas(x, y) takes effect only in state x. When every operation that can produce x
    // (write or insert of x, cas to x) was acknowledged, all of them completed by some event T, and
    // an acknowledged operation invoked after T that leaves or needs a state other than x (a read of
    // something else; a write, insert, delete or cas that changed the row, whose result cannot be x
    // since it does not produce x) comes after all of them: from its linearization on, the state is
    // never x again. The earliest-completing such operation is the deadline.
    std::vector<std::size_t> unknown_deadlines(std::span<const Operation* const> ops) const override {
        struct Producers {
            bool all_acknowledged = true;
            std::size_t last_completion = 0;
        };
        std::unordered_map<std::string, Producers> producers;
        for (const Operation* op : ops) {
            const Value* produced = produced_value(*op);
            if (produced == nullptr) continue;
            Producers& p = producers[produced->to_json()];
            if (op->outcome != Outcome::ok) p.all_acknowledged = false;
            else p.last_completion = std::max(p.last_completion, op->complete_event);
        }
        std::vector<std::size_t> deadlines(ops.size(), kNoDeadline);
        for (std::size_t i = 0; i < ops.size(); ++i) {
            if (ops[i]->f != "cas" || ops[i]->outcome != Outcome::unknown) continue;
            const Value& expected = ops[i]->input.as_list()[0];
            if (expected.is_null()) continue;  // the empty row: the start, and after any delete
            const auto found = producers.find(expected.to_json());
            if (found == producers.end()) {
                deadlines[i] = kAlwaysDead;
                continue;
            }
            if (!found->second.all_acknowledged) continue;
            deadlines[i] = first_pin_after(ops, found->second.last_completion, expected);
        }
        return deadlines;
    }

    std::string describe(const Operation& op) const override {
        if (op.f == "read") return "read() -> " + (op.outcome == Outcome::ok ? show(op.output) : std::string("?"));
        if (op.f == "write") return "write(" + show(op.input) + ")";
        if (op.f == "cas") {
            return "cas(" + show(op.input.as_list()[0]) + ", " + show(op.input.as_list()[1]) + ") -> " +
                   show_bool_output(op);
        }
        if (op.f == "insert") return "insert(" + show(op.input) + ") -> " + show_bool_output(op);
        return "delete() -> " + show_bool_output(op);
    }

private:
    // The value op leaves as the state when it takes effect, if it writes one.
    static const Value* produced_value(const Operation& op) {
        if (op.f == "write") return &op.input;
        if (op.f != "insert" && op.f != "cas") return nullptr;
        if (op.outcome == Outcome::ok && !op.output.as_bool()) return nullptr;  // it changed nothing
        return op.f == "insert" ? &op.input : &op.input.as_list()[1];
    }

    // The earliest-completing acknowledged operation invoked after event `after` whose state at its
    // linearization is not `gone` and stays so (see unknown_deadlines), or kNoDeadline.
    static std::size_t first_pin_after(std::span<const Operation* const> ops, std::size_t after, const Value& gone) {
        std::size_t best = kNoDeadline;
        for (std::size_t j = 0; j < ops.size(); ++j) {
            const Operation& op = *ops[j];
            if (op.outcome != Outcome::ok || op.invoke_event <= after) continue;
            const bool pins = op.f == "read" ? op.output != gone : op.f == "write" || op.output.as_bool();
            if (pins && (best == kNoDeadline || op.complete_event < ops[best]->complete_event)) best = j;
        }
        return best;
    }

    bool row_;
};

// Porcupine's key-value object per key: a string that starts empty.
class KvModel : public Model {
public:
    std::string_view name() const override { return "kv"; }
    std::span<const std::string_view> operation_names() const override {
        static constexpr std::array<std::string_view, 3> kNames{"get", "put", "append"};
        return kNames;
    }

    Status validate(const Operation& op) const override {
        if (op.f == "get") {
            RQ_TRY_STATUS(expect_no_input(op), "get");
            return expect_output(op, &Value::is_string, "a string", false);
        }
        if (op.f == "put" || op.f == "append") {
            if (!op.input.is_string()) return bad(op.f + " needs a string input, got " + op.input.to_json());
            return ok_status();
        }
        return unknown_operation(*this, op);
    }

    Value initial_state() const override { return Value(""); }

    std::optional<Value> step(const Value& state, const Operation& op) const override {
        if (op.f == "get") {
            if (op.outcome == Outcome::ok && op.output != state) return std::nullopt;
            return state;
        }
        if (op.f == "put") return op.input;
        return Value(state.as_string() + op.input.as_string());
    }

    bool is_unconstrained(const Operation& op) const override { return op.f == "get" && op.outcome != Outcome::ok; }
    bool is_read_only(const Operation& op) const override { return op.f == "get"; }
    bool grows(const Operation& op) const override { return op.f != "put"; }
    std::optional<Value> resets_to(const Operation& op) const override {
        if (op.f != "put") return std::nullopt;
        return op.input;
    }
    bool extends(const Value& state, const Value& base) const override {
        return state.as_string().compare(0, base.as_string().size(), base.as_string()) == 0;
    }
    std::optional<Value> accepting_state(const Operation& op) const override {
        if (op.f != "get" || op.outcome != Outcome::ok) return std::nullopt;
        return op.output;
    }

    std::string describe(const Operation& op) const override {
        if (op.f == "get") return "get() -> " + (op.outcome == Outcome::ok ? op.output.to_json() : std::string("?"));
        return op.f + "(" + op.input.to_json() + ")";
    }
};

// An append-only list read whole.
class ListModel : public Model {
public:
    std::string_view name() const override { return "list"; }
    std::span<const std::string_view> operation_names() const override {
        static constexpr std::array<std::string_view, 2> kNames{"append", "read"};
        return kNames;
    }

    Status validate(const Operation& op) const override {
        if (op.f == "append") return expect_scalar_input(op, false);
        if (op.f == "read") {
            RQ_TRY_STATUS(expect_no_input(op), "read");
            RQ_TRY_STATUS(expect_output(op, &Value::is_list, "a list", false), "read");
            if (op.outcome == Outcome::ok) {
                for (const Value& item : op.output.as_list()) {
                    if (!item.is_scalar() || item.is_null()) return bad("read needs a list of non-null scalars, got " + op.output.to_json());
                }
            }
            return ok_status();
        }
        return unknown_operation(*this, op);
    }

    Value initial_state() const override { return Value(Value::List{}); }

    std::optional<Value> step(const Value& state, const Operation& op) const override {
        if (op.f == "read") {
            if (op.outcome == Outcome::ok && op.output != state) return std::nullopt;
            return state;
        }
        Value::List after = state.as_list();
        after.push_back(op.input);
        return Value(std::move(after));
    }

    bool is_unconstrained(const Operation& op) const override { return op.f == "read" && op.outcome != Outcome::ok; }
    bool is_read_only(const Operation& op) const override { return op.f == "read"; }
    bool grows(const Operation&) const override { return true; }
    bool extends(const Value& state, const Value& base) const override {
        const Value::List& longer = state.as_list();
        const Value::List& shorter = base.as_list();
        return longer.size() >= shorter.size() && std::equal(shorter.begin(), shorter.end(), longer.begin());
    }
    std::optional<Value> accepting_state(const Operation& op) const override {
        if (op.f != "read" || op.outcome != Outcome::ok) return std::nullopt;
        return op.output;
    }

    std::optional<PartitionResult> check_fast(std::span<const Operation* const> ops) const override {
        return check_append_only_list(*this, ops);
    }
};

const RegisterModel kRegister(false);
const RegisterModel kRow(true);
const KvModel kKv;
const ListModel kList;
const std::array<const Model*, 4> kModels{&kRegister, &kRow, &kKv, &kList};

}  // namespace

std::string Model::describe(const Operation& op) const {
    std::string text = op.f + "(" + (op.input.is_null() ? "" : op.input.to_json()) + ")";
    if (op.outcome == Outcome::ok && !op.output.is_null()) text += " -> " + op.output.to_json();
    if (op.outcome == Outcome::unknown) text += " -> ?";
    return text;
}

std::optional<PartitionResult> Model::check_fast(std::span<const Operation* const>) const { return std::nullopt; }
std::optional<std::vector<Operation>> Model::merge_unobserved(std::span<const Operation* const>) const { return std::nullopt; }
std::vector<std::size_t> Model::unknown_deadlines(std::span<const Operation* const>) const { return {}; }

bool Model::grows(const Operation&) const { return false; }
std::optional<Value> Model::resets_to(const Operation&) const { return std::nullopt; }
bool Model::extends(const Value& state, const Value& base) const { return state == base; }
std::optional<Value> Model::accepting_state(const Operation&) const { return std::nullopt; }

const Model* find_model(std::string_view name) {
    for (const Model* model : kModels) {
        if (model->name() == name) return model;
    }
    return nullptr;
}

std::span<const Model* const> all_models() { return kModels; }

Result<const Model*> infer_model(std::span<const Operation> ops) {
    std::string reasons;
    for (const Model* model : kModels) {
        bool fits = true;
        for (const Operation& op : ops) {
            Status status = model->validate(op);
            if (!status.ok()) {
                fits = false;
                reasons += "; not " + std::string(model->name()) + ": " + status.error().message();
                break;
            }
        }
        if (fits) return model;
    }
    return Error(ErrorCode::invalid_argument, "no model fits every operation" + reasons);
}

}  // namespace rq::check
