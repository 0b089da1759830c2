#include "check/generate.h"

#include <map>
#include <string>

#include "base/assert.h"

namespace rq::check {

namespace {

enum class Fate : std::uint8_t { ok, fail, unknown_applied, unknown_late, unknown_never, crash_applied, crash_never };

struct Client {
    ProcessId id = 0;
    bool busy = false;
    bool applied = false;
    Fate fate = Fate::ok;
    Operation op;
    Value output;
};

// prefix + n + suffix. (Built by appending: GCC 12 warns falsely on "k" + std::to_string(n).)
std::string numbered(const char* prefix, std::uint64_t n, const char* suffix = "") {
    std::string text = prefix;
    text += std::to_string(n);
    text += suffix;
    return text;
}

// The output `op` returns when applied in `state`: the first candidate the model accepts with the
// same effect as an unknown outcome would have.
Value settle(const Model& model, const Value& state, const Operation& op, Value& next) {
    Operation probe = op;
    probe.outcome = Outcome::unknown;
    std::optional<Value> after = model.step(state, probe);
    RQ_ASSERT(after.has_value(), "an unknown outcome must always be possible:", model.describe(op));
    next = *after;
    probe.outcome = Outcome::ok;
    for (const Value& candidate : {Value(), Value(true), Value(false), state}) {
        probe.output = candidate;
        if (!model.validate(probe).ok()) continue;
        std::optional<Value> checked = model.step(state, probe);
        if (checked && *checked == next) return candidate;
    }
    RQ_UNREACHABLE("no output fits", model.describe(op));
}

class Generator {
public:
    Generator(const Model& model, const GenerateOptions& options, Random& random)
        : model_(model), options_(options), random_(random), clients_(options.processes) {
        RQ_ASSERT(options.processes > 0 && options.keys > 0);
        for (std::size_t i = 0; i < clients_.size(); ++i) clients_[i].id = static_cast<ProcessId>(i);
        next_process_ = static_cast<ProcessId>(clients_.size());
    }

    GeneratedHistory run() {
        while (started_ < options_.operations || busy_ > 0 || !late_.empty()) {
            ++time_;
            if (!late_.empty() && random_.chance(1, 4)) apply_late();
            advance(clients_[random_.below(clients_.size())]);
            if (started_ >= options_.operations && busy_ == 0) finish_late();
        }
        return std::move(result_);
    }

private:
    void advance(Client& client) {
        if (!client.busy) return invoke(client);
        const bool applies_first = client.fate == Fate::ok || client.fate == Fate::unknown_applied ||
                                   client.fate == Fate::crash_applied;
        if (applies_first && !client.applied) {
            apply(client.op, &client.output);
            client.applied = true;
            return;
        }
        complete(client);
    }

    void invoke(Client& client) {
        if (started_ >= options_.operations) return;
        ++started_;
        ++busy_;
        client.busy = true;
        client.applied = false;
        client.output = Value();
        client.fate = pick_fate();
        client.op = propose();
        client.op.process = client.id;
        client.op.invoke_event = result_.history.size();
        must(result_.history.invoke(client.id, time_, client.op.f, client.op.key, client.op.input));
    }

    void apply(const Operation& op, Value* output) {
        Value& state = states_.try_emplace(op.key, model_.initial_state()).first->second;
        Value next;
        Value out = settle(model_, state, op, next);
        state = std::move(next);
        if (output != nullptr) *output = std::move(out);
        result_.linearization.push_back(op.invoke_event);
    }

    void complete(Client& client) {
        client.busy = false;
        --busy_;
        switch (client.fate) {
            case Fate::ok: must(result_.history.complete(client.id, time_, Outcome::ok, client.output)); return;
            case Fate::fail: must(result_.history.complete(client.id, time_, Outcome::fail)); return;
            case Fate::unknown_late: late_.push_back(client.op); [[fallthrough]];
            case Fate::unknown_applied:
            case Fate::unknown_never: must(result_.history.complete(client.id, time_, Outcome::unknown)); return;
            case Fate::crash_applied:
            case Fate::crash_never: client.id = next_process_++; return;  // never completes
        }
    }

    void apply_late() {
        const std::size_t i = random_.below(late_.size());
        apply(late_[i], nullptr);
        late_.erase(late_.begin() + static_cast<std::ptrdiff_t>(i));
    }

    // Once everyone is done, each late operation still waiting takes effect or never does.
    void finish_late() {
        while (!late_.empty()) {
            if (random_.chance(1, 2)) apply(late_.front(), nullptr);
            late_.erase(late_.begin());
        }
    }

    Fate pick_fate() {
        std::uint64_t roll = random_.below(1000);
        if (roll < options_.unknown_per_mille) {
            const std::uint64_t how = random_.below(3);
            return how == 0 ? Fate::unknown_applied : how == 1 ? Fate::unknown_late : Fate::unknown_never;
        }
        roll -= std::min<std::uint64_t>(roll, options_.unknown_per_mille);
        if (roll < options_.fail_per_mille) return Fate::fail;
        roll -= std::min<std::uint64_t>(roll, options_.fail_per_mille);
        if (roll < options_.crash_per_mille) return random_.chance(1, 2) ? Fate::crash_applied : Fate::crash_never;
        return Fate::ok;
    }

    Value register_value() {
        if (options_.values > 0) return Value(static_cast<std::int64_t>(random_.below(static_cast<std::uint64_t>(options_.values))));
        return Value(fresh_++);
    }

    std::uint64_t appended_value() {
        if (options_.repeated_values > 0) return random_.below(static_cast<std::uint64_t>(options_.repeated_values));
        return static_cast<std::uint64_t>(fresh_++);
    }

    Operation propose() {
        Operation op;
        op.key = options_.keys == 1 ? "" : numbered("k", random_.below(options_.keys));
        const std::string_view model = model_.name();
        const std::uint64_t roll = random_.below(100);
        if (model == "register" || model == "row") {
            if (roll < 40) {
                op.f = "read";
            } else if (roll < 70 || (model == "register" && roll < 80)) {
                op.f = "write", op.input = register_value();
            } else if (roll < 85 || model == "register") {
                op.f = "cas", op.input = Value(Value::List{register_value(), register_value()});
            } else if (roll < 93) {
                op.f = "insert", op.input = register_value();
            } else {
                op.f = "delete";
            }
        } else if (model == "kv") {
            if (roll < 40) {
                op.f = "get";
            } else {
                op.f = roll < 55 && options_.kv_put ? "put" : "append";
                op.input = Value(numbered("v", appended_value(), ";"));
            }
        } else {
            RQ_ASSERT(model == "list", "no generator for model", model);
            if (roll < 50) {
                op.f = "read";
            } else {
                op.f = "append", op.input = Value(appended_value());
            }
        }
        return op;
    }

    static void must(const Status& status) { RQ_ASSERT(status.ok(), status.error().message()); }

    const Model& model_;
    const GenerateOptions& options_;
    Random& random_;
    std::vector<Client> clients_;
    std::vector<Operation> late_;  // unknown outcomes that take effect after completing, if at all
    std::map<std::string, Value> states_;
    GeneratedHistory result_;
    ProcessId next_process_ = 0;
    std::size_t started_ = 0;
    std::size_t busy_ = 0;
    std::int64_t time_ = 0;
    std::int64_t fresh_ = 1;
};

}  // namespace

GeneratedHistory generate_linearizable_history(const Model& model, const GenerateOptions& options, Random& random) {
    return Generator(model, options, random).run();
}

}  // namespace rq::check
