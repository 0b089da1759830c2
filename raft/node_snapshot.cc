// InstallSnapshot in chunks (thesis 5.3 / paper Figure 13): the leader streams its latest snapshot
// to a follower that needs compacted entries; the follower persists the chunks through Ready and
// installs the snapshot once the last one arrives.
#include <algorithm>

#include "base/assert.h"
#include "raft/node.h"

namespace rq::raft {

namespace {

// Heartbeat replies without any transfer progress before the leader resends from the last
// acknowledged offset (a chunk or its acknowledgement was lost).
constexpr std::uint32_t snapshot_stall_heartbeats = 2;

}  // namespace

void Node::start_snapshot(NodeId to, Progress& progress) {
    const SnapshotMetadata snapshot = storage_.snapshot_metadata();
    RQ_ASSERT(snapshot.index > Index(0), "follower", to, "needs compacted entries but there is no snapshot");
    progress.become_snapshot(snapshot.index);
    send_snapshot_chunks(to, progress);
}

void Node::send_snapshot_chunks(NodeId to, Progress& progress) {
    const SnapshotMetadata snapshot = storage_.snapshot_metadata();
    if (snapshot.index != progress.snapshot_index) {
        // A newer snapshot replaced the one being sent: its bytes are gone, start over.
        progress.become_snapshot(snapshot.index);
    }
    const std::uint64_t total = storage_.snapshot_size();
    while (!progress.snapshot_sent_last &&
           progress.snapshot_sent_offset - progress.snapshot_acked_offset < config_.max_snapshot_inflight_bytes) {
        auto data = storage_.read_snapshot(progress.snapshot_sent_offset, config_.snapshot_chunk_bytes);
        if (!data.ok()) return;  // retried when the next heartbeat reply finds the transfer stalled
        RQ_ASSERT(!data->empty() || progress.snapshot_sent_offset == total, "empty snapshot read at",
                  progress.snapshot_sent_offset, "of", total);
        SnapshotChunk chunk{snapshot, total, progress.snapshot_sent_offset, std::move(data).value()};
        progress.snapshot_sent_offset += chunk.data.size();
        progress.snapshot_sent_last = chunk.is_last();
        send(to, std::move(chunk));
    }
}

void Node::on_snapshot_stalled(NodeId to, Progress& progress) {
    if (progress.snapshot_acked_offset == progress.snapshot_acked_at_last_heartbeat) {
        ++progress.snapshot_stalled_heartbeats;
    } else {
        progress.snapshot_stalled_heartbeats = 0;
    }
    progress.snapshot_acked_at_last_heartbeat = progress.snapshot_acked_offset;
    if (progress.snapshot_stalled_heartbeats >= snapshot_stall_heartbeats) {
        progress.snapshot_stalled_heartbeats = 0;
        progress.snapshot_sent_offset = progress.snapshot_acked_offset;
        progress.snapshot_sent_last = false;
        progress.snapshot_resent_from = progress.snapshot_acked_offset;
    }
    send_snapshot_chunks(to, progress);
}

void Node::on_snapshot_chunk(const Message& message, const SnapshotChunk& chunk) {
    follow_current_leader(message.from);
    auto& incoming = std::get<FollowerRole>(role_).incoming_snapshot;
    const SnapshotMetadata& snapshot = chunk.metadata;
    if (snapshot.index <= log_.committed() || log_.match_term(snapshot.index, snapshot.term)) {
        // We hold everything it covers already (thesis 5.3: "if existing log entry has same index
        // and term as snapshot's last included entry, retain log entries following it"). Its
        // entries are committed, so our log up to there is too.
        incoming.reset();
        if (snapshot.index > log_.committed()) log_.commit_to(snapshot.index);
        send(message.from, SnapshotResponse{snapshot.index, 0, false, false, true, log_.committed()});
        return;
    }
    if (log_.has_snapshot_to_persist()) {
        // A snapshot completed since the last Ready is not persisted yet. Chunks of another may not
        // join this batch: the driver writes a batch's chunks before installing its snapshot. Ask
        // for them again; the request leaves only after the install is durable.
        send(message.from, SnapshotResponse{snapshot.index, 0, false, true, false, {}});
        return;
    }
    // The first chunk starts a transfer, unless it is of the snapshot we are receiving already: then
    // it is a late duplicate (or the leader starting over), and as the leader's snapshot bytes do
    // not change within a term we keep what we hold and answer with where we are (below).
    if (chunk.offset == 0 && (!incoming || incoming->metadata != snapshot)) {
        incoming = FollowerRole::IncomingSnapshot{snapshot, 0, false, false};
    }
    if (!incoming || incoming->metadata != snapshot || chunk.offset != incoming->next_offset) {
        // Out of order: a gap (a chunk was lost) or a chunk we already hold (a copy, or the leader
        // missed our acknowledgement). Each kind is answered with the offset we expect, once:
        // further chunks of that kind are ignored until the transfer moves on or a heartbeat
        // re-arms the answer (see rearm_snapshot_gap_report). Answering every one would let a
        // window of copies earn a window of rewinds, each resending a window: the count doubled
        // every round trip (the simulator's message storm, seed 23 with 512-byte chunks).
        const bool same = incoming && incoming->metadata == snapshot;
        const std::uint64_t expected = same ? incoming->next_offset : 0;
        if (same) {
            bool& reported = chunk.offset > expected ? incoming->gap_reported : incoming->held_chunk_reported;
            if (reported) return;
            reported = true;
        }
        send(message.from, SnapshotResponse{snapshot.index, expected, false, true, false, {}});
        return;
    }
    incoming->next_offset += chunk.data.size();
    incoming->gap_reported = false;
    incoming->held_chunk_reported = false;
    const std::uint64_t next_offset = incoming->next_offset;
    snapshot_chunks_to_persist_.push_back(chunk);
    if (!chunk.is_last()) {
        send(message.from, SnapshotResponse{snapshot.index, next_offset, false, false, false, {}});
        return;
    }
    incoming.reset();
    log_.restore(snapshot);
    on_configuration_changed();
    send(message.from, SnapshotResponse{snapshot.index, next_offset, true, false, false, snapshot.index});
}

// A heartbeat from the leader: if we asked for a resend (after a gap, or after a chunk we hold) and
// are still waiting, the request may have been lost. The leader's stall resend starts from its last
// acknowledged offset, which can lie past our gap (it counted bytes we have since lost: a restarted
// transfer, a stale acknowledgement), so the next chunk past the gap must be answered again or the
// transfer stalls forever. One answer per heartbeat still keeps a window of chunks from causing a
// window of rewinds.
void Node::rearm_snapshot_gap_report() {
    auto& incoming = std::get<FollowerRole>(role_).incoming_snapshot;
    if (!incoming) return;
    incoming->gap_reported = false;
    incoming->held_chunk_reported = false;
}

void Node::on_snapshot_response(const Message& message, const SnapshotResponse& response) {
    Progress* responder = progress_of_responder(message.from);
    if (responder == nullptr) return;
    Progress& progress = *responder;
    if (progress.state != ProgressState::snapshot || response.snapshot_index != progress.snapshot_index) return;
    if (response.installed || response.rejected) {
        progress.maybe_update(response.installed ? response.snapshot_index : response.index);
        progress.become_probe();
        maybe_send_append(message.from, true);
        return;
    }
    if (!response.rewind) {
        progress.snapshot_acked_offset = std::max(progress.snapshot_acked_offset, response.next_offset);
    } else {
        // A rewind to where we last resent from, with nothing acknowledged past it since, asks for
        // chunks already on their way (a copy of the rewind, or one the follower sent before our
        // resend reached it). Resending the window for each would double the chunks in flight
        // every round trip. A resend that is lost after all is retried by the stall check.
        const bool already_resent = progress.snapshot_resent_from == response.next_offset &&
                                    progress.snapshot_acked_offset == response.next_offset;
        if (already_resent) return;
        progress.snapshot_acked_offset = response.next_offset;
        progress.snapshot_sent_offset = response.next_offset;
        progress.snapshot_sent_last = false;
        progress.snapshot_resent_from = response.next_offset;
    }
    send_snapshot_chunks(message.from, progress);
}

}  // namespace rq::raft
