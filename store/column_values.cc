#include "store/column_values.h"

#include <array>

#include "store/civil_time.h"

namespace rq::store {
namespace {

constexpr std::string_view zero_time = "0001-01-01T00:00:00Z";

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// A wall-clock time with the offset it was written in, as Go's time.Time carries it.
struct ZonedTime {
    std::int64_t year = 1;
    int month = 1;
    int day = 1;
    int hour = 0;
    int minute = 0;
    int second = 0;
    std::int64_t nanosecond = 0;
    int offset_seconds = 0;
};

// Go's time.Time.MarshalText: RFC 3339 with the fraction's trailing zeros dropped, "Z" for UTC.
Result<std::string> marshal_text(const ZonedTime& t) {
    if (t.year < 0 || t.year > 9999) {
        return Error(ErrorCode::invalid_argument, "Time.MarshalText: year outside of range [0,9999]");
    }
    std::string out = zero_padded(t.year, 4) + "-" + zero_padded(t.month, 2) + "-" + zero_padded(t.day, 2) + "T" +
                      zero_padded(t.hour, 2) + ":" + zero_padded(t.minute, 2) + ":" + zero_padded(t.second, 2);
    if (t.nanosecond != 0) {
        std::string fraction = zero_padded(t.nanosecond, 9);
        while (fraction.back() == '0') fraction.pop_back();
        out += "." + fraction;
    }
    if (t.offset_seconds == 0) return out + "Z";
    const int offset_minutes = (t.offset_seconds < 0 ? -t.offset_seconds : t.offset_seconds) / 60;
    if (offset_minutes / 60 > 23) {
        return Error(ErrorCode::invalid_argument, "Time.MarshalText: timezone hour outside of range [0,23]");
    }
    out += t.offset_seconds < 0 ? "-" : "+";
    return out + zero_padded(offset_minutes / 60, 2) + ":" + zero_padded(offset_minutes % 60, 2);
}

// A cursor over the text being parsed, mirroring the pieces of Go's time.Parse the layouts use.
class TimeParser {
public:
    explicit TimeParser(std::string_view text) : text_(text) {}

    std::optional<ZonedTime> parse() {
        ZonedTime t;
        if (!fixed_digits(4, t.year) || !literal('-') || !fixed_number(t.month) || !literal('-') ||
            !fixed_number(t.day)) {
            return std::nullopt;
        }
        if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > days_in_month(t.year, t.month)) return std::nullopt;
        if (done()) return t;  // "2006-01-02"
        if (!literal(' ') && !literal('T')) return std::nullopt;
        // Go's "15" takes one or two digits; "04" and "05" exactly two.
        if (!hour(t.hour) || !literal(':') || !fixed_number(t.minute) || t.minute > 59) return std::nullopt;
        if (done()) return t;  // "2006-01-02 15:04"
        if (!literal(':') || !fixed_number(t.second) || t.second > 59) return std::nullopt;
        fraction(t.nanosecond);
        if (done()) return t;  // "2006-01-02 15:04:05.999999999"
        if (!zone(t.offset_seconds) || !done()) return std::nullopt;
        return t;  // "2006-01-02 15:04:05.999999999-07:00"
    }

private:
    [[nodiscard]] bool done() const { return pos_ == text_.size(); }
    [[nodiscard]] bool digit_at(std::size_t i) const { return i < text_.size() && text_[i] >= '0' && text_[i] <= '9'; }

    bool literal(char c) {
        if (pos_ < text_.size() && text_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }

    template <typename Int>
    bool fixed_digits(std::size_t count, Int& out) {
        Int value = 0;
        for (std::size_t i = 0; i < count; ++i) {
            if (!digit_at(pos_ + i)) return false;
            value = static_cast<Int>(value * 10 + (text_[pos_ + i] - '0'));
        }
        pos_ += count;
        out = value;
        return true;
    }
    bool fixed_number(int& out) { return fixed_digits(2, out); }

    bool hour(int& out) {
        if (!digit_at(pos_)) return false;
        out = text_[pos_++] - '0';
        if (digit_at(pos_)) out = out * 10 + (text_[pos_++] - '0');
        return out < 24;
    }

    // Optional ".ddd" or ",ddd", any number of digits; nanoseconds from the first nine.
    void fraction(std::int64_t& nanosecond) {
        if (pos_ + 1 >= text_.size() || (text_[pos_] != '.' && text_[pos_] != ',') || !digit_at(pos_ + 1)) return;
        ++pos_;
        std::int64_t scale = 100'000'000;
        while (digit_at(pos_)) {
            nanosecond += (text_[pos_] - '0') * scale;
            scale /= 10;
            ++pos_;
        }
    }

    // "+07:00" or "-07:00"; Go accepts offsets up to 24 hours and 60 minutes.
    bool zone(int& offset_seconds) {
        if (text_.size() - pos_ < 6 || (text_[pos_] != '+' && text_[pos_] != '-') || text_[pos_ + 3] != ':') {
            return false;
        }
        const bool negative = text_[pos_] == '-';
        int hours = 0;
        int minutes = 0;
        ++pos_;
        if (!fixed_number(hours) || !literal(':') || !fixed_number(minutes) || hours > 24 || minutes > 60) {
            return false;
        }
        offset_seconds = (hours * 60 + minutes) * 60 * (negative ? -1 : 1);
        return true;
    }

    std::string_view text_;
    std::size_t pos_ = 0;
};

ZonedTime utc_from_civil(const CivilTime& c) {
    return ZonedTime{c.year, c.month, c.day, c.hour, c.minute, c.second, c.nanosecond, 0};
}

bool is_text_type(std::string_view type) {
    static constexpr std::array<std::string_view, 6> prefixes = {"varchar", "varying character", "nchar",
                                                                 "native character", "nvarchar", "clob"};
    if (type == "text" || type == "json" || type == "jsonb") return true;
    for (std::string_view prefix : prefixes) {
        if (starts_with(type, prefix)) return true;
    }
    return false;
}

std::string column_bytes(sqlite3_stmt* statement, int column, bool as_text) {
    const void* data = as_text ? static_cast<const void*>(sqlite3_column_text(statement, column))
                               : sqlite3_column_blob(statement, column);
    const auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement, column));
    return data == nullptr ? std::string() : std::string(static_cast<const char*>(data), size);
}

}  // namespace

ColumnConversion conversion_for(std::string_view declared_type) {
    if (declared_type == "date" || declared_type == "datetime" || declared_type == "timestamp") {
        return ColumnConversion::time;
    }
    if (declared_type == "boolean") return ColumnConversion::boolean;
    if (is_text_type(declared_type)) return ColumnConversion::text;
    return ColumnConversion::none;
}

Result<std::string> rfc3339_from_text(std::string_view text) {
    if (!text.empty() && text.back() == 'Z') text.remove_suffix(1);
    const std::optional<ZonedTime> parsed = TimeParser(text).parse();
    if (!parsed) return std::string(zero_time);
    return marshal_text(*parsed);
}

Result<std::string> rfc3339_from_integer(std::int64_t value) {
    if (value > 1'000'000'000'000 || value < -1'000'000'000'000) {
        // Milliseconds. Go multiplies in int64 and silently wraps; so do we, through unsigned arithmetic.
        const auto nanos = static_cast<std::int64_t>(static_cast<std::uint64_t>(value) * 1'000'000u);
        return marshal_text(utc_from_civil(civil_from_unix_nanos(nanos)));
    }
    return marshal_text(utc_from_civil(civil_from_unix(value)));
}

Result<Value> read_cell(sqlite3_stmt* statement, int column, ColumnConversion conversion) {
    switch (sqlite3_column_type(statement, column)) {
        case SQLITE_INTEGER: {
            const std::int64_t value = sqlite3_column_int64(statement, column);
            if (conversion == ColumnConversion::time) {
                auto text = rfc3339_from_integer(value);
                if (!text.ok()) return text.error();
                return Value(std::move(text).value());
            }
            if (conversion == ColumnConversion::boolean) return Value(value > 0);
            return Value(value);
        }
        case SQLITE_FLOAT: return Value(sqlite3_column_double(statement, column));
        case SQLITE_TEXT: {
            std::string text = column_bytes(statement, column, true);
            if (conversion != ColumnConversion::time) return Value(std::move(text));
            auto rendered = rfc3339_from_text(text);
            if (!rendered.ok()) return rendered.error();
            return Value(std::move(rendered).value());
        }
        case SQLITE_BLOB: {
            std::string bytes = column_bytes(statement, column, false);
            if (conversion == ColumnConversion::text) return Value(std::move(bytes));
            return Value(Blob{std::move(bytes)});
        }
        default: return Value(std::monostate{});
    }
}

std::string derived_type_name(const Value& value) {
    switch (value.index()) {
        case 1: return "integer";
        case 2: return "real";
        case 3: return "boolean";
        case 4: return "text";
        case 5: return "blob";
        default: return "";
    }
}

}  // namespace rq::store
