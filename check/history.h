#pragma once
// Histories: what clients observed, as a sequence of events, and the operations they pair into.
//
// A history is a list of events in real-time order: an event earlier in the list happened before
// every later one (the `time` field is the recorder's clock, kept for display, and must not go
// back). Each client process has at most one operation in flight: it invokes, then completes
// with one of
//   ok      - the operation took effect once, with the recorded output;
//   fail    - the operation certainly did not take effect (it is dropped before checking);
//   unknown - it may or may not have taken effect, at any time after its invocation, even after
//             this event (a timeout). The process may invoke again afterwards.
// An invocation that is never completed (a crashed client) is unknown as well.
//
// The simulator and the harness build histories in memory through History::invoke/complete; the
// JSON-lines file format (history_json.h) is the same events, one per line.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "check/value.h"

namespace rq::check {

using ProcessId = std::int64_t;

enum class EventType : std::uint8_t { invoke, ok, fail, unknown };

const char* event_type_name(EventType type);
// Parses "invoke", "ok", "fail" or "unknown".
Result<EventType> parse_event_type(std::string_view name);

struct Event {
    EventType type = EventType::invoke;
    ProcessId process = 0;
    std::int64_t time = 0;
    std::string f;    // the operation ("read", "cas", "append"); completions inherit their invocation's
    std::string key;  // the object operated on; P-compositionality checks each key alone
    Value input;      // invoke only: the argument (null when none)
    Value output;     // ok only: the result (null when none)
    std::string note;  // free text for people (an error message, a timeout); the checker ignores it
    std::size_t line = 0;  // 1-based line in the source file, 0 when recorded in memory
};

enum class Outcome : std::uint8_t { ok, fail, unknown };
const char* outcome_name(Outcome outcome);

inline constexpr std::size_t kNoEvent = std::numeric_limits<std::size_t>::max();

// One invocation paired with its completion.
struct Operation {
    ProcessId process = 0;
    std::string f;
    std::string key;
    Value input;
    Value output;  // meaningful only when outcome is ok
    Outcome outcome = Outcome::unknown;
    std::size_t invoke_event = 0;          // index in History::events()
    std::size_t complete_event = kNoEvent;  // kNoEvent when never completed
    std::int64_t invoke_time = 0;
    std::int64_t complete_time = 0;  // equals invoke_time when never completed
    std::size_t invoke_line = 0;
    std::size_t complete_line = 0;

    // Whether this operation certainly finished before `other` began (the real-time order).
    [[nodiscard]] bool precedes(const Operation& other) const {
        return outcome != Outcome::unknown && complete_event < other.invoke_event;
    }
};

class History {
public:
    // Records that `process` invoked `f` on `key`. Fails if the process already has an operation
    // in flight or the time goes back.
    Status invoke(ProcessId process, std::int64_t time, std::string f, std::string key, Value input = {});
    // Records the completion of the operation `process` has in flight. Fails if there is none.
    Status complete(ProcessId process, std::int64_t time, Outcome outcome, Value output = {});
    // Adds any event, validated as above; a completion's empty f and key are filled in from its
    // invocation, and non-empty ones must match it. Errors name event.line when it is set.
    Status add(Event event);

    [[nodiscard]] const std::vector<Event>& events() const { return events_; }
    [[nodiscard]] std::size_t size() const { return events_.size(); }
    // Processes with an operation in flight (these become unknown operations).
    [[nodiscard]] std::size_t in_flight() const { return in_flight_.size(); }

    // The operations, in invocation order.
    [[nodiscard]] std::vector<Operation> operations() const;

private:
    static std::string describe_origin(const Event& event);

    std::vector<Event> events_;
    std::unordered_map<ProcessId, std::size_t> in_flight_;  // process -> index of its invocation
};

}  // namespace rq::check
