// Query strings are read as Go's url.ParseQuery reads them and validated as rqlite validates them
// before routing (API.md §2.3).

#include <gtest/gtest.h>

#include "http/query_params.h"

namespace rq::http {
namespace {

using namespace std::chrono_literals;

QueryParams parse(std::string_view query) {
    auto params = QueryParams::parse(query);
    EXPECT_TRUE(params.ok()) << query << ": " << (params.ok() ? "" : params.error().message());
    return params.ok() ? std::move(params).value() : QueryParams{};
}

std::string parse_error(std::string_view query) {
    auto params = QueryParams::parse(query);
    EXPECT_FALSE(params.ok()) << query;
    return params.ok() ? "" : params.error().message();
}

TEST(QueryParams, BooleansArePresenceBased) {
    const QueryParams params = parse("pretty=false&timings&transaction=no&associative=1");
    EXPECT_TRUE(params.pretty());
    EXPECT_TRUE(params.timings());
    EXPECT_TRUE(params.transaction());
    EXPECT_TRUE(params.associative());
    EXPECT_FALSE(params.blob_array());
    EXPECT_FALSE(params.redirect());
}

TEST(QueryParams, KeysAreCaseSensitiveAndFirstValueWins) {
    const QueryParams params = parse("Pretty&level=none&level=strong");
    EXPECT_FALSE(params.pretty());
    EXPECT_EQ(params.level(), ReadLevel::none);
}

TEST(QueryParams, DecodesPercentAndPlus) {
    const QueryParams params = parse("q=SELECT+*+FROM+foo%20WHERE+id%3D1");
    EXPECT_EQ(params.query(), "SELECT * FROM foo WHERE id=1");
    EXPECT_EQ(parse("q=%E6%97%A5").query(), "\xE6\x97\xA5");
}

TEST(QueryParams, LevelIsCaseInsensitiveWithWeakDefault) {
    EXPECT_EQ(parse("").level(), ReadLevel::weak);
    EXPECT_EQ(parse("level=NONE").level(), ReadLevel::none);
    EXPECT_EQ(parse("level=Linearizable").level(), ReadLevel::linearizable);
    EXPECT_EQ(parse("level=strong").level(), ReadLevel::strong);
    EXPECT_EQ(parse("level=auto").level(), ReadLevel::automatic);
    EXPECT_EQ(parse("level=bogus").level(), ReadLevel::weak);
}

TEST(QueryParams, DurationsAndIntegers) {
    const QueryParams params = parse("timeout=2s&db_timeout=150ms&freshness=1m30s&retries=3&trailing_logs=10");
    EXPECT_EQ(params.duration("timeout", 30s), 2s);
    EXPECT_EQ(params.duration("db_timeout", 0s), 150ms);
    EXPECT_EQ(params.duration("freshness", 0s), 90s);
    EXPECT_EQ(params.duration("linearizable_timeout", 10s), 10s);
    EXPECT_EQ(params.integer("retries", 0), 3);
    EXPECT_EQ(params.integer("trailing_logs", 0), 10);
}

TEST(QueryParams, RqliteValidationMessages) {
    EXPECT_EQ(parse_error("freshness_strict"), "freshness_strict requires freshness");
    EXPECT_EQ(parse_error("timeout=5"), "timeout is not a valid duration");
    EXPECT_EQ(parse_error("freshness=abc"), "freshness is not a valid duration");
    EXPECT_EQ(parse_error("db_timeout=1x"), "db_timeout is not a valid duration");
    EXPECT_EQ(parse_error("linearizable_timeout="), "linearizable_timeout is not a valid duration");
    EXPECT_EQ(parse_error("retries=two"), "retries is not a valid integer");
    EXPECT_EQ(parse_error("trailing_logs=1.5"), "trailing_logs is not a valid integer");
    EXPECT_EQ(parse_error("q="), "query parameter not set");
    EXPECT_EQ(parse_error("q"), "query parameter not set");
}

TEST(QueryParams, GoParseErrors) {
    EXPECT_EQ(parse_error("q=%zz"), R"(invalid URL escape "%zz")");
    EXPECT_EQ(parse_error("pretty&q=%4"), R"(invalid URL escape "%4")");
    EXPECT_EQ(parse_error("a=1;b=2"), "invalid semicolon separator in query");
    // The semicolon error replaces an earlier escape error, as in Go.
    EXPECT_EQ(parse_error("q=%zz&a;b"), "invalid semicolon separator in query");
}

TEST(QueryParams, EmptyPiecesAreIgnored) {
    const QueryParams params = parse("&&pretty&&");
    EXPECT_TRUE(params.pretty());
    EXPECT_TRUE(parse("freshness_strict&freshness=1s").freshness_strict());
}

TEST(PathUnescape, DecodesWithoutPlusRule) {
    EXPECT_EQ(path_unescape("/db/%71uery"), "/db/query");
    EXPECT_EQ(path_unescape("/a+b"), "/a+b");
    EXPECT_FALSE(path_unescape("/%g0"));
}

}  // namespace
}  // namespace rq::http
