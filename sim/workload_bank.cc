// The bank workload: `bank(id, bal)`, five accounts of 100. A transfer moves an amount between two
// accounts in one transaction; a read returns every balance, whose sum must stay 500 everywhere.

#include <cstdint>
#include <variant>

#include "sim/workload.h"

namespace rq::sim {

namespace {

constexpr std::int64_t account_count = 5;
constexpr std::int64_t opening_balance = 100;

class BankWorkload final : public Workload {
public:
    const char* name() const override { return "bank"; }
    std::vector<std::string> setup() const override {
        std::string insert = "INSERT OR IGNORE INTO bank (id, bal) VALUES ";
        for (std::int64_t i = 0; i < account_count; ++i) {
            insert += (i ? ", (" : "(") + std::to_string(i) + ", " + std::to_string(opening_balance) + ")";
        }
        return {"CREATE TABLE IF NOT EXISTS bank (id INTEGER PRIMARY KEY, bal INTEGER NOT NULL)", insert};
    }

    Request next(Random& random) override {
        Request request;
        request.key = "bank";
        if (random.chance(1, 2)) {
            request.f = "read";
            request.batch = batch_of({"SELECT bal FROM bank ORDER BY id"});
            return request;
        }
        const auto from = static_cast<std::int64_t>(random.below(account_count));
        const auto to = (from + 1 + static_cast<std::int64_t>(random.below(account_count - 1))) % account_count;
        const auto amount = static_cast<std::int64_t>(random.between(1, 20));
        request.f = "transfer";
        request.write = true;
        request.input = check::Value::List{from, to, amount};
        request.batch = batch_of({bound("UPDATE bank SET bal = bal - ? WHERE id = ?", {amount, from}),
                                  bound("UPDATE bank SET bal = bal + ? WHERE id = ?", {amount, to})},
                                 true);
        return request;
    }

    Observation observe(const Request& request, const node::Reply& reply) const override {
        if (batch_error(reply) || reply.results.results.empty()) return {Observation::Kind::fail, {}};
        if (request.f == "transfer") return {Observation::Kind::ok, {}};
        const store::StatementResult& result = reply.results.results.front();
        check::Value::List balances;
        for (std::size_t row = 0; row < result.row_count; ++row) {
            balances.push_back(integer_or_null(result.cell(row, 0)));
        }
        return {Observation::Kind::ok, std::move(balances)};
    }

    const check::Model* model() const override { return nullptr; }

    std::string invariant_violation(const Request& request, const check::Value& output) const override {
        if (request.f != "read" || !output.is_list()) return {};
        std::int64_t total = 0;
        for (const check::Value& balance : output.as_list()) {
            if (!balance.is_int()) return "a balance is not an integer: " + output.to_json();
            total += balance.as_int();
        }
        if (output.as_list().size() == static_cast<std::size_t>(account_count) && total == account_count * opening_balance) {
            return {};
        }
        return "bank total " + std::to_string(total) + " over " + std::to_string(output.as_list().size()) +
               " accounts, expected " + std::to_string(account_count * opening_balance) + " over " +
               std::to_string(account_count) + ": " + output.to_json();
    }
};

}  // namespace

std::unique_ptr<Workload> make_bank_workload() { return std::make_unique<BankWorkload>(); }

}  // namespace rq::sim
