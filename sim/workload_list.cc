// The list workload: `lst(id INTEGER PRIMARY KEY, k, v)`; a key's list is its values in id order,
// which is the order the appends were applied (the same on every replica).

#include <cstdint>
#include <variant>

#include "sim/workload.h"

namespace rq::sim {

namespace {

constexpr std::uint64_t key_count = 4;

class ListWorkload final : public Workload {
public:
    const char* name() const override { return "list"; }
    std::vector<std::string> setup() const override {
        return {"CREATE TABLE IF NOT EXISTS lst (id INTEGER PRIMARY KEY, k TEXT, v INTEGER)"};
    }

    Request next(Random& random) override {
        Request request;
        request.key = "k" + std::to_string(random.below(key_count));
        if (random.chance(1, 2)) {
            request.f = "read";
            request.batch = batch_of({bound("SELECT v FROM lst WHERE k = ? ORDER BY id", {request.key})});
        } else {
            const std::int64_t value = next_value_++;
            request.f = "append";
            request.write = true;
            request.input = value;
            request.batch = batch_of({bound("INSERT INTO lst (k, v) VALUES (?, ?)", {request.key, value})});
        }
        return request;
    }

    Observation observe(const Request& request, const node::Reply& reply) const override {
        if (batch_error(reply) || reply.results.results.empty()) return {Observation::Kind::fail, {}};
        if (request.f == "append") return {Observation::Kind::ok, {}};
        const store::StatementResult& result = reply.results.results.front();
        check::Value::List values;
        for (std::size_t row = 0; row < result.row_count; ++row) {
            values.push_back(integer_or_null(result.cell(row, 0)));
        }
        return {Observation::Kind::ok, std::move(values)};
    }

    const check::Model* model() const override { return check::find_model("list"); }

private:
    std::int64_t next_value_ = 1;
};

}  // namespace

std::unique_ptr<Workload> make_list_workload() { return std::make_unique<ListWorkload>(); }

}  // namespace rq::sim
