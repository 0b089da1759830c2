#include "http/json_value.h"

#include <algorithm>

#include "base/assert.h"

namespace rq::http {
namespace {

template <typename Members>
auto find_member(Members& members, bool ordered, std::string_view key) {
    if (ordered) {
        return std::find_if(members.begin(), members.end(), [&](const auto& member) { return member.key == key; });
    }
    return std::lower_bound(members.begin(), members.end(), key,
                            [](const auto& member, std::string_view k) { return member.key < k; });
}

}  // namespace

JsonValue& JsonValue::set(std::string_view key, JsonValue value) {
    RQ_ASSERT(kind_ == Kind::object, "set() on a non-object", key);
    auto position = find_member(members_, ordered_, key);
    if (position != members_.end() && position->key == key) {
        position->value = std::move(value);
        return position->value;
    }
    position = members_.insert(position, Member{std::string(key), std::move(value)});
    return position->value;
}

JsonValue& JsonValue::push(JsonValue value) {
    RQ_ASSERT(kind_ == Kind::array, "push() on a non-array");
    items_.push_back(std::move(value));
    return items_.back();
}

const JsonValue* JsonValue::find(std::string_view key) const {
    if (kind_ != Kind::object) return nullptr;
    const auto position = find_member(members_, ordered_, key);
    return position != members_.end() && position->key == key ? &position->value : nullptr;
}

JsonValue* JsonValue::find(std::string_view key) {
    if (kind_ != Kind::object) return nullptr;
    const auto position = find_member(members_, ordered_, key);
    return position != members_.end() && position->key == key ? &position->value : nullptr;
}

void JsonValue::merge(const JsonValue& other) {
    if (other.kind_ != Kind::object) return;
    for (const Member& member : other.members_) set(member.key, member.value);
}

bool JsonValue::write(JsonWriter& writer, bool sort_all_keys) const {
    switch (kind_) {
        case Kind::null: writer.null(); return true;
        case Kind::boolean: writer.boolean(bool_); return true;
        case Kind::integer: writer.integer(int_); return true;
        case Kind::unsigned_integer: writer.unsigned_integer(uint_); return true;
        case Kind::number: return writer.number(double_);
        case Kind::string: writer.string(string_); return true;
        case Kind::array:
            writer.begin_array();
            for (const JsonValue& item : items_) {
                if (!item.write(writer, sort_all_keys)) return false;
            }
            writer.end_array();
            return true;
        case Kind::object: {
            std::vector<const Member*> members;
            members.reserve(members_.size());
            for (const Member& member : members_) members.push_back(&member);
            if (ordered_ && sort_all_keys) {
                std::stable_sort(members.begin(), members.end(),
                                 [](const Member* a, const Member* b) { return a->key < b->key; });
            }
            writer.begin_object();
            for (const Member* member : members) {
                writer.key(member->key);
                if (!member->value.write(writer, sort_all_keys)) return false;
            }
            writer.end_object();
            return true;
        }
    }
    return false;
}

std::string JsonValue::to_string(JsonStyle style, bool sort_all_keys) const {
    std::string out;
    JsonWriter writer(out, style);
    if (!write(writer, sort_all_keys)) return "null";
    return out;
}

}  // namespace rq::http
