#pragma once
// The values that operations take and return, and that models hold as state: null, a boolean, a
// 64-bit integer, a string, or a list of values. The same shapes as the JSON of a history line
// (floats and objects are not values: no workload needs them).

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace rq::check {

class Value {
public:
    using List = std::vector<Value>;
    enum class Kind : std::uint8_t { null, boolean, integer, string, list };

    Value() = default;  // null
    Value(std::nullptr_t) {}  // NOLINT: implicit by design, reads as JSON
    Value(bool b) : data_(b) {}  // NOLINT
    template <std::integral T>
        requires(!std::same_as<T, bool>)
    Value(T i) : data_(static_cast<std::int64_t>(i)) {}  // NOLINT
    Value(const char* s) : data_(std::string(s)) {}  // NOLINT
    Value(std::string_view s) : data_(std::string(s)) {}  // NOLINT
    Value(std::string s) : data_(std::move(s)) {}  // NOLINT
    Value(List l) : data_(std::move(l)) {}  // NOLINT

    [[nodiscard]] Kind kind() const { return static_cast<Kind>(data_.index()); }
    [[nodiscard]] bool is_null() const { return kind() == Kind::null; }
    [[nodiscard]] bool is_bool() const { return kind() == Kind::boolean; }
    [[nodiscard]] bool is_int() const { return kind() == Kind::integer; }
    [[nodiscard]] bool is_string() const { return kind() == Kind::string; }
    [[nodiscard]] bool is_list() const { return kind() == Kind::list; }
    // A scalar is anything but a list.
    [[nodiscard]] bool is_scalar() const { return !is_list(); }

    // Accessors assert the kind: callers check it first (models validate operations up front).
    [[nodiscard]] bool as_bool() const;
    [[nodiscard]] std::int64_t as_int() const;
    [[nodiscard]] const std::string& as_string() const;
    [[nodiscard]] const List& as_list() const;

    bool operator==(const Value&) const = default;

    // A hash that is equal for equal values and stable across runs and platforms.
    [[nodiscard]] std::uint64_t hash() const;

    // Compact canonical JSON: null, true, 12, "a\"b", [1,"x"].
    [[nodiscard]] std::string to_json() const;
    void append_json(std::string& out) const;

private:
    std::variant<std::monostate, bool, std::int64_t, std::string, List> data_;
};

struct ValueHash {
    std::size_t operator()(const Value& v) const { return static_cast<std::size_t>(v.hash()); }
};

// Appends `s` to `out` as a JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view s);

}  // namespace rq::check
