#include "wal/record.h"

#include <algorithm>
#include <cstring>

#include "base/assert.h"
#include "base/crc32c.h"
#include "wal/byte_order.h"

namespace rq::wal {
namespace {

// Header layout: [0,4) header crc over [4,16) | [4,8) payload crc | [8,12) payload length |
// [12,15) zero | [15] type. The type is last so that a header whose end is zero-filled fails
// its checksum and reads as torn.
constexpr std::size_t header_crc_offset = 0;
constexpr std::size_t payload_crc_offset = 4;
constexpr std::size_t payload_length_offset = 8;
constexpr std::size_t type_offset = 15;

bool known_type(unsigned char type) {
    return type >= static_cast<unsigned char>(RecordType::segment_header) &&
           type <= static_cast<unsigned char>(RecordType::base_complete);
}

// Whether the header at `offset` is intact: its checksum matches and its fields are in range. Its
// length can then be trusted, even if the payload is bad.
bool header_intact(std::string_view bytes, std::size_t offset) {
    if (bytes.size() - offset < record_header_bytes) return false;
    const std::string_view header = bytes.substr(offset, record_header_bytes);
    if (get_u32_at(header, header_crc_offset) != crc32c(header.substr(4))) return false;
    if (header[12] != 0 || header[13] != 0 || header[14] != 0) return false;
    return known_type(static_cast<unsigned char>(header[type_offset])) &&
           get_u32_at(header, payload_length_offset) <= record_payload_bytes_max;
}

std::uint64_t payload_length_at(std::string_view bytes, std::size_t offset) {
    return get_u32_at(bytes, offset + payload_length_offset);
}

// Whether a whole valid record starts at `offset` (header intact, payload, padding and end marker).
bool record_valid(std::string_view bytes, std::size_t offset) {
    if (!header_intact(bytes, offset)) return false;
    const std::uint64_t payload_length = payload_length_at(bytes, offset);
    const std::uint64_t framed = framed_record_bytes(payload_length);
    if (framed > bytes.size() - offset) return false;
    const std::string_view record = bytes.substr(offset, static_cast<std::size_t>(framed));
    const std::string_view payload = record.substr(record_header_bytes, static_cast<std::size_t>(payload_length));
    if (get_u32_at(record, payload_crc_offset) != crc32c(payload)) return false;
    if (static_cast<unsigned char>(record.back()) != record_end_marker) return false;
    const std::string_view padding =
        record.substr(record_header_bytes + payload.size(), record.size() - record_header_bytes - payload.size() - 1);
    return std::all_of(padding.begin(), padding.end(), [](char c) { return c == 0; });
}

bool any_valid_record_from(std::string_view bytes, std::size_t offset) {
    for (std::size_t at = offset; at + record_header_bytes <= bytes.size(); at += record_alignment) {
        if (record_valid(bytes, at)) return true;
    }
    return false;
}

bool all_zero_from(std::string_view bytes, std::size_t offset) {
    return std::all_of(bytes.begin() + static_cast<std::ptrdiff_t>(offset), bytes.end(), [](char c) { return c == 0; });
}

// Classifies the bad record at `offset`. A crash tears only the last write: the file then ends
// inside the record (or its end was zero-filled) and nothing valid follows. Anything else is
// corruption of bytes that were once written whole.
void classify_bad_record(std::string_view bytes, std::size_t offset, ScanResult& result) {
    result.valid_bytes = offset;
    const bool header_ok = header_intact(bytes, offset);
    // The last byte the record must have: the end marker if the length is known, else the type.
    std::uint64_t last_byte = offset + record_header_bytes - 1;
    std::size_t scan_from = offset + record_alignment;
    if (header_ok) {
        last_byte = offset + framed_record_bytes(payload_length_at(bytes, offset)) - 1;
        scan_from = static_cast<std::size_t>(std::min<std::uint64_t>(last_byte + 1, bytes.size()));
    }
    if (last_byte >= bytes.size()) {
        // Cut short by the end of the file; with an intact header nothing can follow it.
        if (header_ok || !any_valid_record_from(bytes, scan_from)) {
            result.tail = TailState::torn;
            result.problem = "record cut short by the end of the file";
            return;
        }
    } else if (!any_valid_record_from(bytes, scan_from) && all_zero_from(bytes, static_cast<std::size_t>(last_byte))) {
        result.tail = TailState::torn;
        result.problem = "record zero-filled to the end of the file";
        return;
    }
    result.tail = TailState::corrupt;
    result.problem = header_ok ? "record fails its payload checksum" : "record header fails its checksum";
    if (any_valid_record_from(bytes, scan_from)) result.problem += ", and valid records follow it";
}

}  // namespace

std::uint64_t framed_record_bytes(std::uint64_t payload_bytes) {
    const std::uint64_t unpadded = record_header_bytes + payload_bytes + 1;
    return (unpadded + record_alignment - 1) / record_alignment * record_alignment;
}

void encode_record(RecordType type, std::string_view payload, std::string& out) {
    encode_record(type, payload, {}, out);
}

void encode_record(RecordType type, std::string_view prefix, std::string_view rest, std::string& out) {
    const std::size_t payload_bytes = prefix.size() + rest.size();
    RQ_ASSERT(payload_bytes <= record_payload_bytes_max, payload_bytes);
    const std::size_t start = out.size();
    const auto framed = static_cast<std::size_t>(framed_record_bytes(payload_bytes));
    out.resize(start + framed);  // zero-filled: the header's bytes [12, 15) and the padding stay so
    char* record = out.data() + start;
    if (!prefix.empty()) std::memcpy(record + record_header_bytes, prefix.data(), prefix.size());
    if (!rest.empty()) std::memcpy(record + record_header_bytes + prefix.size(), rest.data(), rest.size());
    store_u32(record + payload_crc_offset, crc32c({record + record_header_bytes, payload_bytes}));
    store_u32(record + payload_length_offset, static_cast<std::uint32_t>(payload_bytes));
    record[type_offset] = static_cast<char>(type);
    store_u32(record + header_crc_offset, crc32c({record + 4, record_header_bytes - 4}));
    record[framed - 1] = static_cast<char>(record_end_marker);
}

ScanResult scan_records(std::string_view bytes) {
    ScanResult result;
    std::size_t offset = 0;
    while (offset < bytes.size()) {
        if (!record_valid(bytes, offset)) {
            classify_bad_record(bytes, offset, result);
            return result;
        }
        const std::uint64_t payload_length = payload_length_at(bytes, offset);
        const auto type = static_cast<RecordType>(static_cast<unsigned char>(bytes[offset + type_offset]));
        result.records.push_back(
            Record{type, offset, bytes.substr(offset + record_header_bytes, static_cast<std::size_t>(payload_length))});
        offset += static_cast<std::size_t>(framed_record_bytes(payload_length));
    }
    result.valid_bytes = offset;
    return result;
}

}  // namespace rq::wal
