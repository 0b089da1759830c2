#include "check/history.h"

#include <utility>

namespace rq::check {

namespace {

Error input_error(std::size_t line, std::string message) {
    if (line == 0) return Error(ErrorCode::invalid_argument, std::move(message));
    return Error(ErrorCode::invalid_argument, "line " + std::to_string(line) + ": " + message);
}

Outcome outcome_of(EventType type) {
    switch (type) {
        case EventType::ok: return Outcome::ok;
        case EventType::fail: return Outcome::fail;
        case EventType::unknown: return Outcome::unknown;
        case EventType::invoke: break;
    }
    RQ_UNREACHABLE("an invocation has no outcome");
}

EventType event_type_of(Outcome outcome) {
    switch (outcome) {
        case Outcome::ok: return EventType::ok;
        case Outcome::fail: return EventType::fail;
        case Outcome::unknown: return EventType::unknown;
    }
    RQ_UNREACHABLE("bad outcome");
}

}  // namespace

const char* event_type_name(EventType type) {
    switch (type) {
        case EventType::invoke: return "invoke";
        case EventType::ok: return "ok";
        case EventType::fail: return "fail";
        case EventType::unknown: return "unknown";
    }
    return "?";
}

Result<EventType> parse_event_type(std::string_view name) {
    if (name == "invoke") return EventType::invoke;
    if (name == "ok") return EventType::ok;
    if (name == "fail") return EventType::fail;
    if (name == "unknown") return EventType::unknown;
    return Error(ErrorCode::invalid_argument,
                 "unknown event type \"" + std::string(name) + "\" (want invoke, ok, fail or unknown)");
}

const char* outcome_name(Outcome outcome) { return event_type_name(event_type_of(outcome)); }

Status History::invoke(ProcessId process, std::int64_t time, std::string f, std::string key, Value input) {
    Event event;
    event.type = EventType::invoke;
    event.process = process;
    event.time = time;
    event.f = std::move(f);
    event.key = std::move(key);
    event.input = std::move(input);
    return add(std::move(event));
}

Status History::complete(ProcessId process, std::int64_t time, Outcome outcome, Value output) {
    Event event;
    event.type = event_type_of(outcome);
    event.process = process;
    event.time = time;
    event.output = std::move(output);
    return add(std::move(event));
}

Status History::add(Event event) {
    if (!events_.empty() && event.time < events_.back().time) {
        return input_error(event.line, "time " + std::to_string(event.time) + " is before the previous event's time " +
                                           std::to_string(events_.back().time) + " (events must be in time order)");
    }
    const std::string process = "process " + std::to_string(event.process);
    auto in_flight = in_flight_.find(event.process);
    if (event.type == EventType::invoke) {
        if (event.f.empty()) return input_error(event.line, "invocation without an operation name (f)");
        if (in_flight != in_flight_.end()) {
            return input_error(event.line, process + " invokes while its operation invoked at " +
                                               describe_origin(events_[in_flight->second]) + " is in flight");
        }
        in_flight_.emplace(event.process, events_.size());
        events_.push_back(std::move(event));
        return ok_status();
    }
    if (in_flight == in_flight_.end()) {
        return input_error(event.line, std::string("completion (") + event_type_name(event.type) + ") without invocation: " +
                                           process + " has no operation in flight");
    }
    const Event& invocation = events_[in_flight->second];
    if (!event.f.empty() && event.f != invocation.f) {
        return input_error(event.line, "completion of \"" + event.f + "\" but " + process + " invoked \"" +
                                           invocation.f + "\"");
    }
    if (!event.key.empty() && event.key != invocation.key) {
        return input_error(event.line, "completion on key \"" + event.key + "\" but " + process +
                                           " invoked on key \"" + invocation.key + "\"");
    }
    event.f = invocation.f;
    event.key = invocation.key;
    in_flight_.erase(in_flight);
    events_.push_back(std::move(event));
    return ok_status();
}

std::string History::describe_origin(const Event& event) {
    if (event.line != 0) return "line " + std::to_string(event.line);
    return "time " + std::to_string(event.time);
}

std::vector<Operation> History::operations() const {
    std::vector<Operation> operations;
    std::unordered_map<ProcessId, std::size_t> open;  // process -> index in operations
    for (std::size_t i = 0; i < events_.size(); ++i) {
        const Event& event = events_[i];
        if (event.type == EventType::invoke) {
            Operation op;
            op.process = event.process;
            op.f = event.f;
            op.key = event.key;
            op.input = event.input;
            op.outcome = Outcome::unknown;
            op.invoke_event = i;
            op.invoke_time = event.time;
            op.complete_time = event.time;
            op.invoke_line = event.line;
            open[event.process] = operations.size();
            operations.push_back(std::move(op));
            continue;
        }
        auto it = open.find(event.process);
        RQ_ASSERT(it != open.end(), "add() admitted a completion without invocation at event", i);
        Operation& op = operations[it->second];
        op.outcome = outcome_of(event.type);
        if (op.outcome == Outcome::ok) op.output = event.output;
        op.complete_event = i;
        op.complete_time = event.time;
        op.complete_line = event.line;
        open.erase(it);
    }
    return operations;
}

}  // namespace rq::check
