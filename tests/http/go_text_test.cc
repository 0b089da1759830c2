// Go's duration, integer and boolean syntax, as rqlite's flags and query parameters accept them.

#include <gtest/gtest.h>

#include "http/go_text.h"

namespace rq::http {
namespace {

using namespace std::chrono_literals;

env::Duration duration(std::string_view text) {
    std::string error;
    auto parsed = parse_go_duration(text, &error);
    EXPECT_TRUE(parsed.has_value()) << text << ": " << error;
    return parsed.value_or(env::Duration{-1});
}

std::string duration_error(std::string_view text) {
    std::string error;
    EXPECT_FALSE(parse_go_duration(text, &error).has_value()) << text;
    return error;
}

TEST(GoDuration, ParsesEveryUnitAndCombination) {
    EXPECT_EQ(duration("0"), 0ns);
    EXPECT_EQ(duration("0s"), 0ns);
    EXPECT_EQ(duration("0h"), 0ns);
    EXPECT_EQ(duration("100ms"), 100ms);
    EXPECT_EQ(duration("1s"), 1s);
    EXPECT_EQ(duration("1m30s"), 90s);
    EXPECT_EQ(duration("24h"), 24h);
    EXPECT_EQ(duration("1.5h"), 90min);
    EXPECT_EQ(duration(".5s"), 500ms);
    EXPECT_EQ(duration("1.s"), 1s);
    EXPECT_EQ(duration("7ns"), 7ns);
    EXPECT_EQ(duration("3us"), 3us);
    EXPECT_EQ(duration("3\xC2\xB5s"), 3us);
    EXPECT_EQ(duration("3\xCE\xBCs"), 3us);
    EXPECT_EQ(duration("-1.5s"), -1500ms);
    EXPECT_EQ(duration("+2m"), 2min);
    EXPECT_EQ(duration("1h2m3s4ms5us6ns"), 1h + 2min + 3s + 4ms + 5us + 6ns);
}

TEST(GoDuration, RefusesWhatGoRefuses) {
    EXPECT_EQ(duration_error(""), R"(time: invalid duration "")");
    EXPECT_EQ(duration_error("1"), R"(time: missing unit in duration "1")");
    EXPECT_EQ(duration_error("10x"), R"(time: unknown unit "x" in duration "10x")");
    EXPECT_EQ(duration_error("abc"), R"(time: invalid duration "abc")");
    EXPECT_EQ(duration_error(".s"), R"(time: invalid duration ".s")");
    EXPECT_EQ(duration_error("1 s"), R"(time: unknown unit " s" in duration "1 s")");
    EXPECT_EQ(duration_error("-"), R"(time: invalid duration "-")");
    EXPECT_EQ(duration_error("9999999999999999999h"), R"(time: invalid duration "9999999999999999999h")");
    EXPECT_EQ(duration_error("3000000h"), R"(time: invalid duration "3000000h")");  // overflows int64 ns
}

TEST(GoDuration, FormatsAsDurationString) {
    EXPECT_EQ(format_go_duration(0ns), "0s");
    EXPECT_EQ(format_go_duration(7ns), "7ns");
    EXPECT_EQ(format_go_duration(1500ns), "1.5\xC2\xB5s");
    EXPECT_EQ(format_go_duration(50ms), "50ms");
    EXPECT_EQ(format_go_duration(1500us), "1.5ms");
    EXPECT_EQ(format_go_duration(10s), "10s");
    EXPECT_EQ(format_go_duration(1500ms), "1.5s");
    EXPECT_EQ(format_go_duration(90s), "1m30s");
    EXPECT_EQ(format_go_duration(1h), "1h0m0s");
    EXPECT_EQ(format_go_duration(24h + 1ns), "24h0m0.000000001s");
    EXPECT_EQ(format_go_duration(-90s), "-1m30s");
}

TEST(GoDuration, FormatThenParseRoundTrips) {
    for (const env::Duration d : {env::Duration{1}, env::Duration{999}, env::Duration{123456789},
                                  env::Duration{86'400'000'000'123}, env::Duration{-5'000'000'001}}) {
        EXPECT_EQ(duration(format_go_duration(d)), d) << format_go_duration(d);
    }
}

TEST(GoIntegers, DecimalOnlyForAtoi) {
    EXPECT_EQ(parse_go_decimal_int("42"), 42);
    EXPECT_EQ(parse_go_decimal_int("-7"), -7);
    EXPECT_EQ(parse_go_decimal_int("+7"), 7);
    EXPECT_EQ(parse_go_decimal_int("9223372036854775807"), INT64_MAX);
    EXPECT_EQ(parse_go_decimal_int("-9223372036854775808"), INT64_MIN);
    EXPECT_FALSE(parse_go_decimal_int("9223372036854775808"));
    EXPECT_FALSE(parse_go_decimal_int("0x10"));
    EXPECT_FALSE(parse_go_decimal_int("1_000"));
    EXPECT_FALSE(parse_go_decimal_int(""));
    EXPECT_FALSE(parse_go_decimal_int("12a"));
}

TEST(GoIntegers, BaseZeroForFlags) {
    EXPECT_EQ(parse_go_int("0x10"), 16);
    EXPECT_EQ(parse_go_int("0o17"), 15);
    EXPECT_EQ(parse_go_int("017"), 15);
    EXPECT_EQ(parse_go_int("0b101"), 5);
    EXPECT_EQ(parse_go_int("1_000"), std::nullopt);  // underscores only with a base prefix
    EXPECT_EQ(parse_go_int("0x1_0"), 16);
    EXPECT_EQ(parse_go_int("-0x10"), -16);
    EXPECT_EQ(parse_go_int("0"), 0);
    EXPECT_FALSE(parse_go_int("08"));
    EXPECT_EQ(parse_go_uint("18446744073709551615"), UINT64_MAX);
    EXPECT_FALSE(parse_go_uint("18446744073709551616"));
    EXPECT_FALSE(parse_go_uint("-1"));
}

TEST(GoBool, AcceptsStrconvSpellings) {
    for (const char* yes : {"1", "t", "T", "TRUE", "true", "True"}) EXPECT_EQ(parse_go_bool(yes), true) << yes;
    for (const char* no : {"0", "f", "F", "FALSE", "false", "False"}) EXPECT_EQ(parse_go_bool(no), false) << no;
    for (const char* bad : {"yes", "tRUE", "", "2"}) EXPECT_FALSE(parse_go_bool(bad)) << bad;
}

}  // namespace
}  // namespace rq::http
