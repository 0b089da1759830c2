#include "raft/config.h"

#include <string>

namespace rq::raft {

namespace {

Error invalid(const std::string& what) { return Error(ErrorCode::invalid_argument, "raft config: " + what); }

}  // namespace

Status Config::validate() const {
    if (id == no_node) return invalid("node id must not be 0");
    if (election_timeout_ticks == 0) return invalid("election timeout must be at least one tick");
    if (heartbeat_interval_ticks == 0) return invalid("heartbeat interval must be at least one tick");
    if (heartbeat_interval_ticks >= election_timeout_ticks) {
        return invalid("heartbeat interval (" + std::to_string(heartbeat_interval_ticks) +
                       " ticks) must be shorter than the election timeout (" +
                       std::to_string(election_timeout_ticks) + " ticks)");
    }
    if (transfer_timeout_ticks == 0) return invalid("leadership transfer timeout must be at least one tick");
    if (max_inflight_messages == 0) return invalid("max in-flight messages must be at least 1");
    if (max_inflight_bytes == 0) return invalid("max in-flight bytes must be at least 1");
    if (max_message_bytes == 0) return invalid("max message bytes must be at least 1");
    if (max_uncommitted_bytes == 0) return invalid("max uncommitted bytes must be at least 1");
    if (max_committed_bytes_per_ready == 0) return invalid("max committed bytes per ready must be at least 1");
    if (snapshot_chunk_bytes == 0) return invalid("snapshot chunk size must be at least 1 byte");
    if (max_snapshot_inflight_bytes < snapshot_chunk_bytes) {
        return invalid("max snapshot in-flight bytes must be at least one chunk");
    }
    return ok_status();
}

}  // namespace rq::raft
