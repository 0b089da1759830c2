// Request bodies become statements with every JSON type bound as rqlite binds it (API.md §3.1).

#include <gtest/gtest.h>

#include "http/request_parser.h"

namespace rq::http {
namespace {

using store::Blob;
using store::Parameter;
using store::Statement;
using store::Value;

std::vector<Statement> parse(std::string_view body) {
    StatementParser parser;
    auto statements = parser.parse(body);
    EXPECT_TRUE(statements.ok()) << body << ": " << (statements.ok() ? "" : statements.error().message());
    return statements.ok() ? std::move(statements).value() : std::vector<Statement>{};
}

std::string refusal(std::string_view body) {
    StatementParser parser;
    auto statements = parser.parse(body);
    EXPECT_FALSE(statements.ok()) << body;
    return statements.ok() ? "" : statements.error().message();
}

Statement statement(std::string sql, std::vector<Parameter> parameters = {}) {
    return Statement{std::move(sql), std::move(parameters), false};
}
Parameter positional(Value value) { return Parameter{"", std::move(value)}; }
Parameter named(std::string name, Value value) { return Parameter{std::move(name), std::move(value)}; }

TEST(StatementParser, ArrayOfStrings) {
    EXPECT_EQ(parse(R"j(["CREATE TABLE foo (id INTEGER)", "INSERT INTO foo VALUES(1)"])j"),
              (std::vector<Statement>{statement("CREATE TABLE foo (id INTEGER)"), statement("INSERT INTO foo VALUES(1)")}));
}

TEST(StatementParser, ParameterizedAndPlainMixed) {
    EXPECT_EQ(parse(R"j([["INSERT INTO foo(name, age) VALUES(?, ?)", "fiona", 20], "INSERT INTO foo(name) VALUES(\"sinead\")"])j"),
              (std::vector<Statement>{
                  statement("INSERT INTO foo(name, age) VALUES(?, ?)", {positional(std::string("fiona")), positional(std::int64_t{20})}),
                  statement("INSERT INTO foo(name) VALUES(\"sinead\")")}));
}

TEST(StatementParser, EveryJsonTypeBindsAsRqliteBindsIt) {
    const auto statements =
        parse(R"([["SELECT ?,?,?,?,?,?,?,?,?,?,?", 7, -3, 1.5, 1.0, 1e3, true, false, null, "text", "x'DEADbeef'", [1, 255, 0]]])");
    ASSERT_EQ(statements.size(), 1u);
    const std::vector<Parameter> expected = {
        positional(std::int64_t{7}),  positional(std::int64_t{-3}), positional(1.5),  positional(1.0),
        positional(1000.0),           positional(true),             positional(false), positional(std::monostate{}),
        positional(std::string("text")), positional(Blob{"\xDE\xAD\xBE\xEF"}), positional(Blob{std::string("\x01\xFF\x00", 3)})};
    EXPECT_EQ(statements[0].parameters, expected);
}

TEST(StatementParser, IntegersBeyondInt64AreReal) {
    const auto statements = parse(R"([["SELECT ?, ?", 9223372036854775807, 18446744073709551615]])");
    ASSERT_EQ(statements.size(), 1u);
    EXPECT_EQ(statements[0].parameters[0].value, Value(std::int64_t{9223372036854775807}));
    EXPECT_EQ(statements[0].parameters[1].value, Value(18446744073709551615.0));
}

TEST(StatementParser, NamedParametersFromObjects) {
    const auto statements = parse(R"([["SELECT * FROM foo WHERE name=:name AND age=:age", {"name": "fiona", "age": 20, "name": "last"}]])");
    ASSERT_EQ(statements.size(), 1u);
    EXPECT_EQ(statements[0].parameters,
              (std::vector<Parameter>{named("age", std::int64_t{20}), named("name", std::string("last"))}));
}

TEST(StatementParser, PositionalAndNamedMixed) {
    const auto statements = parse(R"([["SELECT ?, :a", 1, {"a": 2}]])");
    ASSERT_EQ(statements.size(), 1u);
    EXPECT_EQ(statements[0].parameters, (std::vector<Parameter>{positional(std::int64_t{1}), named("a", std::int64_t{2})}));
}

TEST(StatementParser, HexBlobLiteralsOnlyWhenWellFormed) {
    EXPECT_EQ(hex_blob_literal("  x'00ff'  "), std::string("\x00\xff", 2));
    EXPECT_EQ(hex_blob_literal("X''"), std::string());
    EXPECT_FALSE(hex_blob_literal("x'abc'"));   // odd number of digits
    EXPECT_FALSE(hex_blob_literal("x'zz'"));
    EXPECT_FALSE(hex_blob_literal("x'00"));
    EXPECT_FALSE(hex_blob_literal("'00'"));
    const auto statements = parse(R"([["SELECT ?", "x'abc'"]])");
    EXPECT_EQ(statements.at(0).parameters.at(0).value, Value(std::string("x'abc'")));
}

TEST(StatementParser, EmptySqlIsKeptForTheStoreToSkip) {
    EXPECT_EQ(parse(R"(["", "SELECT 1"])"), (std::vector<Statement>{statement(""), statement("SELECT 1")}));
}

TEST(StatementParser, UnicodeSurvives) {
    const auto statements = parse(R"j([["INSERT INTO t VALUES(?)", "h\u00e9llo \u65e5\u672c \ud83d\ude00"]])j");
    EXPECT_EQ(statements.at(0).parameters.at(0).value, Value(std::string("h\xC3\xA9llo \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80")));
}

TEST(StatementParser, RqliteRefusals) {
    EXPECT_EQ(refusal(""), "invalid JSON body");
    EXPECT_EQ(refusal("[\"SELECT 1\""), "invalid JSON body");
    EXPECT_EQ(refusal("not json"), "invalid JSON body");
    EXPECT_EQ(refusal("{\"a\": 1}"), "invalid request");
    EXPECT_EQ(refusal("\"SELECT 1\""), "invalid request");
    EXPECT_EQ(refusal("42"), "invalid request");
    EXPECT_EQ(refusal("[]"), "no statements");
    EXPECT_EQ(refusal("[1]"), "invalid request");
    EXPECT_EQ(refusal("[{\"sql\": \"SELECT 1\"}]"), "invalid request");
    EXPECT_EQ(refusal("[[]]"), "invalid request");
    EXPECT_EQ(refusal("[[1, 2]]"), "invalid request");
    EXPECT_EQ(refusal("[[\"SELECT ?\", {\"a\": {\"b\": 1}}]]"), "unsupported type");
    EXPECT_EQ(refusal("[[\"SELECT ?\", [1, \"x\"]]]"), "unsupported type");
    EXPECT_EQ(refusal("[[\"SELECT ?\", [256]]]"), "unsupported type");
    EXPECT_EQ(refusal("[[\"SELECT ?\", [-1]]]"), "unsupported type");
    EXPECT_EQ(refusal("[[\"SELECT ?\", [1.5]]]"), "unsupported type");
}

// Found by http_request_fuzzer: an empty view without storage (data() == nullptr) reached
// simdjson, which copies the body with memcpy(buffer, nullptr, 0): undefined behaviour, which
// UBSan (RQ_SANITIZE=ON) stops at.
TEST(StatementParser, EmptyViewWithoutStorage) {
    EXPECT_EQ(refusal(std::string_view{}), "invalid JSON body");
    EXPECT_FALSE(parse_string_object(std::string_view{}));
}

TEST(StatementParser, ParserIsReusable) {
    StatementParser parser;
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(parser.parse(R"(["SELECT 1"])").ok());
        EXPECT_FALSE(parser.parse("[").ok());
    }
}

TEST(StringObject, RemoveBodies) {
    EXPECT_EQ(parse_string_object(R"({"id":"node1"})"), (std::map<std::string, std::string>{{"id", "node1"}}));
    EXPECT_FALSE(parse_string_object(R"({"id":1})"));
    EXPECT_FALSE(parse_string_object(R"(["id"])"));
    EXPECT_FALSE(parse_string_object("{"));
}

}  // namespace
}  // namespace rq::http
