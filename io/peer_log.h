#pragma once
// The logger of the node-to-node network: rqlited's "raft" logger (its level is -raft-log-level, as in
// rqlite, where these lines come from the Raft transport), or the default one where none is set up
// (tests).

#include <spdlog/spdlog.h>

namespace rq::io {

[[nodiscard]] spdlog::logger& peer_log();

}  // namespace rq::io
