#include "sim/recorder.h"

#include "base/assert.h"

namespace rq::sim {

const char* read_level_name(node::ReadLevel level) {
    switch (level) {
        case node::ReadLevel::none: return "none";
        case node::ReadLevel::weak: return "weak";
        case node::ReadLevel::linearizable: return "linearizable";
        case node::ReadLevel::strong: return "strong";
    }
    return "?";
}

void Recorder::invoke(check::ProcessId process, std::int64_t time, const std::string& f, const std::string& key,
                      const check::Value& input, std::optional<node::ReadLevel> level) {
    if (level) levels_[history_.size()] = *level;
    const Status status = history_.invoke(process, time, f, key, input);
    RQ_ASSERT(status.ok(), "recording an invocation:", status.ok() ? "" : status.error().message());
    in_flight_[process] = level ? f + "@" + read_level_name(*level) : f;
}

void Recorder::complete(check::ProcessId process, std::int64_t time, check::Outcome outcome, check::Value output,
                        const std::string& note) {
    const Status status = history_.complete(process, time, outcome, std::move(output));
    RQ_ASSERT(status.ok(), "recording a completion:", status.ok() ? "" : status.error().message());
    (void)note;
    ++counts_[in_flight_[process]][check::outcome_name(outcome)];
    in_flight_.erase(process);
}

std::optional<node::ReadLevel> Recorder::level_of(std::size_t invoke_event) const {
    const auto it = levels_.find(invoke_event);
    if (it == levels_.end()) return std::nullopt;
    return it->second;
}

}  // namespace rq::sim
