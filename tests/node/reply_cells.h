#pragma once
// The first cell of a query's reply, for the node tests: a failed reply is a test failure too.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <variant>

#include "node/driver.h"

namespace rq::node::testing {

// The first cell as an integer; -1 when the reply failed, has no rows or holds something else.
inline std::int64_t count_of(const Reply& reply) {
    EXPECT_TRUE(reply.ok()) << failure_name(reply.failure) << ": " << reply.message;
    if (!reply.ok() || reply.results.results.empty() || reply.results.results[0].row_count == 0) return -1;
    const auto& value = reply.results.results[0].cell(0, 0);
    return std::holds_alternative<std::int64_t>(value) ? std::get<std::int64_t>(value) : -1;
}

// The first cell as text; "" when the reply failed, has no rows or holds something else.
inline std::string text_of(const Reply& reply) {
    EXPECT_TRUE(reply.ok()) << failure_name(reply.failure) << ": " << reply.message;
    if (!reply.ok() || reply.results.results.empty() || reply.results.results[0].row_count == 0) return "";
    const auto& value = reply.results.results[0].cell(0, 0);
    return std::holds_alternative<std::string>(value) ? std::get<std::string>(value) : "";
}

}  // namespace rq::node::testing
