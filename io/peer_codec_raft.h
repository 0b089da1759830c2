#pragma once
// Internal to io/peer_codec.cc: raft::Message to and from its Cap'n Proto form. Decoders throw
// MalformedFrame (or let Cap'n Proto throw kj::Exception); decode_frame_payload() catches both.

#include <stdexcept>

#include "io/peer.capnp.h"
#include "raft/message.h"

namespace rq::io::codec {

// A structurally valid message whose contents break a rule of the protocol (an unknown enum value,
// an unsorted configuration).
struct MalformedFrame : std::runtime_error {
    using std::runtime_error::runtime_error;
};

void encode_raft_message(const raft::Message& message, wire::RaftMessage::Builder out);
[[nodiscard]] raft::Message decode_raft_message(wire::RaftMessage::Reader in);

}  // namespace rq::io::codec
