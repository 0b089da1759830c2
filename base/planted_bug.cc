#include "base/planted_bug.h"

#include <array>
#include <string>

namespace rq {
namespace {

constexpr std::array all_bugs{PlantedBug::none, PlantedBug::read_without_quorum, PlantedBug::ack_before_fsync,
                              PlantedBug::accept_stale_term, PlantedBug::skip_snapshot_checksum};

}  // namespace

const char* planted_bug_name(PlantedBug bug) {
    switch (bug) {
        case PlantedBug::none: return "none";
        case PlantedBug::read_without_quorum: return "read_without_quorum";
        case PlantedBug::ack_before_fsync: return "ack_before_fsync";
        case PlantedBug::accept_stale_term: return "accept_stale_term";
        case PlantedBug::skip_snapshot_checksum: return "skip_snapshot_checksum";
    }
    return "?";
}

Result<PlantedBug> parse_planted_bug(std::string_view name) {
    std::string known;
    for (PlantedBug bug : all_bugs) {
        if (name == planted_bug_name(bug)) return bug;
        known += known.empty() ? "" : ", ";
        known += planted_bug_name(bug);
    }
    return Error(ErrorCode::invalid_argument, "unknown planted bug '" + std::string(name) + "' (known: " + known + ")");
}

}  // namespace rq
