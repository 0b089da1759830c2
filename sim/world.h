#pragma once
// Virtual time over an event queue. Events run in (time, sequence) order, so two events at the same
// instant run in the order they were scheduled; time jumps straight to the next event, so idle time
// costs nothing. Every executed event is folded into a trace hash: two runs of one seed that execute
// the same events at the same times get the same hash.

#include <cstdint>
#include <functional>
#include <vector>

#include "env/clock.h"

namespace rq::sim {

using Duration = env::Duration;

// What an event is, for the trace hash (the low byte) and the node it concerns (the next bytes).
enum class EventKind : std::uint8_t { tick, message, sync, client, fault, oracle, probe, supervisor };
constexpr std::uint64_t event_tag(EventKind kind, std::uint64_t node = 0) {
    return static_cast<std::uint64_t>(kind) | (node << 8);
}

class World {
public:
    using Action = std::function<void()>;

    [[nodiscard]] Duration now() const { return now_; }
    void at(Duration time, std::uint64_t tag, Action action);
    void after(Duration delay, std::uint64_t tag, Action action) { at(now_ + delay, tag, std::move(action)); }

    // Runs the earliest event if it is due no later than `until`; false when there is none.
    bool step(Duration until);
    // Runs events until `until` (time then stands at `until`) or `stop` returns true after an event.
    void run_until(Duration until, const std::function<bool()>& stop = {});

    // Folds a value into the trace hash (events fold their time and tag themselves).
    void mix(std::uint64_t value);
    [[nodiscard]] std::uint64_t trace_hash() const { return hash_; }
    [[nodiscard]] std::uint64_t executed() const { return executed_; }
    // Called after every event (the oracles that must hold after each step).
    void set_after_each(Action action) { after_each_ = std::move(action); }

private:
    // The heap orders small plain records; the actions wait in slots beside it, so sifting an event
    // through the heap moves 24 bytes instead of a std::function.
    struct Pending {
        Duration time;
        std::uint64_t sequence;
        std::uint32_t slot;
    };
    struct Slot {
        std::uint64_t tag = 0;
        Action action;
    };
    static bool later(const Pending& a, const Pending& b);
    std::uint32_t take_slot(std::uint64_t tag, Action action);

    Duration now_{0};
    std::uint64_t next_sequence_ = 0;
    std::uint64_t executed_ = 0;
    std::uint64_t hash_ = 0xcbf29ce484222325ULL;
    std::vector<Pending> heap_;
    std::vector<Slot> slots_;
    std::vector<std::uint32_t> free_slots_;
    Action after_each_;
};

}  // namespace rq::sim
