#include "io/peer_codec.h"

#include <capnp/message.h>
#include <capnp/serialize.h>

#include <cstring>

#include "io/peer_codec_raft.h"

namespace rq::io {

namespace {

using codec::MalformedFrame;

capnp::Text::Reader as_text(const std::string& text) { return {text.data(), text.size()}; }
kj::ArrayPtr<const kj::byte> as_bytes(const std::string& text) {
    return {reinterpret_cast<const kj::byte*>(text.data()), text.size()};
}
std::string to_string(capnp::Text::Reader text) { return {text.begin(), text.size()}; }
std::string to_string(capnp::Data::Reader data) { return {reinterpret_cast<const char*>(data.begin()), data.size()}; }

// --- cluster service ---

void encode_meta(const node::NodeMeta& meta, wire::NodeMeta::Builder out) {
    out.setId(as_text(meta.id));
    out.setRaftAddress(as_text(meta.raft_address));
    out.setHttpAddress(as_text(meta.http_address));
}

node::NodeMeta decode_meta(wire::NodeMeta::Reader in) {
    return {to_string(in.getId()), to_string(in.getRaftAddress()), to_string(in.getHttpAddress())};
}

struct RequestEncoder {
    mutable wire::ClusterRequest::Kind::Builder out;  // builders write through non-const members

    void operator()(const JoinRequest& r) const {
        auto w = out.initJoin();
        encode_meta(r.meta, w.initMeta());
        w.setVoter(r.voter);
    }
    void operator()(const NotifyRequest& r) const { encode_meta(r.meta, out.initNotify()); }
    void operator()(const ForwardRequest& r) const {
        auto w = out.initForward();
        w.setMethod(as_text(r.method));
        w.setTarget(as_text(r.target));
        w.setContentType(as_text(r.content_type));
        w.setAuthorization(as_text(r.authorization));
        w.setBody(as_bytes(r.body));
    }
    void operator()(const MetadataRequest&) const { out.setMetadata(); }
    void operator()(const RemoveRequest& r) const { out.setRemove(as_text(r.node_id)); }
    void operator()(const TransferRequest& r) const { out.setTransfer(as_text(r.target_id)); }
};

ClusterRequest decode_request(wire::ClusterRequest::Kind::Reader in) {
    using W = wire::ClusterRequest::Kind;
    switch (in.which()) {
        case W::JOIN: return JoinRequest{decode_meta(in.getJoin().getMeta()), in.getJoin().getVoter()};
        case W::NOTIFY: return NotifyRequest{decode_meta(in.getNotify())};
        case W::FORWARD: {
            auto w = in.getForward();
            return ForwardRequest{to_string(w.getMethod()), to_string(w.getTarget()), to_string(w.getContentType()),
                                  to_string(w.getAuthorization()), to_string(w.getBody())};
        }
        case W::METADATA: return MetadataRequest{};
        case W::REMOVE: return RemoveRequest{to_string(in.getRemove())};
        case W::TRANSFER: return TransferRequest{to_string(in.getTransfer())};
    }
    throw MalformedFrame("unknown cluster request kind " + std::to_string(static_cast<unsigned>(in.which())));
}

void encode_response(const CallResponse& call, wire::ClusterResponse::Builder out) {
    const ClusterResponse& r = call.response;
    out.setCallId(call.call_id);
    out.setError(as_text(r.error));
    out.setLeaderRaftAddress(as_text(r.leader_raft_address));
    out.setHttpStatus(r.http_status);
    auto headers = out.initHttpHeaders(static_cast<unsigned>(r.http_headers.size()));
    for (unsigned i = 0; i < r.http_headers.size(); ++i) {
        headers[i].setName(as_text(r.http_headers[i].first));
        headers[i].setValue(as_text(r.http_headers[i].second));
    }
    out.setHttpBody(as_bytes(r.http_body));
    encode_meta(r.meta, out.initMeta());
    out.setVersion(as_text(r.version));
}

CallResponse decode_response(wire::ClusterResponse::Reader in) {
    CallResponse call;
    call.call_id = in.getCallId();
    ClusterResponse& r = call.response;
    r.error = to_string(in.getError());
    r.leader_raft_address = to_string(in.getLeaderRaftAddress());
    r.http_status = in.getHttpStatus();
    for (auto header : in.getHttpHeaders()) r.http_headers.emplace_back(to_string(header.getName()), to_string(header.getValue()));
    r.http_body = to_string(in.getHttpBody());
    r.meta = decode_meta(in.getMeta());
    r.version = to_string(in.getVersion());
    return call;
}

// --- frames ---

struct FrameEncoder {
    mutable wire::Frame::Builder out;  // builders write through non-const members

    void operator()(const Hello& hello) const {
        auto w = out.initHello();
        w.setProtocolVersion(hello.protocol_version);
        w.setNodeId(as_text(hello.node_id));
        w.setRaftAddress(as_text(hello.raft_address));
    }
    void operator()(const RaftBatch& batch) const {
        auto list = out.initRaftBatch(static_cast<unsigned>(batch.messages.size()));
        for (unsigned i = 0; i < batch.messages.size(); ++i) codec::encode_raft_message(batch.messages[i], list[i]);
    }
    void operator()(const Ping& ping) const { out.setPing(ping.nonce); }
    void operator()(const Pong& pong) const { out.setPong(pong.nonce); }
    void operator()(const CallRequest& call) const {
        auto w = out.initRequest();
        w.setCallId(call.call_id);
        std::visit(RequestEncoder{w.getKind()}, call.request);
    }
    void operator()(const CallResponse& call) const { encode_response(call, out.initResponse()); }
};

PeerFrame decode_frame(wire::Frame::Reader in) {
    switch (in.which()) {
        case wire::Frame::HELLO: {
            auto w = in.getHello();
            return Hello{w.getProtocolVersion(), to_string(w.getNodeId()), to_string(w.getRaftAddress())};
        }
        case wire::Frame::RAFT_BATCH: {
            RaftBatch batch;
            batch.messages.reserve(in.getRaftBatch().size());
            for (auto message : in.getRaftBatch()) batch.messages.push_back(codec::decode_raft_message(message));
            return batch;
        }
        case wire::Frame::PING: return Ping{in.getPing()};
        case wire::Frame::PONG: return Pong{in.getPong()};
        case wire::Frame::REQUEST:
            return CallRequest{in.getRequest().getCallId(), decode_request(in.getRequest().getKind())};
        case wire::Frame::RESPONSE: return decode_response(in.getResponse());
    }
    throw MalformedFrame("unknown frame kind " + std::to_string(static_cast<unsigned>(in.which())));
}

Result<PeerFrame> decode_words(kj::ArrayPtr<const capnp::word> words) {
    capnp::ReaderOptions options;
    // A valid frame is read about once over; the slack covers list headers and empty structs. Without
    // a limit proportional to the input, a small frame of overlapping pointers could make the reader
    // walk gigabytes (Cap'n Proto's "amplification attack").
    options.traversalLimitInWords = words.size() * 4 + 1024;
    options.nestingLimit = 16;  // our schema nests at most 6 deep
    try {
        capnp::FlatArrayMessageReader reader(words, options);
        if (reader.getEnd() != words.end()) return Error(ErrorCode::corrupt, "trailing bytes after the message");
        return decode_frame(reader.getRoot<wire::Frame>());
    } catch (const kj::Exception& exception) {
        return Error(ErrorCode::corrupt, std::string(exception.getDescription().cStr()));
    } catch (const std::exception& exception) {
        return Error(ErrorCode::corrupt, exception.what());
    }
}

}  // namespace

const char* frame_kind_name(const PeerFrame& frame) {
    static constexpr const char* names[] = {"hello", "raft batch", "ping", "pong", "call request", "call response"};
    static_assert(std::size(names) == std::variant_size_v<PeerFrame>);
    return names[frame.index()];
}

std::string encode_frame_payload(const PeerFrame& frame) { return encode_frame_payload(frame, 0); }

std::string encode_frame_payload(const PeerFrame& frame, std::size_t prefix) {
    capnp::MallocMessageBuilder message;
    std::visit(FrameEncoder{message.initRoot<wire::Frame>()}, frame);
    kj::Array<capnp::word> words = capnp::messageToFlatArray(message);
    auto bytes = words.asBytes();
    std::string out(prefix + bytes.size(), '\0');
    std::memcpy(out.data() + prefix, bytes.begin(), bytes.size());
    return out;
}

Result<PeerFrame> decode_frame_payload(std::string_view payload) {
    if (payload.empty() || payload.size() % sizeof(capnp::word) != 0) {
        return Error(ErrorCode::corrupt, "decode frame: payload of " + std::to_string(payload.size()) +
                                             " bytes is not a positive multiple of 8");
    }
    const std::size_t word_count = payload.size() / sizeof(capnp::word);
    // Cap'n Proto reads words in place, so they must be word-aligned; a heap string almost always is.
    Result<PeerFrame> frame = Error(ErrorCode::internal, "");
    if (reinterpret_cast<std::uintptr_t>(payload.data()) % alignof(capnp::word) == 0) {
        frame = decode_words({reinterpret_cast<const capnp::word*>(payload.data()), word_count});
    } else {
        auto words = kj::heapArray<capnp::word>(word_count);
        std::memcpy(words.begin(), payload.data(), payload.size());
        frame = decode_words(words.asPtr());
    }
    if (!frame.ok()) return frame.error().with_context("decode frame");
    return frame;
}

}  // namespace rq::io
