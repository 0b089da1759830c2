#pragma once
// Invariant assertions that stay on in release builds.
//
// A broken invariant is a bug in this program, never an expected outcome: RQ_ASSERT prints the
// condition, where it failed and the values the caller passes, then aborts. Expected protocol
// outcomes and environment failures are returned values (see result.h), not assertions.

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

namespace rq::detail {

[[noreturn]] inline void assert_failed(const char* condition, const char* file, int line,
                                       const std::string& values) {
    std::fprintf(stderr, "assertion failed: %s at %s:%d%s%s\n", condition, file, line,
                 values.empty() ? "" : ": ", values.c_str());
    std::fflush(stderr);
    std::abort();
}

inline void describe_values(std::ostringstream&) {}

template <typename First, typename... Rest>
void describe_values(std::ostringstream& out, const First& first, const Rest&... rest) {
    out << first;
    if constexpr (sizeof...(rest) > 0) out << ' ';
    describe_values(out, rest...);
}

template <typename... Values>
std::string describe(const Values&... values) {
    std::ostringstream out;
    describe_values(out, values...);
    return out.str();
}

}  // namespace rq::detail

// RQ_ASSERT(cond) or RQ_ASSERT(cond, "label", value, ...): values are streamed with operator<<.
#define RQ_ASSERT(condition, ...)                                                        \
    do {                                                                                 \
        if (!(condition)) [[unlikely]] {                                                 \
            ::rq::detail::assert_failed(#condition, __FILE__, __LINE__,                  \
                                        ::rq::detail::describe(__VA_ARGS__));            \
        }                                                                                \
    } while (false)

#define RQ_UNREACHABLE(...) \
    ::rq::detail::assert_failed("unreachable", __FILE__, __LINE__, ::rq::detail::describe(__VA_ARGS__))
