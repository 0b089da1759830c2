#pragma once
// Framing of the node-to-node protocol: [magic "RQF1"][u32 payload length][u32 CRC32C of the
// payload][payload], integers little-endian. The magic catches a peer speaking another protocol at
// the first bytes; the checksum catches corruption TCP's weak checksum lets through; the length cap
// keeps a broken or hostile peer from making us allocate without bound.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "io/peer_codec.h"

namespace rq::io {

inline constexpr std::string_view frame_magic = "RQF1";
inline constexpr std::size_t frame_header_bytes = 12;

struct FrameHeader {
    std::uint32_t payload_bytes = 0;
    std::uint32_t checksum = 0;
};

// Header and payload of `frame`, ready to write.
[[nodiscard]] std::string encode_frame(const PeerFrame& frame);

// The first frame_header_bytes of a frame. Names a peer that answered with HTTP as such.
[[nodiscard]] Result<FrameHeader> parse_frame_header(std::string_view header, std::uint32_t max_frame_bytes);

// What to say when a connection ends after only `partial` bytes of a header arrived (for example an
// HTTP server's short answer): an error naming the protocol, or empty when nothing is recognisable.
[[nodiscard]] std::string describe_foreign_bytes(std::string_view partial);

// Checks the payload's checksum and decodes it.
[[nodiscard]] Result<PeerFrame> decode_frame_body(const FrameHeader& header, std::string_view payload);

// A whole frame (header and payload, nothing after it), as the tests and fuzzers see it.
[[nodiscard]] Result<PeerFrame> decode_frame(std::string_view bytes, std::uint32_t max_frame_bytes);

}  // namespace rq::io
