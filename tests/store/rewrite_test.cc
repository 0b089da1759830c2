// Non-deterministic SQL rewriting (API.md §8): each function, what is left alone, and determinism.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <regex>

#include "store/rewrite.h"
#include "store_test_util.h"

namespace rq::store {
namespace {

// 2023-11-14 22:13:20.123 UTC.
constexpr env::Duration now = std::chrono::milliseconds(1'700'000'000'123);

std::string rewrite(std::string_view sql, RewriteOptions options = {}, std::uint64_t seed = 1) {
    Random random(seed);
    return rewrite_sql(sql, options, now, random);
}

TEST(RewriteTest, RandomBecomesAnIntegerLiteral) {
    const std::string out = rewrite("INSERT INTO foo(col1) VALUES (random())");
    EXPECT_TRUE(std::regex_match(out, std::regex(R"j(INSERT INTO foo\(col1\) VALUES \((\d+|\(-\d+\))\))j"))) << out;
}

TEST(RewriteTest, EachRandomCallSiteGetsItsOwnValue) {
    const std::string out = rewrite("SELECT RANDOM(), Random ( /* c */ ), random()");
    std::smatch match;
    ASSERT_TRUE(std::regex_match(out, match, std::regex(R"j(SELECT (\S+), (\S+), (\S+))j"))) << out;
    EXPECT_NE(match[1], match[2]);
    EXPECT_NE(match[2], match[3]);
}

TEST(RewriteTest, NegativeRandomCannotBecomeAComment) {
    // Over many seeds some values are negative: "5-RANDOM()" must never read "5--123".
    bool saw_negative = false;
    for (std::uint64_t seed = 0; seed < 64; ++seed) {
        const std::string out = rewrite("SELECT 5-RANDOM()", {}, seed);
        EXPECT_EQ(out.find("--"), std::string::npos) << out;
        saw_negative = saw_negative || out.find("(-") != std::string::npos;
    }
    EXPECT_TRUE(saw_negative);
}

TEST(RewriteTest, RandomBlobWithLiteralSizeBecomesABlobLiteral) {
    EXPECT_TRUE(std::regex_match(rewrite("SELECT randomblob(4)"), std::regex("SELECT x'[0-9a-f]{8}'")));
    EXPECT_TRUE(std::regex_match(rewrite("SELECT RANDOMBLOB( 0 )"), std::regex("SELECT x'[0-9a-f]{2}'")));
    // Not a literal, or too large for a literal: left for the apply-time generator.
    EXPECT_EQ(rewrite("SELECT randomblob(n) FROM t"), "SELECT randomblob(n) FROM t");
    EXPECT_EQ(rewrite("SELECT randomblob(-1)"), "SELECT randomblob(-1)");
    EXPECT_EQ(rewrite("SELECT randomblob(1000000)"), "SELECT randomblob(1000000)");
}

TEST(RewriteTest, NowBecomesAJulianDayNumber) {
    EXPECT_EQ(julian_day_literal(now), "2460263.425927350");
    EXPECT_EQ(rewrite("SELECT datetime('now')"), "SELECT datetime(2460263.425927350)");
    EXPECT_EQ(rewrite("SELECT date('NOW'), time(now), julianday(\"now\"), unixepoch('now', 'subsec')"),
              "SELECT date(2460263.425927350), time(2460263.425927350), julianday(2460263.425927350), "
              "unixepoch(2460263.425927350, 'subsec')");
    EXPECT_EQ(rewrite("SELECT datetime('now', '+1 day')"), "SELECT datetime(2460263.425927350, '+1 day')");
    EXPECT_EQ(rewrite("SELECT strftime('%Y', 'now'), timediff('now', 'now')"),
              "SELECT strftime('%Y', 2460263.425927350), timediff(2460263.425927350, 2460263.425927350)");
    EXPECT_EQ(rewrite("SELECT strftime('now', now || 'x')"), "SELECT strftime('now', now || 'x')");
}

TEST(RewriteTest, CurrentTimeKeywordsBecomeText) {
    EXPECT_EQ(rewrite("INSERT INTO t VALUES(CURRENT_TIMESTAMP, current_date, Current_Time)"),
              "INSERT INTO t VALUES('2023-11-14 22:13:20', '2023-11-14', '22:13:20')");
}

TEST(RewriteTest, RewrittenTimeMatchesWhatSqliteComputesForNow) {
    // The literal must denote the same millisecond SQLite would have used for 'now'.
    env::ManualClock clock(now);
    auto store = testing::open_memory_store(clock);
    const std::string probe = "SELECT strftime('%Y-%m-%d %H:%M:%f', 'now'), julianday('now'), unixepoch('now'), "
                              "CURRENT_TIMESTAMP, date('now')";
    auto native = store->query(testing::batch({testing::sql(probe)}));
    auto rewritten = store->query(testing::batch({testing::sql(rewrite(probe))}));
    ASSERT_TRUE(native.ok() && rewritten.ok());
    for (std::size_t c = 0; c < native->results[0].width(); ++c) {
        EXPECT_EQ(native->results[0].cell(0, c), rewritten->results[0].cell(0, c)) << c;
    }
    EXPECT_EQ(native->results[0].cell(0, 0), Value(std::string("2023-11-14 22:13:20.123")));
}

TEST(RewriteTest, StringsIdentifiersAndCommentsAreUntouched) {
    for (std::string_view sql : {
             "SELECT 'random()', 'datetime(''now'')', 'CURRENT_TIMESTAMP'",
             "SELECT \"random()\", [datetime('now')], `CURRENT_DATE` FROM t",
             "SELECT 1 -- random() datetime('now') CURRENT_TIME",
             "SELECT 1 /* random() CURRENT_TIME */",
             "SELECT x'72616e646f6d28292063757272656e745f74696d65'",
             "SELECT random FROM t WHERE now = 1",
             "SELECT datetime(x) FROM t",
             "SELECT datetime('now ') FROM t",
             "INSERT INTO date(now) VALUES(1)",
             "INSERT INTO main.random() VALUES(1)",
         }) {
        EXPECT_EQ(rewrite(sql), sql);
    }
}

TEST(RewriteTest, RandomInOrderByIsLeftAlone) {
    EXPECT_EQ(rewrite("SELECT * FROM t ORDER BY random() LIMIT 1"), "SELECT * FROM t ORDER BY random() LIMIT 1");
    EXPECT_EQ(rewrite("SELECT * FROM t ORDER BY a, abs(RANDOM())"), "SELECT * FROM t ORDER BY a, abs(RANDOM())");
    // ...but only inside the ordering terms.
    const std::string out = rewrite("SELECT random() FROM (SELECT a FROM t ORDER BY random()) ORDER BY 1 LIMIT random()");
    EXPECT_TRUE(std::regex_match(out, std::regex(R"j(SELECT \S+ FROM \(SELECT a FROM t ORDER BY random\(\)\) ORDER BY 1 LIMIT [^r]+)j")))
        << out;
}

TEST(RewriteTest, SchemaStatementsKeepTheirExpressions) {
    for (std::string_view sql : {
             "CREATE TABLE t (id INTEGER, ts TEXT DEFAULT CURRENT_TIMESTAMP, d TEXT DEFAULT (datetime('now')))",
             "CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log VALUES(random(), datetime('now')); END",
             "CREATE VIEW v AS SELECT random(), CURRENT_DATE",
             "ALTER TABLE t ADD COLUMN r DEFAULT (random())",
             "EXPLAIN CREATE TABLE t (a DEFAULT CURRENT_TIME)",
         }) {
        EXPECT_EQ(rewrite(sql), sql);
    }
    // The next statement in the same text is rewritten as usual.
    EXPECT_EQ(rewrite("CREATE TABLE t (a DEFAULT CURRENT_DATE); INSERT INTO t VALUES(CURRENT_DATE)"),
              "CREATE TABLE t (a DEFAULT CURRENT_DATE); INSERT INTO t VALUES('2023-11-14')");
}

TEST(RewriteTest, OptOutsDisableEachKind) {
    const std::string sql = "SELECT random(), datetime('now'), CURRENT_TIME";
    EXPECT_EQ(rewrite(sql, RewriteOptions{false, false}), sql);
    const std::string no_random = rewrite(sql, RewriteOptions{false, true});
    EXPECT_EQ(no_random, "SELECT random(), datetime(2460263.425927350), '22:13:20'");
    const std::string no_time = rewrite(sql, RewriteOptions{true, false});
    EXPECT_TRUE(std::regex_match(no_time, std::regex(R"j(SELECT [-\d()]+, datetime\('now'\), CURRENT_TIME)j"))) << no_time;
}

TEST(RewriteTest, BatchUsesOneTimestampAndOneGenerator) {
    StatementBatch batch = testing::batch({testing::sql("SELECT datetime('now'), random()"), testing::sql("SELECT 1"),
                                           testing::sql("SELECT CURRENT_DATE, random()")});
    Random random(7);
    rewrite_batch(batch, {}, now, random);
    EXPECT_EQ(batch.statements[1].sql, "SELECT 1");
    EXPECT_NE(batch.statements[0].sql.find("datetime(2460263.425927350)"), std::string::npos);
    EXPECT_NE(batch.statements[2].sql.find("'2023-11-14'"), std::string::npos);
}

RC_GTEST_PROP(RewriteProperty, SameInputsGiveSameBytes, (std::string noise, std::uint64_t seed, std::int64_t millis)) {
    const std::string sql = "SELECT random(), randomblob(3), datetime('now'), CURRENT_TIMESTAMP, '" + noise + "'";
    Random first(seed);
    Random second(seed);
    const env::Duration time = std::chrono::milliseconds(millis % 4'000'000'000'000);
    RC_ASSERT(rewrite_sql(sql, {}, time, first) == rewrite_sql(sql, {}, time, second));
}

RC_GTEST_PROP(RewriteProperty, StringLiteralsAndCommentsAreNeverTouched, (std::string noise)) {
    std::string literal;
    for (char c : noise) literal += c == '\'' ? std::string("''") : std::string(1, c);
    std::string comment = noise;
    for (std::size_t at = comment.find("*/"); at != std::string::npos; at = comment.find("*/")) comment.erase(at, 2);
    const std::string sql = "SELECT 'random() " + literal + " now' /* CURRENT_TIME " + comment + " */";
    Random random(1);
    RC_ASSERT(rewrite_sql(sql, {}, now, random) == sql);
}

RC_GTEST_PROP(RewriteProperty, ArbitraryTextNeverBreaksTheRewriter, (std::string text)) {
    Random random(3);
    const std::string out = rewrite_sql(text + " random() 'now' CURRENT_TIME", {}, now, random);
    RC_ASSERT(!out.empty());
}

}  // namespace
}  // namespace rq::store
