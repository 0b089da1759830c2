#pragma once
// Distinct integer types for protocol numbers (Term, Index, NodeId, ...), so that a term can never be
// passed where an index is expected. Arithmetic is limited to what protocol code needs.

#include <compare>
#include <cstdint>
#include <functional>
#include <ostream>

namespace rq {

template <typename Tag, typename Rep = std::uint64_t>
class StrongInt {
public:
    using rep_type = Rep;

    constexpr StrongInt() = default;
    constexpr explicit StrongInt(Rep value) : value_(value) {}

    [[nodiscard]] constexpr Rep value() const { return value_; }

    constexpr auto operator<=>(const StrongInt&) const = default;

    constexpr StrongInt operator+(Rep delta) const { return StrongInt(value_ + delta); }
    constexpr StrongInt operator-(Rep delta) const { return StrongInt(value_ - delta); }
    // The distance between two values of the same kind is a plain number.
    constexpr Rep operator-(StrongInt other) const { return value_ - other.value_; }
    constexpr StrongInt& operator++() { ++value_; return *this; }
    constexpr StrongInt& operator--() { --value_; return *this; }
    constexpr StrongInt& operator+=(Rep delta) { value_ += delta; return *this; }

    friend std::ostream& operator<<(std::ostream& out, StrongInt v) { return out << v.value_; }

private:
    Rep value_ = 0;
};

}  // namespace rq

template <typename Tag, typename Rep>
struct std::hash<rq::StrongInt<Tag, Rep>> {
    std::size_t operator()(rq::StrongInt<Tag, Rep> v) const noexcept { return std::hash<Rep>{}(v.value()); }
};
