// Properties of the checker over generated histories (RapidCheck):
//  - a history made from a sequential execution with random overlapping intervals, timeouts,
//    failures and crashes is always linearizable;
//  - planting a stale read (register) or a lost write (kv, list) in one is always caught;
//  - on small random histories the checker agrees with a brute-force check of all orders;
//  - the linear-time list check agrees with the general search.

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "check/checker.h"
#include "check/generate.h"
#include "check/history_json.h"
#include "tests/check/brute_force.h"
#include "tests/check/plain_search.h"

namespace rq::check {
namespace {

const std::vector<std::string> kModels = {"register", "row", "kv", "list"};

GenerateOptions random_options(std::size_t operations_max) {
    GenerateOptions options;
    options.operations = *rc::gen::inRange<std::size_t>(1, operations_max + 1);
    options.keys = *rc::gen::inRange<std::size_t>(1, 4);
    options.processes = *rc::gen::inRange<std::size_t>(1, 8);
    options.values = *rc::gen::inRange<std::int64_t>(0, 4);
    options.unknown_per_mille = *rc::gen::element(0U, 50U, 200U);
    options.fail_per_mille = *rc::gen::element(0U, 50U);
    options.crash_per_mille = *rc::gen::element(0U, 30U);
    return options;
}

// The search is exponential in the worst case, and kv strings built by many concurrent or
// timed-out appends and puts are where it shows: each order is a different state. Keep kv
// histories to the concurrency the search handles in milliseconds.
void tame_for_kv(const Model& model, GenerateOptions& options) {
    if (model.name() != "kv") return;
    options.processes = std::min<std::size_t>(options.processes, 4);
    options.unknown_per_mille = std::min(options.unknown_per_mille, 50U);
}

// The same for every model whose states record an order: kv, and list (whose linear check does
// not need it, but the plain reference search does).
void tame_for_growing_states(const Model& model, GenerateOptions& options) {
    if (model.name() != "kv" && model.name() != "list") return;
    options.processes = std::min<std::size_t>(options.processes, 4);
    options.unknown_per_mille = std::min(options.unknown_per_mille, 50U);
}

Verdict verdict_of(const Model& model, const std::vector<Operation>& ops) {
    Result<CheckResult> result = check_operations(model, ops);
    RC_ASSERT(result.ok());
    return result->verdict;
}

History history_of(const Model& model, const GenerateOptions& options) {
    Random random(*rc::gen::arbitrary<std::uint64_t>());
    return generate_linearizable_history(model, options, random).history;
}

RC_GTEST_PROP(CheckProperty, SequentialExecutionsAreLinearizable, ()) {
    const Model& model = *find_model(*rc::gen::elementOf(kModels));
    GenerateOptions options = random_options(120);
    tame_for_kv(model, options);
    const History history = history_of(model, options);
    RC_LOG() << model.name() << "\n" << history_to_jsonl(history);
    RC_ASSERT(verdict_of(model, history.operations()) == Verdict::ok);
}

// Reads that saw a value two completed writes back. Values are fresh per write, so the value
// read was certainly overwritten before the read began.
RC_GTEST_PROP(CheckProperty, PlantedStaleReadIsCaught, ()) {
    const Model& model = *find_model(*rc::gen::element("register", "row"));
    GenerateOptions options = random_options(60);
    options.operations += 20;
    options.values = 0;
    std::vector<Operation> ops = history_of(model, options).operations();
    auto definite_write = [&](const Operation& op) { return op.outcome == Outcome::ok && op.f == "write"; };
    struct Plant {
        std::size_t read;
        Value stale;
    };
    std::vector<Plant> plants;
    for (std::size_t r = 0; r < ops.size(); ++r) {
        if (ops[r].f != "read" || ops[r].outcome != Outcome::ok) continue;
        for (std::size_t w2 = 0; w2 < ops.size(); ++w2) {
            if (!definite_write(ops[w2]) || ops[w2].key != ops[r].key || !ops[w2].precedes(ops[r])) continue;
            // In a register nothing writes null, so the initial value is stale too (a row can be deleted).
            if (model.name() == "register") plants.push_back({r, Value()});
            for (std::size_t w1 = 0; w1 < ops.size(); ++w1) {
                if (definite_write(ops[w1]) && ops[w1].key == ops[r].key && ops[w1].precedes(ops[w2])) {
                    plants.push_back({r, ops[w1].input});
                }
            }
        }
    }
    RC_PRE(!plants.empty());
    const Plant plant = *rc::gen::elementOf(plants);
    ops[plant.read].output = plant.stale;
    RC_LOG() << "read at event " << ops[plant.read].invoke_event << " now returns " << plant.stale.to_json();
    RC_ASSERT(verdict_of(model, ops) == Verdict::illegal);
}

// A read that misses an append which completed before the read began.
RC_GTEST_PROP(CheckProperty, PlantedLostWriteIsCaught, ()) {
    const Model& model = *find_model(*rc::gen::element("kv", "list"));
    GenerateOptions options = random_options(60);
    options.operations += 20;
    options.kv_put = false;
    tame_for_kv(model, options);
    std::vector<Operation> ops = history_of(model, options).operations();
    const std::string read_name = model.name() == "kv" ? "get" : "read";
    std::vector<std::pair<std::size_t, std::size_t>> plants;  // (read, append)
    for (std::size_t r = 0; r < ops.size(); ++r) {
        if (ops[r].f != read_name || ops[r].outcome != Outcome::ok) continue;
        for (std::size_t a = 0; a < ops.size(); ++a) {
            if (ops[a].f == "append" && ops[a].outcome == Outcome::ok && ops[a].key == ops[r].key &&
                ops[a].precedes(ops[r])) {
                plants.emplace_back(r, a);
            }
        }
    }
    RC_PRE(!plants.empty());
    const auto [read, append] = *rc::gen::elementOf(plants);
    Value& output = ops[read].output;
    if (output.is_string()) {
        std::string text = output.as_string();
        const std::size_t at = text.find(ops[append].input.as_string());
        RC_ASSERT(at != std::string::npos);
        text.erase(at, ops[append].input.as_string().size());
        output = Value(text);
    } else {
        Value::List list = output.as_list();
        list.erase(std::remove(list.begin(), list.end(), ops[append].input), list.end());
        output = Value(list);
    }
    RC_LOG() << "read at event " << ops[read].invoke_event << " now misses " << ops[append].input.to_json();
    RC_ASSERT(verdict_of(model, ops) == Verdict::illegal);
}

// Replaces one operation's output with another of the same shape, so that both verdicts occur.
void mutate_one_output(const Model& model, std::vector<Operation>& ops) {
    std::vector<std::size_t> candidates;
    for (std::size_t i = 0; i < ops.size(); ++i) {
        if (ops[i].outcome == Outcome::ok && !ops[i].output.is_null()) candidates.push_back(i);
    }
    if (candidates.empty()) return;
    Operation& op = ops[*rc::gen::elementOf(candidates)];
    const Value before = op.output;
    if (op.output.is_bool()) {
        op.output = Value(!op.output.as_bool());
    } else if (op.output.is_int()) {
        op.output = Value(*rc::gen::inRange<std::int64_t>(0, 4));
    } else if (op.output.is_string()) {
        std::string text = op.output.as_string();
        text = text.empty() ? "v1;" : text.substr(0, text.size() - 3);
        op.output = Value(text);
    } else if (op.output.is_list()) {
        Value::List list = op.output.as_list();
        if (list.empty() || *rc::gen::arbitrary<bool>()) {
            list.push_back(Value(*rc::gen::inRange<std::int64_t>(1, 5)));
        } else {
            std::swap(list.front(), list.back());
            list.pop_back();
        }
        op.output = Value(list);
    }
    RC_LOG() << "mutated " << before.to_json() << " to " << op.output.to_json() << " (" << model.describe(op) << ")";
}

// Brute force is cheap on this few operations, so each case checks several histories.
constexpr int kHistoriesPerCase = 10;

RC_GTEST_PROP(CheckProperty, AgreesWithBruteForceOnSmallHistories, ()) {
    for (int i = 0; i < kHistoriesPerCase; ++i) {
        const Model& model = *find_model(*rc::gen::elementOf(kModels));
        GenerateOptions options = random_options(8);
        options.keys = *rc::gen::inRange<std::size_t>(1, 3);
        std::vector<Operation> ops = history_of(model, options).operations();
        if (*rc::gen::arbitrary<bool>()) mutate_one_output(model, ops);
        const bool expected = testing::brute_force_linearizable(model, ops);
        const Verdict verdict = verdict_of(model, ops);
        RC_ASSERT(verdict != Verdict::unknown);
        RC_ASSERT((verdict == Verdict::ok) == expected);
    }
}

// Same, with every operation's interval redrawn at random, beyond what the generator makes.
RC_GTEST_PROP(CheckProperty, AgreesWithBruteForceOnRandomIntervals, ()) {
    for (int i = 0; i < kHistoriesPerCase; ++i) {
        const Model& model = *find_model(*rc::gen::elementOf(kModels));
        GenerateOptions options = random_options(7);
        std::vector<Operation> ops = history_of(model, options).operations();
        if (*rc::gen::arbitrary<bool>()) mutate_one_output(model, ops);
        // New event positions: a random permutation of 2n slots, each operation taking two in order.
        const std::vector<std::size_t> order = *rc::gen::unique<std::vector<std::size_t>>(
            2 * ops.size(), rc::gen::inRange<std::size_t>(0, 2 * ops.size()));
        for (std::size_t j = 0; j < ops.size(); ++j) {
            ops[j].invoke_event = std::min(order[2 * j], order[2 * j + 1]);
            ops[j].complete_event = std::max(order[2 * j], order[2 * j + 1]);
        }
        const bool expected = testing::brute_force_linearizable(model, ops);
        RC_ASSERT((verdict_of(model, ops) == Verdict::ok) == expected);
    }
}

// Dense histories: one key, a few clients, two or three values, many timeouts and crashes. The
// same write recurs with nested intervals, reads of one value pile up, unknown operations stay
// open: the shapes on which the search's prunings (interchangeable operations in order, read-only
// operations placed at once, growth pruning, compact memo keys) decide the verdict.
RC_GTEST_PROP(CheckProperty, AgreesWithBruteForceOnDenseHistories, ()) {
    for (int i = 0; i < 5 * kHistoriesPerCase; ++i) {
        const Model& model = *find_model(*rc::gen::elementOf(kModels));
        GenerateOptions options;
        options.operations = *rc::gen::inRange<std::size_t>(3, 9);
        options.keys = 1;
        options.processes = *rc::gen::inRange<std::size_t>(2, 5);
        options.values = *rc::gen::inRange<std::int64_t>(1, 4);
        options.repeated_values = options.values;
        options.unknown_per_mille = *rc::gen::element(0U, 150U, 300U);
        options.crash_per_mille = *rc::gen::element(0U, 100U);
        std::vector<Operation> ops = history_of(model, options).operations();
        if (*rc::gen::arbitrary<bool>()) mutate_one_output(model, ops);
        const bool expected = testing::brute_force_linearizable(model, ops);
        RC_ASSERT((verdict_of(model, ops) == Verdict::ok) == expected);
    }
}

// Register and row histories whose writes mostly write fresh values, many never read and many
// timed out: the checker merges values no operation compares with (model.h, merge_unobserved), and
// must reach the verdict the references reach on the histories as written.
GenerateOptions unread_values_options(std::size_t operations_max) {
    GenerateOptions options = random_options(operations_max);
    options.values = *rc::gen::element<std::int64_t>(0, 0, 6);
    options.unknown_per_mille = *rc::gen::element(150U, 300U, 500U);
    return options;
}

RC_GTEST_PROP(CheckProperty, AgreesWithBruteForceWhenWrittenValuesGoUnread, ()) {
    for (int i = 0; i < kHistoriesPerCase; ++i) {
        const Model& model = *find_model(*rc::gen::element<std::string>("register", "row"));
        std::vector<Operation> ops = history_of(model, unread_values_options(8)).operations();
        if (*rc::gen::arbitrary<bool>()) mutate_one_output(model, ops);
        RC_ASSERT((verdict_of(model, ops) == Verdict::ok) == testing::brute_force_linearizable(model, ops));
    }
}

RC_GTEST_PROP(CheckProperty, AgreesWithPlainSearchWhenWrittenValuesGoUnread, ()) {
    const Model& model = *find_model(*rc::gen::element<std::string>("register", "row"));
    std::vector<Operation> ops = history_of(model, unread_values_options(30)).operations();
    const int mutations = *rc::gen::inRange(0, 3);
    for (int i = 0; i < mutations; ++i) mutate_one_output(model, ops);
    const std::optional<bool> expected = testing::plain_search_linearizable(model, ops, 20'000);
    RC_PRE(expected.has_value());
    RC_TAG(*expected);
    RC_ASSERT((verdict_of(model, ops) == Verdict::ok) == *expected);
}

// Histories too long for brute force, against a plain memoised search without the checker's
// pruning (no interchangeable-operation order, no read-only forcing, no skipping of unknown
// operations that change nothing, no compact memo keys). Many unknown outcomes and few values
// make those prunings fire often.
RC_GTEST_PROP(CheckProperty, AgreesWithPlainSearchOnLongerHistories, ()) {
    const Model& model = *find_model(*rc::gen::elementOf(kModels));
    GenerateOptions options = random_options(30);
    options.values = *rc::gen::inRange<std::int64_t>(1, 3);
    options.unknown_per_mille = *rc::gen::element(100U, 300U);
    tame_for_growing_states(model, options);
    std::vector<Operation> ops = history_of(model, options).operations();
    const int mutations = *rc::gen::inRange(0, 3);
    for (int i = 0; i < mutations; ++i) mutate_one_output(model, ops);
    // Both searches are exponential in the worst case, and a random history now and then is one
    // (a kv get no order can produce, behind unknown puts, costs both ~10^5 configurations).
    // Budgets in configurations and steps, not time, keep the test quick and deterministic; a
    // history over either budget is discarded (rare: RapidCheck fails if most cases are).
    const std::optional<bool> expected = testing::plain_search_linearizable(model, ops, 20'000);
    RC_PRE(expected.has_value());
    CheckOptions budget;
    int polls = 0;
    budget.out_of_time = [&] { return ++polls > 10; };
    Result<CheckResult> result = check_operations(model, ops, budget);
    RC_ASSERT(result.ok());
    RC_PRE(result->verdict != Verdict::unknown);
    RC_TAG(*expected);
    RC_ASSERT((result->verdict == Verdict::ok) == *expected);
}

// The list model's linear check against the general search on the same operations.
RC_GTEST_PROP(CheckProperty, ListLinearCheckAgreesWithSearch, ()) {
    const Model& model = *find_model("list");
    GenerateOptions options = random_options(40);
    options.keys = 1;
    std::vector<Operation> ops = history_of(model, options).operations();
    const int mutations = *rc::gen::inRange(0, 3);
    for (int i = 0; i < mutations; ++i) mutate_one_output(model, ops);
    std::vector<const Operation*> key_ops;
    for (const Operation& op : ops) {
        if (op.outcome != Outcome::fail && !model.is_unconstrained(op)) key_ops.push_back(&op);
    }
    std::optional<PartitionResult> fast = model.check_fast(key_ops);
    RC_ASSERT(fast.has_value());  // appended values are fresh
    // A budget of steps, not time, keeps the test deterministic; the search rarely needs it.
    std::uint64_t steps = 0;
    CheckOptions budget;
    int polls = 0;
    budget.out_of_time = [&] { return ++polls > 256; };
    const PartitionResult searched = search_partition(model, key_ops, budget, steps);
    RC_TAG(verdict_name(searched.verdict));
    RC_ASSERT(searched.verdict == Verdict::unknown || fast->verdict == searched.verdict);
}

}  // namespace
}  // namespace rq::check
