#include "store/civil_time.h"

namespace rq::store {
namespace {

constexpr std::int64_t nanos_per_second = 1'000'000'000;
constexpr std::int64_t seconds_per_day = 86'400;

// Floor division, so times before the epoch land on the right day.
std::int64_t floor_divide(std::int64_t value, std::int64_t divisor) {
    std::int64_t quotient = value / divisor;
    if ((value % divisor != 0) && ((value < 0) != (divisor < 0))) --quotient;
    return quotient;
}

}  // namespace

bool is_leap_year(std::int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(std::int64_t year, int month) {
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && is_leap_year(year)) return 29;
    return days[month - 1];
}

std::int64_t days_from_civil(std::int64_t year, int month, int day) {
    year -= month <= 2 ? 1 : 0;
    const std::int64_t era = floor_divide(year, 400);
    const std::int64_t year_of_era = year - era * 400;
    const std::int64_t shifted_month = month > 2 ? month - 3 : month + 9;
    const std::int64_t day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    const std::int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

CivilTime civil_from_unix_nanos(std::int64_t unix_nanos) {
    const std::int64_t seconds = floor_divide(unix_nanos, nanos_per_second);
    return civil_from_unix(seconds, unix_nanos - seconds * nanos_per_second);
}

CivilTime civil_from_unix(std::int64_t seconds, std::int64_t nanosecond) {
    const std::int64_t days = floor_divide(seconds, seconds_per_day);
    const std::int64_t second_of_day = seconds - days * seconds_per_day;

    const std::int64_t z = days + 719468;
    const std::int64_t era = floor_divide(z, 146097);
    const std::int64_t day_of_era = z - era * 146097;
    const std::int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const std::int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const std::int64_t shifted_month = (5 * day_of_year + 2) / 153;

    CivilTime civil;
    civil.day = static_cast<int>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
    civil.month = static_cast<int>(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
    civil.year = year_of_era + era * 400 + (civil.month <= 2 ? 1 : 0);
    civil.hour = static_cast<int>(second_of_day / 3600);
    civil.minute = static_cast<int>(second_of_day / 60 % 60);
    civil.second = static_cast<int>(second_of_day % 60);
    civil.nanosecond = nanosecond;
    return civil;
}

std::string zero_padded(std::int64_t value, int width) {
    const bool negative = value < 0;
    std::string digits = std::to_string(negative ? -value : value);
    if (digits.size() < static_cast<std::size_t>(width)) {
        digits.insert(0, static_cast<std::size_t>(width) - digits.size(), '0');
    }
    return negative ? "-" + digits : digits;
}

}  // namespace rq::store
