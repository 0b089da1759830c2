#include "check/foreign_formats.h"

#include <charconv>
#include <map>
#include <optional>
#include <utility>

#include "check/history_json.h"

namespace rq::check {

namespace {

Error line_error(std::size_t line, const std::string& message) {
    return Error(ErrorCode::invalid_argument, "line " + std::to_string(line) + ": " + message);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

// Splits off the next whitespace-separated token.
std::string_view next_token(std::string_view& s) {
    s = trim(s);
    std::size_t end = 0;
    while (end < s.size() && !is_space(s[end])) ++end;
    std::string_view token = s.substr(0, end);
    s.remove_prefix(end);
    return token;
}

std::optional<std::int64_t> parse_integer(std::string_view s) {
    std::int64_t value = 0;
    auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (error != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
    return value;
}

// Calls `on_line(line, number)` for each line that is not blank; stops at the first error.
template <typename OnLine>
Status for_each_line(std::string_view text, OnLine on_line) {
    std::size_t number = 0;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        ++number;
        if (trim(line).empty()) continue;
        Status status = on_line(trim(line), number);
        if (!status.ok()) return status;
    }
    return ok_status();
}

// --- Jepsen etcd logs ---

// "nil", an integer, "[a b]" or ":timed-out".
Result<Value> parse_etcd_value(std::string_view text) {
    if (text == "nil" || (!text.empty() && text.front() == ':')) return Value();
    if (auto number = parse_integer(text)) return Value(*number);
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
        std::string_view inside = text.substr(1, text.size() - 2);
        Value::List list;
        for (std::string_view token = next_token(inside); !token.empty(); token = next_token(inside)) {
            auto number = parse_integer(token);
            if (!number) return Error(ErrorCode::invalid_argument, "bad list element \"" + std::string(token) + "\"");
            list.emplace_back(*number);
        }
        return Value(std::move(list));
    }
    return Error(ErrorCode::invalid_argument, "bad value \"" + std::string(text) + "\"");
}

Result<Event> parse_etcd_line(std::string_view line, std::size_t number) {
    const std::size_t dash = line.find(" - ");
    if (line.rfind("INFO", 0) != 0 || line.find("jepsen.util") == std::string_view::npos || dash == std::string_view::npos) {
        return line_error(number, "not a Jepsen log event (want \"INFO  jepsen.util - <process> :<type> :<f> <value>\")");
    }
    std::string_view rest = line.substr(dash + 3);
    const auto process = parse_integer(next_token(rest));
    const std::string_view type = next_token(rest);
    const std::string_view f = next_token(rest);
    if (!process || type.size() < 2 || type.front() != ':' || f.size() < 2 || f.front() != ':') {
        return line_error(number, "want \"<process> :<type> :<f> <value>\"");
    }
    Result<Value> value = parse_etcd_value(trim(rest));
    if (!value.ok()) return line_error(number, value.error().message());
    Event event;
    event.process = *process;
    event.time = static_cast<std::int64_t>(number);
    event.line = number;
    event.f = std::string(f.substr(1));
    const std::string_view kind = type.substr(1);
    if (kind == "invoke") {
        event.type = EventType::invoke;
        event.input = std::move(*value);
    } else if (kind == "ok") {
        event.type = EventType::ok;
        if (event.f == "read") event.output = std::move(*value);
        if (event.f == "cas") event.output = Value(true);
    } else if (kind == "fail") {
        // Porcupine's conventions: a failed cas returned false; a failed read timed out.
        event.type = event.f == "cas" ? EventType::ok : event.f == "read" ? EventType::unknown : EventType::fail;
        if (event.f == "cas") event.output = Value(false);
    } else if (kind == "info") {
        event.type = EventType::unknown;
    } else {
        return line_error(number, "unknown event type \"" + std::string(type) + "\"");
    }
    return event;
}

// --- EDN maps ---

class EdnLine {
public:
    explicit EdnLine(std::string_view text) : text_(text) {}

    // Parses "{:k v, :k v}" into keyword -> value; keywords as values become strings without ':'.
    Result<std::map<std::string, Value>> parse_map() {
        std::map<std::string, Value> map;
        skip();
        if (!eat('{')) return fail("want '{'");
        for (skip(); !eat('}'); skip()) {
            if (!eat(':')) return fail("want a :keyword key");
            std::string key = word();
            skip();
            Result<Value> value = parse_value();
            if (!value.ok()) return value.error();
            map[key] = std::move(*value);
        }
        skip();
        if (pos_ != text_.size()) return fail("trailing text after '}'");
        return map;
    }

private:
    Result<Value> parse_value() {
        if (pos_ >= text_.size()) return fail("want a value");
        if (eat('"')) return string();
        if (eat(':')) return Value(word());
        std::string token = word();
        if (token == "nil") return Value();
        if (token == "true" || token == "false") return Value(token == "true");
        if (auto number = parse_integer(token)) return Value(*number);
        return fail("unsupported value \"" + token + "\"");
    }

    Result<Value> string() {
        std::string out;
        while (pos_ < text_.size() && text_[pos_] != '"') {
            char c = text_[pos_++];
            if (c == '\\' && pos_ < text_.size()) {
                c = text_[pos_++];
                if (c == 'n') c = '\n';
                if (c == 't') c = '\t';
            }
            out.push_back(c);
        }
        if (!eat('"')) return fail("unterminated string");
        return Value(std::move(out));
    }

    std::string word() {
        const std::size_t start = pos_;
        while (pos_ < text_.size() && !is_space(text_[pos_]) && text_[pos_] != ',' && text_[pos_] != '}') ++pos_;
        return std::string(text_.substr(start, pos_ - start));
    }

    void skip() {
        while (pos_ < text_.size() && (is_space(text_[pos_]) || text_[pos_] == ',')) ++pos_;
    }
    bool eat(char c) {
        if (pos_ >= text_.size() || text_[pos_] != c) return false;
        ++pos_;
        return true;
    }
    Error fail(const std::string& what) const {
        return Error(ErrorCode::invalid_argument, what + " at column " + std::to_string(pos_ + 1));
    }

    std::string_view text_;
    std::size_t pos_ = 0;
};

Result<Event> edn_event(std::map<std::string, Value>& map, std::size_t number) {
    Event event;
    event.line = number;
    event.time = static_cast<std::int64_t>(number);
    auto field = [&](const char* name) -> Value* {
        auto it = map.find(name);
        return it == map.end() ? nullptr : &it->second;
    };
    const Value* process = field("process");
    const Value* type = field("type");
    const Value* f = field("f");
    if (process == nullptr || !process->is_int()) return line_error(number, ":process must be an integer");
    if (type == nullptr || !type->is_string()) return line_error(number, ":type must be a keyword");
    if (f == nullptr || !f->is_string()) return line_error(number, ":f must be a keyword");
    event.process = process->as_int();
    event.f = f->as_string();
    if (const Value* time = field("time"); time != nullptr && time->is_int()) event.time = time->as_int();
    if (const Value* key = field("key"); key != nullptr) event.key = key->is_string() ? key->as_string() : key->to_json();
    Value value = field("value") != nullptr ? *field("value") : Value();
    const std::string& kind = type->as_string();
    if (kind == "invoke") {
        event.type = EventType::invoke;
        event.input = std::move(value);
    } else if (kind == "ok") {
        event.type = EventType::ok;
        event.output = std::move(value);
    } else if (kind == "fail") {
        event.type = EventType::fail;
    } else if (kind == "info") {
        event.type = EventType::unknown;
    } else {
        return line_error(number, "unknown :type :" + kind);
    }
    return event;
}

}  // namespace

const char* history_format_name(HistoryFormat format) {
    switch (format) {
        case HistoryFormat::jsonl: return "jsonl";
        case HistoryFormat::jepsen_etcd: return "jepsen-etcd";
        case HistoryFormat::edn: return "edn";
    }
    return "?";
}

Result<HistoryFormat> parse_history_format(std::string_view name) {
    for (HistoryFormat format : {HistoryFormat::jsonl, HistoryFormat::jepsen_etcd, HistoryFormat::edn}) {
        if (name == history_format_name(format)) return format;
    }
    return Error(ErrorCode::invalid_argument, "unknown format \"" + std::string(name) + "\" (want jsonl, jepsen-etcd or edn)");
}

Result<HistoryFormat> detect_history_format(std::string_view text) {
    std::optional<HistoryFormat> found;
    Status status = for_each_line(text, [&](std::string_view line, std::size_t) -> Status {
        if (found || line.front() == '#') return ok_status();
        if (line.rfind("{\"", 0) == 0) found = HistoryFormat::jsonl;
        if (line.rfind("{:", 0) == 0) found = HistoryFormat::edn;
        if (line.rfind("INFO", 0) == 0) found = HistoryFormat::jepsen_etcd;
        if (!found) return Error(ErrorCode::invalid_argument, "cannot tell the format");
        return ok_status();
    });
    if (!status.ok()) return status.error();
    return found.value_or(HistoryFormat::jsonl);  // an empty history is an empty history in any format
}

Result<History> parse_jepsen_etcd_log(std::string_view text) {
    History history;
    Status status = for_each_line(text, [&](std::string_view line, std::size_t number) -> Status {
        Result<Event> event = parse_etcd_line(line, number);
        if (!event.ok()) return event.error();
        return history.add(std::move(*event));
    });
    if (!status.ok()) return status.error();
    return history;
}

Result<History> parse_edn_history(std::string_view text) {
    History history;
    Status status = for_each_line(text, [&](std::string_view line, std::size_t number) -> Status {
        Result<std::map<std::string, Value>> map = EdnLine(line).parse_map();
        if (!map.ok()) return line_error(number, map.error().message());
        Result<Event> event = edn_event(*map, number);
        if (!event.ok()) return event.error();
        return history.add(std::move(*event));
    });
    if (!status.ok()) return status.error();
    return history;
}

Result<History> parse_history(std::string_view text, HistoryFormat format) {
    switch (format) {
        case HistoryFormat::jsonl: return parse_history_jsonl(text);
        case HistoryFormat::jepsen_etcd: return parse_jepsen_etcd_log(text);
        case HistoryFormat::edn: return parse_edn_history(text);
    }
    return Error(ErrorCode::invalid_argument, "bad format");
}

std::string_view default_model_name(HistoryFormat format) {
    switch (format) {
        case HistoryFormat::jsonl: return "";
        case HistoryFormat::jepsen_etcd: return "register";
        case HistoryFormat::edn: return "kv";
    }
    return "";
}

}  // namespace rq::check
