#include "io/peer_codec_raft.h"

#include <algorithm>
#include <string>

namespace rq::io::codec {

namespace {

kj::ArrayPtr<const kj::byte> as_bytes(std::string_view text) {
    return {reinterpret_cast<const kj::byte*>(text.data()), text.size()};
}

std::string to_string(capnp::Data::Reader data) {
    return {reinterpret_cast<const char*>(data.begin()), data.size()};
}

// --- encoding ---

void encode_ids(const std::vector<raft::NodeId>& ids, capnp::List<std::uint64_t>::Builder out) {
    for (unsigned i = 0; i < ids.size(); ++i) out.set(i, ids[i].value());
}

void encode_metadata(const raft::SnapshotMetadata& metadata, wire::SnapshotMetadata::Builder out) {
    out.setIndex(metadata.index.value());
    out.setTerm(metadata.term.value());
    auto config = out.initConfig();
    encode_ids(metadata.config.voters, config.initVoters(static_cast<unsigned>(metadata.config.voters.size())));
    encode_ids(metadata.config.learners, config.initLearners(static_cast<unsigned>(metadata.config.learners.size())));
}

wire::EntryType to_wire(raft::EntryType type) {
    switch (type) {
        case raft::EntryType::normal: return wire::EntryType::NORMAL;
        case raft::EntryType::config: return wire::EntryType::CONFIG;
        case raft::EntryType::noop: return wire::EntryType::NOOP;
    }
    throw MalformedFrame("unknown entry type");  // unreachable for a valid enum value
}

void encode_append(const raft::AppendRequest& request, wire::AppendRequest::Builder out) {
    out.setPrevIndex(request.prev_index.value());
    out.setPrevTerm(request.prev_term.value());
    out.setCommit(request.commit.value());
    auto entries = out.initEntries(static_cast<unsigned>(request.entries.size()));
    for (unsigned i = 0; i < request.entries.size(); ++i) {
        const raft::Entry& entry = request.entries[i];
        auto wire_entry = entries[i];
        wire_entry.setTerm(entry.term.value());
        wire_entry.setIndex(entry.index.value());
        wire_entry.setType(to_wire(entry.type));
        wire_entry.setData(as_bytes(entry.data.view()));
    }
}

struct PayloadEncoder {
    mutable wire::RaftMessage::Payload::Builder out;  // builders write through non-const members

    void operator()(const raft::VoteRequest& m) const {
        auto w = out.initVoteRequest();
        w.setPreVote(m.pre_vote);
        w.setLeadershipTransfer(m.leadership_transfer);
        w.setLastLogIndex(m.last_log_index.value());
        w.setLastLogTerm(m.last_log_term.value());
    }
    void operator()(const raft::VoteResponse& m) const {
        auto w = out.initVoteResponse();
        w.setPreVote(m.pre_vote);
        w.setGranted(m.granted);
    }
    void operator()(const raft::AppendRequest& m) const { encode_append(m, out.initAppendRequest()); }
    void operator()(const raft::AppendResponse& m) const {
        auto w = out.initAppendResponse();
        w.setRejected(m.rejected);
        w.setIndex(m.index.value());
        w.setHintIndex(m.hint_index.value());
        w.setHintTerm(m.hint_term.value());
    }
    void operator()(const raft::Heartbeat& m) const {
        auto w = out.initHeartbeat();
        w.setCommit(m.commit.value());
        w.setReadRound(m.read_round);
    }
    void operator()(const raft::HeartbeatResponse& m) const { out.setHeartbeatResponse(m.read_round); }
    void operator()(const raft::SnapshotChunk& m) const {
        auto w = out.initSnapshotChunk();
        encode_metadata(m.metadata, w.initMetadata());
        w.setTotalBytes(m.total_bytes);
        w.setOffset(m.offset);
        w.setData(as_bytes(m.data));
    }
    void operator()(const raft::SnapshotResponse& m) const {
        auto w = out.initSnapshotResponse();
        w.setSnapshotIndex(m.snapshot_index.value());
        w.setNextOffset(m.next_offset);
        w.setInstalled(m.installed);
        w.setRewind(m.rewind);
        w.setRejected(m.rejected);
        w.setIndex(m.index.value());
    }
    void operator()(const raft::TimeoutNow&) const { out.setTimeoutNow(); }
    void operator()(const raft::ReadIndexRequest& m) const { out.setReadIndexRequest(m.read_id); }
    void operator()(const raft::ReadIndexResponse& m) const {
        auto w = out.initReadIndexResponse();
        w.setReadId(m.read_id);
        w.setIndex(m.index.value());
    }
};

// --- decoding ---

// The core keeps both lists sorted and disjoint and relies on it (binary searches): a peer's
// configuration that breaks this is refused here rather than trusted.
std::vector<raft::NodeId> decode_ids(capnp::List<std::uint64_t>::Reader in) {
    std::vector<raft::NodeId> ids;
    ids.reserve(in.size());
    for (std::uint64_t id : in) {
        if (!ids.empty() && ids.back().value() >= id) throw MalformedFrame("configuration ids not strictly ascending");
        ids.emplace_back(id);
    }
    return ids;
}

raft::SnapshotMetadata decode_metadata(wire::SnapshotMetadata::Reader in) {
    raft::SnapshotMetadata metadata;
    metadata.index = raft::Index(in.getIndex());
    metadata.term = raft::Term(in.getTerm());
    metadata.config.voters = decode_ids(in.getConfig().getVoters());
    metadata.config.learners = decode_ids(in.getConfig().getLearners());
    for (raft::NodeId learner : metadata.config.learners) {
        if (metadata.config.is_voter(learner)) throw MalformedFrame("configuration lists a node as voter and learner");
    }
    return metadata;
}

raft::EntryType from_wire(wire::EntryType type) {
    switch (type) {
        case wire::EntryType::NORMAL: return raft::EntryType::normal;
        case wire::EntryType::CONFIG: return raft::EntryType::config;
        case wire::EntryType::NOOP: return raft::EntryType::noop;
    }
    throw MalformedFrame("unknown entry type " + std::to_string(static_cast<unsigned>(type)));
}

raft::AppendRequest decode_append(wire::AppendRequest::Reader in) {
    raft::AppendRequest request;
    request.prev_index = raft::Index(in.getPrevIndex());
    request.prev_term = raft::Term(in.getPrevTerm());
    request.commit = raft::Index(in.getCommit());
    request.entries.reserve(in.getEntries().size());
    for (auto wire_entry : in.getEntries()) {
        raft::Entry entry;
        entry.term = raft::Term(wire_entry.getTerm());
        entry.index = raft::Index(wire_entry.getIndex());
        entry.type = from_wire(wire_entry.getType());
        entry.data = SharedBytes(to_string(wire_entry.getData()));
        request.entries.push_back(std::move(entry));
    }
    return request;
}

raft::MessagePayload decode_payload(wire::RaftMessage::Payload::Reader in) {
    using W = wire::RaftMessage::Payload;
    switch (in.which()) {
        case W::VOTE_REQUEST: {
            auto w = in.getVoteRequest();
            return raft::VoteRequest{w.getPreVote(), w.getLeadershipTransfer(), raft::Index(w.getLastLogIndex()),
                                     raft::Term(w.getLastLogTerm())};
        }
        case W::VOTE_RESPONSE: return raft::VoteResponse{in.getVoteResponse().getPreVote(), in.getVoteResponse().getGranted()};
        case W::APPEND_REQUEST: return decode_append(in.getAppendRequest());
        case W::APPEND_RESPONSE: {
            auto w = in.getAppendResponse();
            return raft::AppendResponse{w.getRejected(), raft::Index(w.getIndex()), raft::Index(w.getHintIndex()),
                                        raft::Term(w.getHintTerm())};
        }
        case W::HEARTBEAT: return raft::Heartbeat{raft::Index(in.getHeartbeat().getCommit()), in.getHeartbeat().getReadRound()};
        case W::HEARTBEAT_RESPONSE: return raft::HeartbeatResponse{in.getHeartbeatResponse()};
        case W::SNAPSHOT_CHUNK: {
            auto w = in.getSnapshotChunk();
            return raft::SnapshotChunk{decode_metadata(w.getMetadata()), w.getTotalBytes(), w.getOffset(),
                                       to_string(w.getData())};
        }
        case W::SNAPSHOT_RESPONSE: {
            auto w = in.getSnapshotResponse();
            return raft::SnapshotResponse{raft::Index(w.getSnapshotIndex()), w.getNextOffset(), w.getInstalled(),
                                          w.getRewind(), w.getRejected(), raft::Index(w.getIndex())};
        }
        case W::TIMEOUT_NOW: return raft::TimeoutNow{};
        case W::READ_INDEX_REQUEST: return raft::ReadIndexRequest{in.getReadIndexRequest()};
        case W::READ_INDEX_RESPONSE:
            return raft::ReadIndexResponse{in.getReadIndexResponse().getReadId(),
                                           raft::Index(in.getReadIndexResponse().getIndex())};
    }
    throw MalformedFrame("unknown raft message kind " + std::to_string(static_cast<unsigned>(in.which())));
}

}  // namespace

void encode_raft_message(const raft::Message& message, wire::RaftMessage::Builder out) {
    out.setFrom(message.from.value());
    out.setTo(message.to.value());
    out.setTerm(message.term.value());
    std::visit(PayloadEncoder{out.getPayload()}, message.payload);
}

raft::Message decode_raft_message(wire::RaftMessage::Reader in) {
    return raft::Message{raft::NodeId(in.getFrom()), raft::NodeId(in.getTo()), raft::Term(in.getTerm()),
                         decode_payload(in.getPayload())};
}

}  // namespace rq::io::codec
