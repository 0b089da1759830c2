#include "io/peer_frame.h"

#include <cstring>

#include "base/crc32c.h"

namespace rq::io {

namespace {

void put_u32(char* out, std::uint32_t value) {
    for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((value >> (8 * i)) & 0xffu);
}

std::uint32_t get_u32(const char* in) {
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i) value |= static_cast<std::uint32_t>(static_cast<unsigned char>(in[i])) << (8 * i);
    return value;
}

std::string printable_prefix(std::string_view bytes) {
    std::string out;
    for (char c : bytes.substr(0, frame_header_bytes)) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte < 0x7f) {
            out.push_back(c);
        } else {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\x";
            out.push_back(hex[byte >> 4]);
            out.push_back(hex[byte & 0xf]);
        }
    }
    return out;
}

}  // namespace

std::string encode_frame(const PeerFrame& frame) {
    std::string bytes = encode_frame_payload(frame, frame_header_bytes);
    const std::string_view payload = std::string_view(bytes).substr(frame_header_bytes);
    std::memcpy(bytes.data(), frame_magic.data(), frame_magic.size());
    put_u32(bytes.data() + 4, static_cast<std::uint32_t>(payload.size()));
    put_u32(bytes.data() + 8, crc32c(payload));
    return bytes;
}

std::string describe_foreign_bytes(std::string_view partial) {
    if (partial.starts_with("HTTP/")) return "the peer speaks HTTP, not the Raft protocol (is this its HTTP address?)";
    if (partial.size() >= 2 && partial[0] == 0x16 && partial[1] == 0x03) {
        return "the peer speaks TLS, not the plain Raft protocol";
    }
    return {};
}

Result<FrameHeader> parse_frame_header(std::string_view header, std::uint32_t max_frame_bytes) {
    if (header.size() < frame_header_bytes) {
        return Error(ErrorCode::corrupt, "frame header: " + std::to_string(header.size()) + " of " +
                                             std::to_string(frame_header_bytes) + " bytes");
    }
    if (!header.starts_with(frame_magic)) {
        std::string foreign = describe_foreign_bytes(header);
        if (!foreign.empty()) return Error(ErrorCode::corrupt, std::move(foreign));
        return Error(ErrorCode::corrupt, "bad frame magic \"" + printable_prefix(header) + "\" (not an rqlite node?)");
    }
    FrameHeader parsed{get_u32(header.data() + 4), get_u32(header.data() + 8)};
    if (parsed.payload_bytes > max_frame_bytes) {
        return Error(ErrorCode::corrupt, "frame of " + std::to_string(parsed.payload_bytes) +
                                             " bytes exceeds the limit of " + std::to_string(max_frame_bytes));
    }
    return parsed;
}

Result<PeerFrame> decode_frame_body(const FrameHeader& header, std::string_view payload) {
    if (payload.size() != header.payload_bytes) {
        return Error(ErrorCode::corrupt, "frame payload: " + std::to_string(payload.size()) + " bytes, header says " +
                                             std::to_string(header.payload_bytes));
    }
    if (crc32c(payload) != header.checksum) return Error(ErrorCode::corrupt, "frame checksum mismatch");
    return decode_frame_payload(payload);
}

Result<PeerFrame> decode_frame(std::string_view bytes, std::uint32_t max_frame_bytes) {
    auto header = parse_frame_header(bytes, max_frame_bytes);
    if (!header.ok()) return header.error();
    return decode_frame_body(*header, bytes.substr(frame_header_bytes));
}

}  // namespace rq::io
