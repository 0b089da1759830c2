// The register workload: one row per key in `reg(k, v)`.

#include <cstdint>
#include <variant>

#include "sim/workload.h"

namespace rq::sim {

namespace {

constexpr std::uint64_t key_count = 5;

class RegisterWorkload final : public Workload {
public:
    const char* name() const override { return "register"; }
    std::vector<std::string> setup() const override {
        return {"CREATE TABLE IF NOT EXISTS reg (k TEXT PRIMARY KEY, v INTEGER)"};
    }

    Request next(Random& random) override {
        Request request;
        request.key = "k" + std::to_string(random.below(key_count));
        const std::uint64_t dice = random.below(10);
        if (dice < 4) {
            request.f = "read";
            request.batch = batch_of({bound("SELECT v FROM reg WHERE k = ?", {request.key})});
        } else if (dice < 7) {
            const std::int64_t value = next_value_++;
            request.f = "write";
            request.write = true;
            request.input = value;
            request.batch = batch_of({bound("INSERT OR REPLACE INTO reg (k, v) VALUES (?, ?)", {request.key, value})});
        } else {
            // Compare-and-set from a recent value, so that some succeed.
            const std::int64_t from = next_value_ - 1 - static_cast<std::int64_t>(random.below(4));
            const std::int64_t to = next_value_++;
            request.f = "cas";
            request.write = true;
            request.input = check::Value::List{from, to};
            request.batch = batch_of({bound("UPDATE reg SET v = ? WHERE k = ? AND v = ?", {to, request.key, from})});
        }
        return request;
    }

    Observation observe(const Request& request, const node::Reply& reply) const override {
        if (batch_error(reply) || reply.results.results.empty()) return {Observation::Kind::fail, {}};
        const store::StatementResult& result = reply.results.results.front();
        if (request.f == "write") return {Observation::Kind::ok, {}};
        if (request.f == "cas") return {Observation::Kind::ok, result.rows_affected == 1};
        if (result.row_count == 0) return {Observation::Kind::ok, nullptr};
        return {Observation::Kind::ok, integer_or_null(result.cell(0, 0))};
    }

    const check::Model* model() const override { return check::find_model("register"); }

private:
    std::int64_t next_value_ = 1;
};

}  // namespace

std::unique_ptr<Workload> make_register_workload() { return std::make_unique<RegisterWorkload>(); }

}  // namespace rq::sim
