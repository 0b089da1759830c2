#pragma once
// The frames of the node-to-node protocol as plain values, and their Cap'n Proto payload encoding
// (io/peer.capnp). The framing around a payload (magic, length, checksum) is io/peer_frame.h.
//
// Decoding takes bytes from the network: anything malformed is an Error, never a crash or an
// exception; the reader's traversal limit is proportional to the payload so a hostile message cannot
// make it read far more than it sent.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"
#include "io/cluster_messages.h"
#include "raft/message.h"

namespace rq::io {

// Bumped when a change makes frames unreadable by older nodes; a hello with another version is refused.
inline constexpr std::uint32_t peer_protocol_version = 1;

struct Hello {
    std::uint32_t protocol_version = peer_protocol_version;
    std::string node_id;
    std::string raft_address;
    bool operator==(const Hello&) const = default;
};

struct RaftBatch {
    std::vector<raft::Message> messages;
    bool operator==(const RaftBatch&) const = default;
};

struct Ping {
    std::uint64_t nonce = 0;
    bool operator==(const Ping&) const = default;
};

struct Pong {
    std::uint64_t nonce = 0;
    bool operator==(const Pong&) const = default;
};

struct CallRequest {
    std::uint64_t call_id = 0;
    ClusterRequest request;
    bool operator==(const CallRequest&) const = default;
};

struct CallResponse {
    std::uint64_t call_id = 0;
    ClusterResponse response;
    bool operator==(const CallResponse&) const = default;
};

using PeerFrame = std::variant<Hello, RaftBatch, Ping, Pong, CallRequest, CallResponse>;

[[nodiscard]] const char* frame_kind_name(const PeerFrame& frame);

// The Cap'n Proto payload of a frame (a multiple of 8 bytes).
[[nodiscard]] std::string encode_frame_payload(const PeerFrame& frame);
// `prefix` bytes of zeros come before the payload in the returned string, so the framing can fill in
// its header without copying the payload again.
[[nodiscard]] std::string encode_frame_payload(const PeerFrame& frame, std::size_t prefix);

[[nodiscard]] Result<PeerFrame> decode_frame_payload(std::string_view payload);

}  // namespace rq::io
