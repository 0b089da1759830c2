#pragma once
// The history file format shared by sim/ and jepsen/: JSON lines, one event per line, in real-time
// order (see check/README.md for the full description):
//
//   {"type":"invoke","process":3,"time":1200,"f":"cas","key":"x","input":[1,2]}
//   {"type":"ok","process":3,"time":1250,"f":"cas","key":"x","output":true}
//   {"type":"unknown","process":4,"time":1300,"f":"write","key":"x","note":"timeout"}
//
// Fields: type (invoke|ok|fail|unknown), process (integer), time (integer, never decreasing),
// f (operation name; required on invoke), key (string, default ""), input (invoke only),
// output (ok only), note (free text, ignored by the checker). Values are JSON null, booleans,
// integers, strings or arrays of those. Blank lines and lines starting with '#' are skipped.

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"
#include "check/history.h"

namespace rq::check {

// One event as a JSON object on one line, without the newline. Deterministic: fixed field order.
std::string event_to_json(const Event& event);

// All events, one line each, each ending in a newline.
std::string history_to_jsonl(const History& history);

// Parses one line (its number is used in errors and kept in Event::line).
Result<Event> parse_event_json(std::string_view line, std::size_t line_number);

// Parses a whole file's text. Errors read "line N: what is wrong".
Result<History> parse_history_jsonl(std::string_view text);

}  // namespace rq::check
