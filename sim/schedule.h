#pragma once
// The fault schedule: every fault of a run as an explicit, timed list, generated up front from the
// seed's fault stream (nothing else draws from it). Running a seed executes its schedule; shrinking
// removes events from the list while the failure persists; a schedule written as text replays
// exactly (with the same seed for the other streams: network, disk, clients).
//
// Text form, one event per line (times in milliseconds from the start of the safety phase; nodes
// 1-based as in their ids n1, n2, ...):
//   1200 crash node=2 mode=power
//   5300 restart node=2
//   8000 partition mode=ring cuts=1>3,3>1,2>4,4>2
//   9000 heal
// Lines starting with '#' and blank lines are ignored.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/random.h"
#include "base/result.h"
#include "sim/world.h"

namespace rq::sim {

enum class FaultKind : std::uint8_t {
    crash,          // node; mode kill (process only), power, tear, prefix (power loss variants)
    restart,        // node
    pause,          // node
    resume,         // node
    partition,      // cuts (directed links); mode names the shape; mode=leader cuts the leader off at run time
    heal,           // every cut goes
    clog,           // node -> peer holds messages
    unclog,         // node -> peer delivers what it held
    loss,           // amount: drop per mille, amount2: duplicate per mille (0 0 turns it off)
    disk_error,     // node; mode write|sync; amount: fail the amount-th such operation from now
    disk_full,      // node; amount: bytes that still fit
    disk_free,      // node: the space limit goes
    sector_rot,     // node; amount: the seed choosing file, offset and length
    clock_jump,     // node; mode mono (forward) | unix (either way); amount: milliseconds
    clock_drift,    // node; amount: parts per million
    add_member,     // node; mode voter|nonvoter
    remove_member,  // node
    transfer,       // node: the leader hands leadership to it
    stall,          // the leader (resolved at run time) is cut off: its links clog both ways; mode pause|run
    rejoin,         // the stalled node: mode resume (its process) | out (what it sent) | in (what was sent to it)
    slow,           // node -> peer: every message takes amount milliseconds longer (0: back to normal)
};
inline constexpr std::size_t fault_kind_count = 21;
const char* fault_kind_name(FaultKind kind);

struct FaultEvent {
    FaultEvent() = default;
    FaultEvent(Duration time, FaultKind fault, std::size_t target = 0) : at(time), kind(fault), node(target) {}

    Duration at{0};
    FaultKind kind = FaultKind::heal;
    std::size_t node = 0;  // 0-based
    std::size_t peer = 0;
    std::string mode;
    std::int64_t amount = 0;
    std::int64_t amount2 = 0;
    std::vector<std::pair<std::size_t, std::size_t>> cuts;
    bool operator==(const FaultEvent&) const = default;
};

using Schedule = std::vector<FaultEvent>;

// The fault families `--faults` names; "all" is every one.
enum class FaultFamily : std::uint8_t {
    crash, pause, partition, oneway, clog, loss, disk, full, rot, clock, membership, transfer, stall, slow
};
inline constexpr std::size_t fault_family_count = 14;
const char* fault_family_name(FaultFamily family);
using FaultFamilies = std::vector<FaultFamily>;
// "crash,partition,disk" or "all" or "none".
Result<FaultFamilies> parse_fault_families(std::string_view list);
std::string fault_families_text(const FaultFamilies& families);

struct ScheduleShape {
    std::size_t voters = 3;   // founding nodes: partitions and crashes target these and the spares
    std::size_t nodes = 4;    // every machine, spares included
    Duration duration{0};     // the safety phase
    FaultFamilies families;
};

Schedule generate_schedule(Random random, const ScheduleShape& shape);

std::string schedule_to_text(const Schedule& schedule);
std::string fault_event_to_text(const FaultEvent& event);
Result<Schedule> parse_schedule(std::string_view text);

}  // namespace rq::sim
