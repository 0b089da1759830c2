#pragma once
// A tiny JSON value tree for the diagnostic endpoints (/status, /nodes bodies built from several
// sources, and a `?key=a.b.c` sub-tree lookup). Data responses never use it: they stream through
// JsonWriter. Objects print their keys sorted, as Go prints a map[string]interface{}.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/json_writer.h"

namespace rq::http {

class JsonValue {
public:
    enum class Kind : std::uint8_t { null, boolean, integer, unsigned_integer, number, string, array, object };

    // Constructors and factories are defined below the class, once Member is complete: their bodies
    // need ~vector<Member>, which clang instantiates at once for a body written in the class.
    JsonValue() = default;  // null
    JsonValue(bool value);              // NOLINT: implicit by design, as are the ones below
    JsonValue(int value);               // NOLINT
    JsonValue(std::int64_t value);      // NOLINT
    JsonValue(std::uint64_t value);     // NOLINT
    JsonValue(double value);            // NOLINT
    JsonValue(std::string value);       // NOLINT
    JsonValue(std::string_view value);  // NOLINT
    JsonValue(const char* value);       // NOLINT

    static JsonValue object();
    // An object that prints its keys in insertion order, as Go prints a struct.
    static JsonValue ordered_object();
    static JsonValue array();
    template <typename Range>
    static JsonValue array_of(const Range& items);

    [[nodiscard]] Kind kind() const { return kind_; }

    // Objects: inserts or replaces the member `key`; returns the stored value.
    JsonValue& set(std::string_view key, JsonValue value);
    // Arrays: appends.
    JsonValue& push(JsonValue value);
    // Objects: the member `key`, or nullptr.
    [[nodiscard]] const JsonValue* find(std::string_view key) const;
    [[nodiscard]] JsonValue* find(std::string_view key);

    // Objects: sets every member of `other` (an object) here.
    void merge(const JsonValue& other);

    // False if a number is not finite (nothing sensible can be written; Go fails likewise).
    // `sort_all_keys` prints ordered objects sorted too (what Go prints after a round trip through
    // map[string]interface{}).
    [[nodiscard]] bool write(JsonWriter& writer, bool sort_all_keys = false) const;
    [[nodiscard]] std::string to_string(JsonStyle style, bool sort_all_keys = false) const;

private:
    struct Member;
    explicit JsonValue(Kind kind);

    Kind kind_ = Kind::null;
    bool ordered_ = false;
    bool bool_ = false;
    std::int64_t int_ = 0;
    std::uint64_t uint_ = 0;
    double double_ = 0;
    std::string string_;
    std::vector<JsonValue> items_;
    std::vector<Member> members_;  // sorted by key unless ordered_
};

struct JsonValue::Member {
    std::string key;
    JsonValue value;
};

inline JsonValue::JsonValue(bool value) : kind_(Kind::boolean), bool_(value) {}
inline JsonValue::JsonValue(int value) : kind_(Kind::integer), int_(value) {}
inline JsonValue::JsonValue(std::int64_t value) : kind_(Kind::integer), int_(value) {}
inline JsonValue::JsonValue(std::uint64_t value) : kind_(Kind::unsigned_integer), uint_(value) {}
inline JsonValue::JsonValue(double value) : kind_(Kind::number), double_(value) {}
inline JsonValue::JsonValue(std::string value) : kind_(Kind::string), string_(std::move(value)) {}
inline JsonValue::JsonValue(std::string_view value) : kind_(Kind::string), string_(value) {}
inline JsonValue::JsonValue(const char* value) : kind_(Kind::string), string_(value) {}
inline JsonValue::JsonValue(Kind kind) : kind_(kind) {}

inline JsonValue JsonValue::object() { return JsonValue(Kind::object); }
inline JsonValue JsonValue::ordered_object() {
    JsonValue out(Kind::object);
    out.ordered_ = true;
    return out;
}
inline JsonValue JsonValue::array() { return JsonValue(Kind::array); }
template <typename Range>
JsonValue JsonValue::array_of(const Range& items) {
    JsonValue out = array();
    for (const auto& item : items) out.push(JsonValue(item));
    return out;
}

}  // namespace rq::http
