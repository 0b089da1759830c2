#include "cmd/rqbench/workload.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <set>
#include <string>
#include <vector>

namespace rq::rqbench {
namespace {

Options with(std::vector<std::string> args) {
    Result<Options> options = parse_options(args);
    EXPECT_TRUE(options.ok()) << (options.ok() ? "" : options.error().message());
    return options.ok() ? options.value() : Options{};
}

// The statements of a body: each element's SQL and its parameters, re-encoded compactly.
std::vector<std::string> statements(const std::string& body) {
    simdjson::dom::parser parser;
    simdjson::dom::array array;
    EXPECT_EQ(parser.parse(body).get(array), simdjson::SUCCESS) << body;
    std::vector<std::string> out;
    for (simdjson::dom::element element : array) out.push_back(simdjson::minify(element));
    return out;
}

const std::string kValue(kValueBytes, 'v');

TEST(RqbenchWorkload, GivenStatementIsRepeatedBatchTimes) {
    const Workload workload = Workload::from_options(with({"-b", "3", "SELECT \"x\""}));
    EXPECT_TRUE(workload.setup_bodies().empty());
    EXPECT_EQ(workload.body(0), R"j(["SELECT \"x\"","SELECT \"x\"","SELECT \"x\""])j");
    EXPECT_EQ(workload.body(7), workload.body(0));
    EXPECT_EQ(workload.description(), "SELECT \"x\"");
}

TEST(RqbenchWorkload, OneShotRunsFirst) {
    const Workload workload = Workload::from_options(with({"-o", "CREATE TABLE foo(x)", "-p", "/db/query"}));
    ASSERT_GE(workload.setup_bodies().size(), 2u);
    EXPECT_EQ(workload.setup_bodies().front(), R"j(["CREATE TABLE foo(x)"])j");
    EXPECT_EQ(workload.setup_bodies()[1], R"j(["CREATE TABLE IF NOT EXISTS rqbench(id INTEGER PRIMARY KEY, v TEXT)"])j");
}

TEST(RqbenchWorkload, DefaultWriteInsertsOneRowPerStatement) {
    const Workload workload = Workload::from_options(with({"-b", "2"}));
    ASSERT_EQ(workload.setup_bodies().size(), 1u);
    EXPECT_EQ(workload.setup_bodies()[0], R"j(["CREATE TABLE IF NOT EXISTS rqbench(id INTEGER PRIMARY KEY, v TEXT)"])j");
    const std::string insert = R"j(["INSERT INTO rqbench(v) VALUES(?)",")j" + kValue + R"j("])j";
    EXPECT_EQ(statements(workload.body(0)), (std::vector<std::string>{insert, insert}));
}

TEST(RqbenchWorkload, DefaultReadPreloadsEveryRowOnceThenSelectsThemByKey) {
    const Workload workload = Workload::from_options(with({"-p", "/db/query", "-l", "none", "-rows", "1200", "-b", "4"}));
    const std::vector<std::string>& setup = workload.setup_bodies();
    ASSERT_EQ(setup.size(), 4u);  // the table, then 500 + 500 + 200 rows
    std::uint64_t next_id = 1;
    for (std::size_t i = 1; i < setup.size(); ++i) {
        for (const std::string& statement : statements(setup[i])) {
            EXPECT_EQ(statement, R"j(["INSERT OR REPLACE INTO rqbench(id, v) VALUES(?, ?)",)j" + std::to_string(next_id) +
                                     R"j(,")j" + kValue + R"j("])j");
            ++next_id;
        }
    }
    EXPECT_EQ(next_id, 1201u);

    std::set<std::string> distinct;
    for (std::uint64_t sequence = 0; sequence < 100; ++sequence) {
        const std::vector<std::string> selects = statements(workload.body(sequence));
        ASSERT_EQ(selects.size(), 4u);
        for (const std::string& select : selects) {
            const std::string prefix = R"j(["SELECT v FROM rqbench WHERE id=?",)j";
            ASSERT_EQ(select.substr(0, prefix.size()), prefix);
            const std::uint64_t id = std::stoull(select.substr(prefix.size()));
            EXPECT_GE(id, 1u);
            EXPECT_LE(id, 1200u);
            distinct.insert(select);
        }
        EXPECT_EQ(workload.body(sequence), workload.body(sequence));  // no randomness
    }
    EXPECT_GT(distinct.size(), 200u);  // spread over the keys, not one hot row
}

}  // namespace
}  // namespace rq::rqbench
