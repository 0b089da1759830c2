#include "io/peer_log.h"

namespace rq::io {

spdlog::logger& peer_log() {
    // Looked up each time: rqlited registers "raft" after static initialisation, tests never do.
    if (auto raft = spdlog::get("raft")) return *raft;
    return *spdlog::default_logger_raw();
}

}  // namespace rq::io
