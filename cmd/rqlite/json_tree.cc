#include "cmd/rqlite/json_tree.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>

#include "http/json_writer.h"

namespace rq::shell {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

template <typename T>
T get_checked(element value) {
    T out{};
    const simdjson::error_code error = value.get(out);
    RQ_ASSERT(error == simdjson::SUCCESS, "JSON element of an unexpected type", static_cast<int>(error));
    return out;
}

JsonNode convert(element value) {
    JsonNode node;
    switch (value.type()) {
        case element_type::ARRAY:
            node.kind = JsonNode::Kind::array;
            for (element item : get_checked<simdjson::dom::array>(value)) node.items.push_back(convert(item));
            break;
        case element_type::OBJECT:
            node.kind = JsonNode::Kind::object;
            for (simdjson::dom::key_value_pair member : get_checked<simdjson::dom::object>(value)) {
                node.members.push_back({std::string(member.key), convert(member.value)});
            }
            break;
        case element_type::INT64:
            node = JsonNode::number_value(std::to_string(get_checked<std::int64_t>(value)));
            break;
        case element_type::UINT64:
            node = JsonNode::number_value(std::to_string(get_checked<std::uint64_t>(value)));
            break;
        case element_type::DOUBLE: {
            std::string text;
            // A parsed double is always finite, so the Go formatter always writes it.
            (void)http::append_json_double(text, get_checked<double>(value));
            node = JsonNode::number_value(std::move(text));
            break;
        }
        case element_type::STRING: node = JsonNode::string_value(std::string(get_checked<std::string_view>(value))); break;
        case element_type::BOOL:
            node.kind = JsonNode::Kind::boolean;
            node.text = get_checked<bool>(value) ? "true" : "false";
            break;
        case element_type::NULL_VALUE: break;
    }
    return node;
}

void append_go_value(std::string& out, const JsonNode& node) {
    switch (node.kind) {
        case JsonNode::Kind::null: out += "<nil>"; break;
        case JsonNode::Kind::boolean:
        case JsonNode::Kind::number:
        case JsonNode::Kind::string: out += node.text; break;
        case JsonNode::Kind::array:
            out += '[';
            for (std::size_t i = 0; i < node.items.size(); ++i) {
                if (i > 0) out += ' ';
                append_go_value(out, node.items[i]);
            }
            out += ']';
            break;
        case JsonNode::Kind::object: {
            // A decoded JSON object is a Go map, which fmt prints with sorted keys (one entry per key).
            std::vector<const JsonMember*> members;
            for (const auto& member : node.members) {
                auto same_key = [&](const auto* seen) { return seen->key == member.key; };
                members.erase(std::remove_if(members.begin(), members.end(), same_key), members.end());
                members.push_back(&member);
            }
            std::sort(members.begin(), members.end(), [](const auto* a, const auto* b) { return a->key < b->key; });
            out += "map[";
            for (std::size_t i = 0; i < members.size(); ++i) {
                if (i > 0) out += ' ';
                out += members[i]->key;
                out += ':';
                append_go_value(out, members[i]->value);
            }
            out += ']';
            break;
        }
    }
}

}  // namespace

JsonNode JsonNode::string_value(std::string text) {
    JsonNode node;
    node.kind = Kind::string;
    node.text = std::move(text);
    return node;
}

JsonNode JsonNode::number_value(std::string text) {
    JsonNode node;
    node.kind = Kind::number;
    node.text = std::move(text);
    return node;
}

const JsonNode* JsonNode::find(std::string_view key) const {
    const JsonNode* found = nullptr;
    for (const auto& [name, value] : members) {
        if (name == key) found = &value;
    }
    return found;
}

std::optional<std::int64_t> JsonNode::as_integer() const {
    if (kind != Kind::number) return std::nullopt;
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

std::optional<double> JsonNode::as_double() const {
    if (kind != Kind::number) return std::nullopt;
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

Result<JsonNode> parse_json(std::string_view text) {
    simdjson::dom::parser parser;
    element root;
    const simdjson::error_code error = parser.parse(text.data(), text.size()).get(root);
    if (error != simdjson::SUCCESS) {
        return Error(ErrorCode::corrupt, std::string("invalid JSON: ") + simdjson::error_message(error));
    }
    return convert(root);
}

std::string go_value_text(const JsonNode& node) {
    std::string out;
    append_go_value(out, node);
    return out;
}

void append_json_string_literal(std::string& out, std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (byte < 0x20) {
                    out += "\\u00";
                    out += hex[byte >> 4];
                    out += hex[byte & 0xf];
                } else {
                    out += c;
                }
        }
    }
    out += '"';
}

void append_json(std::string& out, const JsonNode& node) {
    switch (node.kind) {
        case JsonNode::Kind::null: out += "null"; break;
        case JsonNode::Kind::boolean:
        case JsonNode::Kind::number: out += node.text; break;
        case JsonNode::Kind::string: append_json_string_literal(out, node.text); break;
        case JsonNode::Kind::array:
            out += '[';
            for (std::size_t i = 0; i < node.items.size(); ++i) {
                if (i > 0) out += ',';
                append_json(out, node.items[i]);
            }
            out += ']';
            break;
        case JsonNode::Kind::object:
            out += '{';
            for (std::size_t i = 0; i < node.members.size(); ++i) {
                if (i > 0) out += ',';
                append_json_string_literal(out, node.members[i].key);
                out += ':';
                append_json(out, node.members[i].value);
            }
            out += '}';
            break;
    }
}

}  // namespace rq::shell
