// Date/time rendering as the Go driver does it (API.md §3.4): the layouts it accepts, the zone it
// keeps, the zero time for anything else, and integers as seconds or milliseconds.

#include <gtest/gtest.h>

#include "store/civil_time.h"
#include "store/column_values.h"

namespace rq::store {
namespace {

std::string from_text(std::string_view text) {
    auto rendered = rfc3339_from_text(text);
    return rendered.ok() ? *rendered : "error: " + rendered.error().message();
}

std::string from_integer(std::int64_t value) {
    auto rendered = rfc3339_from_integer(value);
    return rendered.ok() ? *rendered : "error: " + rendered.error().message();
}

TEST(ColumnValuesTest, AcceptsEveryDriverLayout) {
    EXPECT_EQ(from_text("2004-02-14"), "2004-02-14T00:00:00Z");
    EXPECT_EQ(from_text("2021-10-22 19:39"), "2021-10-22T19:39:00Z");
    EXPECT_EQ(from_text("2021-10-22T19:39"), "2021-10-22T19:39:00Z");
    EXPECT_EQ(from_text("2021-10-22 19:39:32"), "2021-10-22T19:39:32Z");
    EXPECT_EQ(from_text("2021-10-22T19:39:32"), "2021-10-22T19:39:32Z");
    EXPECT_EQ(from_text("2021-10-22 19:39:32.016087"), "2021-10-22T19:39:32.016087Z");
    EXPECT_EQ(from_text("2021-10-22T19:39:32.5"), "2021-10-22T19:39:32.5Z");
    EXPECT_EQ(from_text("2021-10-22 19:39:32.123456789123"), "2021-10-22T19:39:32.123456789Z");
    EXPECT_EQ(from_text("2021-10-22 19:39:32.000"), "2021-10-22T19:39:32Z");
    EXPECT_EQ(from_text("2021-10-22 19:39:32,25"), "2021-10-22T19:39:32.25Z");
}

TEST(ColumnValuesTest, KeepsTheWrittenZoneOffset) {
    EXPECT_EQ(from_text("2021-10-22 19:39:32-07:00"), "2021-10-22T19:39:32-07:00");
    EXPECT_EQ(from_text("2021-10-22T19:39:32.1+05:30"), "2021-10-22T19:39:32.1+05:30");
    EXPECT_EQ(from_text("2021-10-22T19:39:32+00:00"), "2021-10-22T19:39:32Z");
    EXPECT_EQ(from_text("2021-10-22T19:39:32Z"), "2021-10-22T19:39:32Z");
    EXPECT_EQ(from_text("2021-10-22T19:39:32.25Z"), "2021-10-22T19:39:32.25Z");
    // Offsets of 24 hours parse but cannot be marshalled, as in Go.
    EXPECT_EQ(from_text("2021-10-22T19:39:32+24:00"), "error: Time.MarshalText: timezone hour outside of range [0,23]");
}

TEST(ColumnValuesTest, HourMayHaveOneDigit) { EXPECT_EQ(from_text("2021-10-22 9:39:32"), "2021-10-22T09:39:32Z"); }

TEST(ColumnValuesTest, AnythingElseIsTheZeroTime) {
    for (std::string_view text : {"", "nonsense", "2021-13-01", "2021-02-29", "2021-02-00", "21-10-22", "2021-1-22",
                                  "2021-10-22 24:00", "2021-10-22 19:60", "2021-10-22 19:39:60", "2021-10-22 19:39:32 ",
                                  "2021-10-22 19:39+01:00", "2021-10-22T19:39:32+0100", "2021/10/22", "2021-10-22ZZ"}) {
        EXPECT_EQ(from_text(text), "0001-01-01T00:00:00Z") << text;
    }
    EXPECT_EQ(from_text("2020-02-29"), "2020-02-29T00:00:00Z");
}

TEST(ColumnValuesTest, IntegersAreSecondsOrMilliseconds) {
    EXPECT_EQ(from_integer(0), "1970-01-01T00:00:00Z");
    EXPECT_EQ(from_integer(1633000000), "2021-09-30T11:06:40Z");
    EXPECT_EQ(from_integer(-86401), "1969-12-30T23:59:59Z");
    EXPECT_EQ(from_integer(1'000'000'000'000), "error: Time.MarshalText: year outside of range [0,9999]");
    EXPECT_EQ(from_integer(1'000'000'000'001), "2001-09-09T01:46:40.001Z");
    EXPECT_EQ(from_integer(1700000000123), "2023-11-14T22:13:20.123Z");
    EXPECT_EQ(from_integer(-1'000'000'000'001), "1938-04-24T22:13:19.999Z");
}

TEST(ColumnValuesTest, ConversionFollowsTheExactDeclaredType) {
    EXPECT_EQ(conversion_for("date"), ColumnConversion::time);
    EXPECT_EQ(conversion_for("datetime"), ColumnConversion::time);
    EXPECT_EQ(conversion_for("timestamp"), ColumnConversion::time);
    EXPECT_EQ(conversion_for("datetime(6)"), ColumnConversion::none);
    EXPECT_EQ(conversion_for("boolean"), ColumnConversion::boolean);
    EXPECT_EQ(conversion_for("bool"), ColumnConversion::none);
    EXPECT_EQ(conversion_for("text"), ColumnConversion::text);
    EXPECT_EQ(conversion_for("varchar(10)"), ColumnConversion::text);
    EXPECT_EQ(conversion_for("clob"), ColumnConversion::text);
    EXPECT_EQ(conversion_for(""), ColumnConversion::none);
    EXPECT_EQ(conversion_for("blob"), ColumnConversion::none);
}

TEST(CivilTimeTest, RoundTripsDaysAcrossEras) {
    for (std::int64_t days = -800'000; days <= 800'000; days += 997) {
        const CivilTime civil = civil_from_unix(days * 86'400 + 3'661);
        EXPECT_EQ(days_from_civil(civil.year, civil.month, civil.day), days);
        EXPECT_EQ(civil.hour, 1);
        EXPECT_EQ(civil.minute, 1);
        EXPECT_EQ(civil.second, 1);
    }
}

}  // namespace
}  // namespace rq::store
