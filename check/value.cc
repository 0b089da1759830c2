#include "check/value.h"

#include <cstdio>

#include "base/assert.h"

namespace rq::check {

namespace {

std::uint64_t mix(std::uint64_t x) {
    // splitmix64's finaliser: cheap and well distributed.
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

std::uint64_t hash_bytes(std::string_view s) {
    // FNV-1a, then mixed: stable across platforms, unlike std::hash.
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return mix(h);
}

}  // namespace

bool Value::as_bool() const {
    RQ_ASSERT(is_bool(), "value is not a boolean:", to_json());
    return std::get<bool>(data_);
}

std::int64_t Value::as_int() const {
    RQ_ASSERT(is_int(), "value is not an integer:", to_json());
    return std::get<std::int64_t>(data_);
}

const std::string& Value::as_string() const {
    RQ_ASSERT(is_string(), "value is not a string:", to_json());
    return std::get<std::string>(data_);
}

const Value::List& Value::as_list() const {
    RQ_ASSERT(is_list(), "value is not a list:", to_json());
    return std::get<List>(data_);
}

std::uint64_t Value::hash() const {
    const auto tag = static_cast<std::uint64_t>(data_.index());
    switch (kind()) {
        case Kind::null: return mix(tag);
        case Kind::boolean: return mix(tag * 31 + (as_bool() ? 1 : 0));
        case Kind::integer: return mix(tag * 31 + static_cast<std::uint64_t>(as_int()));
        case Kind::string: return hash_bytes(as_string()) ^ tag;
        case Kind::list: {
            std::uint64_t h = mix(tag + as_list().size());
            for (const Value& item : as_list()) h = mix(h ^ item.hash());
            return h;
        }
    }
    RQ_UNREACHABLE("bad value kind");
}

void append_json_string(std::string& out, std::string_view s) {
    out.push_back('"');
    for (char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buffer[8];
                    std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
                    out += buffer;
                } else {
                    out.push_back(c);
                }
        }
    }
    out.push_back('"');
}

void Value::append_json(std::string& out) const {
    switch (kind()) {
        case Kind::null: out += "null"; return;
        case Kind::boolean: out += as_bool() ? "true" : "false"; return;
        case Kind::integer: out += std::to_string(as_int()); return;
        case Kind::string: append_json_string(out, as_string()); return;
        case Kind::list: {
            out.push_back('[');
            bool first = true;
            for (const Value& item : as_list()) {
                if (!first) out.push_back(',');
                first = false;
                item.append_json(out);
            }
            out.push_back(']');
            return;
        }
    }
}

std::string Value::to_json() const {
    std::string out;
    append_json(out);
    return out;
}

}  // namespace rq::check
