#pragma once
// Sequential specifications of the objects whose histories we check, one object per key.
//
// A model is a pure function from (state, operation) to the next state, or to "impossible" when
// the operation's recorded output cannot be produced from that state. States and operation
// arguments are Values; the checker interns states into small integers and caches transitions,
// so a model can be written for clarity rather than speed.
//
// Models here (names as given to lincheck --model):
//   register  read -> value|null, write(value), cas([from, to]) -> bool. Starts null.
//   row       a register held in one SQL row: read -> value|null (null: no row),
//             write(value) (upsert), cas([from, to]) -> bool (UPDATE .. WHERE value = from),
//             insert(value) -> bool (false: the row existed), delete -> bool (false: no row).
//   kv        get -> string, put(string), append(string). Starts "" (Porcupine's kv).
//   list      append(scalar), read -> [scalars]: an append-only list read whole. Starts [].
//             Checked in linear time when each key's appended values are distinct.
// An operation with an unknown outcome has no output to match: it takes effect as the model says.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "check/history.h"
#include "check/value.h"

namespace rq::check {

struct PartitionResult;  // checker.h
struct CheckOptions;     // checker.h

class Model {
public:
    virtual ~Model() = default;

    [[nodiscard]] virtual std::string_view name() const = 0;
    // The operation names this model knows, for inference and error messages.
    [[nodiscard]] virtual std::span<const std::string_view> operation_names() const = 0;

    // Accepts op when its f is known to the model and its input (and output, when ok) have the
    // shapes the model needs. The message says what is wrong; the caller adds the line.
    [[nodiscard]] virtual Status validate(const Operation& op) const = 0;

    [[nodiscard]] virtual Value initial_state() const = 0;

    // The state after op from `state`, or nullopt when op with its recorded output cannot happen
    // in `state`. Called only with validated operations whose outcome is ok or unknown.
    [[nodiscard]] virtual std::optional<Value> step(const Value& state, const Operation& op) const = 0;

    // True when op is legal in every state and changes none (a read whose output is unknown):
    // the checker drops such operations before searching.
    [[nodiscard]] virtual bool is_unconstrained(const Operation& op) const = 0;

    // True when op (with outcome ok) leaves the state unchanged in every state that accepts it: a
    // read, or a cas that failed. The search places such an operation as soon as it fits, without
    // trying alternatives: placing it earlier than necessary never hurts.
    [[nodiscard]] virtual bool is_read_only(const Operation& op) const = 0;

    // Growth, for models whose state mostly grows (an append-only list; a kv string appended to).
    // grows(op): op turns every state that accepts it into that state or an extension of it.
    // resets_to(op): the state op leaves whatever the state before (a put's value), if any.
    // extends(state, base): `state` is `base` or an extension of it.
    // accepting_state(op): the one state in which the read-only op fits (a read's output), if any.
    // With these the search drops a configuration whose state can no longer become what the next
    // read must see: only growing operations, or resets to states that cannot grow into it either,
    // can come before that read.
    [[nodiscard]] virtual bool grows(const Operation& op) const;
    [[nodiscard]] virtual std::optional<Value> resets_to(const Operation& op) const;
    [[nodiscard]] virtual bool extends(const Value& state, const Value& base) const;
    [[nodiscard]] virtual std::optional<Value> accepting_state(const Operation& op) const;

    // A short description for reports: "cas(1, 2) -> fail", "read() -> 3", "append(7) -> ?".
    [[nodiscard]] virtual std::string describe(const Operation& op) const;

    // Operations equivalent to `ops` for this model that the search handles faster, or nullopt when
    // the model has none to offer. Register and row: a value written but never compared with (no
    // read returned it, no cas expected it) behaves like every other such value in every later
    // operation, so all of them become one value. Timed-out writes of unread values are then
    // interchangeable and lead to the same state, instead of each subset of them being a different
    // configuration (a 300-second simulator history: 12 s of search became 0.1 s). `ops` as for
    // check_fast; the result has the same operations in the same order.
    [[nodiscard]] virtual std::optional<std::vector<Operation>> merge_unobserved(std::span<const Operation* const> ops) const;

    // For each operation with an unknown outcome that can take effect only in states that are gone
    // for good once some other operation has been linearized: that operation's position in `ops`
    // (the deadline), or kAlwaysDead when no reachable state lets it take effect; else kNoDeadline.
    // Past its deadline such an operation is certainly one that never happened, and the search
    // forgets it, so that configurations that differ only in whether it happened coincide.
    // Register and row: a timed-out cas(x, y) whose x only acknowledged operations produce, once an
    // acknowledged operation invoked after all of them pins the state to something else. `ops` as
    // for check_fast; an empty result means none.
    static constexpr std::size_t kNoDeadline = static_cast<std::size_t>(-1);
    static constexpr std::size_t kAlwaysDead = static_cast<std::size_t>(-2);
    [[nodiscard]] virtual std::vector<std::size_t> unknown_deadlines(std::span<const Operation* const> ops) const;

    // A model may check one key's operations faster than the general search. Returns nullopt
    // when it has no fast check for these operations; the checker then searches. `ops` are
    // validated, without fail or unconstrained operations, in invocation order.
    [[nodiscard]] virtual std::optional<PartitionResult> check_fast(std::span<const Operation* const> ops) const;
};

// The model named `name`, or nullptr.
const Model* find_model(std::string_view name);
// Every model, in the order listed above.
std::span<const Model* const> all_models();
// The first model in all_models() that validates every operation; an error when none does.
Result<const Model*> infer_model(std::span<const Operation> ops);

}  // namespace rq::check
