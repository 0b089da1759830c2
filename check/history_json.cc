#include "check/history_json.h"

#include <simdjson.h>

#include <utility>

namespace rq::check {

namespace {

Error line_error(std::size_t line, const std::string& message) {
    return Error(ErrorCode::invalid_argument, "line " + std::to_string(line) + ": " + message);
}

Result<Value> to_value(simdjson::dom::element element, std::string_view field) {
    using simdjson::dom::element_type;
    switch (element.type()) {
        case element_type::NULL_VALUE: return Value();
        case element_type::BOOL: return Value(bool(element.get_bool()));
        case element_type::INT64: return Value(std::int64_t(element.get_int64()));
        case element_type::STRING: return Value(std::string_view(element.get_string()));
        case element_type::ARRAY: {
            Value::List list;
            for (simdjson::dom::element item : element.get_array()) {
                Result<Value> value = to_value(item, field);
                if (!value.ok()) return value.error();
                list.push_back(std::move(*value));
            }
            return Value(std::move(list));
        }
        case element_type::UINT64:
            return Error(ErrorCode::invalid_argument, std::string(field) + ": integer out of the 64-bit signed range");
        case element_type::DOUBLE:
            return Error(ErrorCode::invalid_argument, std::string(field) + ": numbers must be integers");
        case element_type::OBJECT:
            return Error(ErrorCode::invalid_argument, std::string(field) + ": objects are not values");
    }
    return Error(ErrorCode::invalid_argument, std::string(field) + ": unsupported JSON value");
}

Result<std::int64_t> to_integer(simdjson::dom::element element, std::string_view field) {
    std::int64_t number = 0;
    if (element.get_int64().get(number) != simdjson::SUCCESS) {
        return Error(ErrorCode::invalid_argument, std::string(field) + " must be an integer");
    }
    return number;
}

Result<std::string> to_string(simdjson::dom::element element, std::string_view field) {
    std::string_view text;
    if (element.get_string().get(text) != simdjson::SUCCESS) {
        return Error(ErrorCode::invalid_argument, std::string(field) + " must be a string");
    }
    return std::string(text);
}

// Reads one field of an event object into `event`; `seen` gathers which required fields appeared.
Status read_field(std::string_view name, simdjson::dom::element value, Event& event, unsigned& seen) {
    if (name == "type") {
        Result<std::string> text = to_string(value, name);
        if (!text.ok()) return text.error();
        Result<EventType> type = parse_event_type(*text);
        if (!type.ok()) return type.error();
        event.type = *type;
        seen |= 1U;
    } else if (name == "process" || name == "time") {
        Result<std::int64_t> number = to_integer(value, name);
        if (!number.ok()) return number.error();
        (name == "process" ? event.process : event.time) = *number;
        seen |= name == "process" ? 2U : 4U;
    } else if (name == "f" || name == "key" || name == "note") {
        Result<std::string> text = to_string(value, name);
        if (!text.ok()) return text.error();
        (name == "f" ? event.f : name == "key" ? event.key : event.note) = std::move(*text);
    } else if (name == "input" || name == "output") {
        Result<Value> parsed = to_value(value, name);
        if (!parsed.ok()) return parsed.error();
        (name == "input" ? event.input : event.output) = std::move(*parsed);
        seen |= name == "input" ? 8U : 16U;
    } else {
        return Error(ErrorCode::invalid_argument,
                     "unknown field \"" + std::string(name) +
                         "\" (fields are type, process, time, f, key, input, output, note)");
    }
    return ok_status();
}

Status check_fields(const Event& event, unsigned seen) {
    if ((seen & 1U) == 0) return Error(ErrorCode::invalid_argument, "missing field \"type\"");
    if ((seen & 2U) == 0) return Error(ErrorCode::invalid_argument, "missing field \"process\"");
    if ((seen & 4U) == 0) return Error(ErrorCode::invalid_argument, "missing field \"time\"");
    if ((seen & 8U) != 0 && event.type != EventType::invoke) {
        return Error(ErrorCode::invalid_argument, "only an invocation has an input");
    }
    if ((seen & 16U) != 0 && event.type != EventType::ok) {
        return Error(ErrorCode::invalid_argument, "only an ok completion has an output");
    }
    return ok_status();
}

}  // namespace

std::string event_to_json(const Event& event) {
    std::string out = "{\"type\":\"";
    out += event_type_name(event.type);
    out += "\",\"process\":" + std::to_string(event.process);
    out += ",\"time\":" + std::to_string(event.time);
    out += ",\"f\":";
    append_json_string(out, event.f);
    out += ",\"key\":";
    append_json_string(out, event.key);
    if (event.type == EventType::invoke) {
        out += ",\"input\":";
        event.input.append_json(out);
    } else if (event.type == EventType::ok) {
        out += ",\"output\":";
        event.output.append_json(out);
    }
    if (!event.note.empty()) {
        out += ",\"note\":";
        append_json_string(out, event.note);
    }
    out += '}';
    return out;
}

std::string history_to_jsonl(const History& history) {
    std::string out;
    for (const Event& event : history.events()) {
        out += event_to_json(event);
        out += '\n';
    }
    return out;
}

namespace {

Result<Event> parse_event_with(simdjson::dom::parser& parser, std::string_view line, std::size_t line_number) {
    simdjson::dom::element root;
    if (auto error = parser.parse(line.data(), line.size()).get(root); error != simdjson::SUCCESS) {
        return line_error(line_number, std::string("malformed JSON: ") + simdjson::error_message(error));
    }
    simdjson::dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS) return line_error(line_number, "an event must be a JSON object");
    Event event;
    event.line = line_number;
    unsigned seen = 0;
    for (auto [name, value] : object) {
        Status status = read_field(name, value, event, seen);
        if (!status.ok()) return line_error(line_number, status.error().message());
    }
    Status status = check_fields(event, seen);
    if (!status.ok()) return line_error(line_number, status.error().message());
    return event;
}

}  // namespace

Result<Event> parse_event_json(std::string_view line, std::size_t line_number) {
    simdjson::dom::parser parser;
    return parse_event_with(parser, line, line_number);
}

Result<History> parse_history_jsonl(std::string_view text) {
    simdjson::dom::parser parser;  // reused: it keeps its buffers between lines
    History history;
    std::size_t line_number = 0;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        ++line_number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.find_first_not_of(" \t") == std::string_view::npos || line.front() == '#') continue;
        Result<Event> event = parse_event_with(parser, line, line_number);
        if (!event.ok()) return event.error();
        Status added = history.add(std::move(*event));
        if (!added.ok()) return added.error();
    }
    return history;
}

}  // namespace rq::check
