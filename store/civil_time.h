#pragma once
// Calendar arithmetic on the proleptic Gregorian calendar in UTC, without the C library (whose
// gmtime depends on the process's environment and is not thread-safe). Days-from-civil after Howard
// Hinnant's public-domain algorithms.

#include <cstdint>
#include <string>

namespace rq::store {

struct CivilTime {
    std::int64_t year = 1970;
    int month = 1;   // 1..12
    int day = 1;     // 1..31
    int hour = 0;
    int minute = 0;
    int second = 0;
    std::int64_t nanosecond = 0;
};

// Days since 1970-01-01 of a calendar date.
[[nodiscard]] std::int64_t days_from_civil(std::int64_t year, int month, int day);

// The UTC calendar time `unix_seconds` (+ `nanosecond` in [0, 1e9)) after the Unix epoch; negative
// values are before it. Valid for any |unix_seconds| below about 1e15.
[[nodiscard]] CivilTime civil_from_unix(std::int64_t unix_seconds, std::int64_t nanosecond = 0);

// The same for a count of nanoseconds since the epoch.
[[nodiscard]] CivilTime civil_from_unix_nanos(std::int64_t unix_nanos);

[[nodiscard]] bool is_leap_year(std::int64_t year);
[[nodiscard]] int days_in_month(std::int64_t year, int month);

// Zero-padded decimal of `value` with at least `width` digits.
[[nodiscard]] std::string zero_padded(std::int64_t value, int width);

}  // namespace rq::store
