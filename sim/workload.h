#pragma once
// Workloads: what simulated clients ask of the cluster, as SQL, and how each reply becomes an
// observation for the oracles.
//   register: one row per key holding an integer; read, write (INSERT OR REPLACE) and
//             compare-and-set (UPDATE ... WHERE v = old), checked against check/'s register model.
//   list:     an append-only list per key (INSERT a row, SELECT the key's rows in insertion order),
//             checked against the list model.
//   bank:     accounts moving money in two-statement transactions; every read of all balances, at
//             any level, must show the same total (a replica only ever holds whole transactions).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/random.h"
#include "base/result.h"
#include "check/model.h"
#include "check/value.h"
#include "node/driver.h"
#include "store/command.h"

namespace rq::sim {

struct Request {
    std::string f;    // the history operation: read, write, cas, append, transfer
    std::string key;
    check::Value input;
    store::StatementBatch batch;
    bool write = false;                         // through the log
    node::ReadLevel level = node::ReadLevel::weak;  // reads only
};

// How a reply is to be recorded.
struct Observation {
    enum class Kind : std::uint8_t { ok, fail } kind = Kind::ok;
    check::Value output;
};

class Workload {
public:
    virtual ~Workload() = default;
    [[nodiscard]] virtual const char* name() const = 0;
    // Statements run once through the leader before clients start.
    [[nodiscard]] virtual std::vector<std::string> setup() const = 0;
    // The next request; reads get their level from the caller.
    virtual Request next(Random& random) = 0;
    // A reply that succeeded as a whole, seen as the operation's output (or as a failure, when a
    // statement in it failed and so had no effect).
    [[nodiscard]] virtual Observation observe(const Request& request, const node::Reply& reply) const = 0;
    // The model histories are checked against; nullptr when the workload has its own oracle.
    [[nodiscard]] virtual const check::Model* model() const = 0;
    // The bank's invariant, for reads that succeeded: empty when it holds, else what broke.
    [[nodiscard]] virtual std::string invariant_violation(const Request&, const check::Value&) const { return {}; }
};

std::unique_ptr<Workload> make_workload(std::string_view name);
inline constexpr std::string_view workload_names = "register, list, bank";

// Helpers shared by the workloads.
store::StatementBatch batch_of(std::vector<std::string> statements, bool transaction = false);
// One statement with positional parameters (`?`), as clients send values: the SQL text repeats, so
// the store prepares it once.
store::Statement bound(std::string sql, std::vector<store::Value> values);
store::StatementBatch batch_of(std::vector<store::Statement> statements, bool transaction = false);
// A cell as a history value: its integer, or null for anything else.
check::Value integer_or_null(const store::Value& cell);
// The first statement's error, if any statement failed or the batch did.
std::optional<std::string> batch_error(const node::Reply& reply);

}  // namespace rq::sim
