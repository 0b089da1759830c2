#pragma once
// A terse way to write histories in tests: each call is the next event, one time unit apart.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "check/checker.h"
#include "check/history.h"

namespace rq::check::testing {

class Builder {
public:
    Builder& invoke(ProcessId process, std::string f, Value input = {}, std::string key = "") {
        expect_ok(history_.invoke(process, ++time_, std::move(f), std::move(key), std::move(input)));
        return *this;
    }
    Builder& ok(ProcessId process, Value output = {}) {
        expect_ok(history_.complete(process, ++time_, Outcome::ok, std::move(output)));
        return *this;
    }
    Builder& fail(ProcessId process) {
        expect_ok(history_.complete(process, ++time_, Outcome::fail));
        return *this;
    }
    Builder& unknown(ProcessId process) {
        expect_ok(history_.complete(process, ++time_, Outcome::unknown));
        return *this;
    }
    // An operation that completes ok at once.
    Builder& call(ProcessId process, std::string f, Value input = {}, Value output = {}, std::string key = "") {
        return invoke(process, std::move(f), std::move(input), std::move(key)).ok(process, std::move(output));
    }

    [[nodiscard]] const History& history() const { return history_; }
    [[nodiscard]] std::vector<Operation> operations() const { return history_.operations(); }

private:
    static void expect_ok(const Status& status) { EXPECT_TRUE(status.ok()) << status.error().message(); }

    History history_;
    std::int64_t time_ = 0;
};

inline Value pair(Value a, Value b) { return Value(Value::List{std::move(a), std::move(b)}); }

inline CheckResult check(const char* model, const std::vector<Operation>& ops, const CheckOptions& options = {}) {
    Result<CheckResult> result = check_operations(*find_model(model), ops, options);
    EXPECT_TRUE(result.ok()) << result.error().message();
    return result.ok() ? *result : CheckResult{};
}

inline Verdict verdict(const char* model, const Builder& builder) { return check(model, builder.operations()).verdict; }

}  // namespace rq::check::testing
