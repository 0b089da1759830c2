#pragma once
// What the records of a WAL segment hold, and how segment files are named. Framing and checksums
// are in record.h; the format is described in wal/README.md.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "raft/types.h"

namespace rq::wal {

// The last entry a snapshot covers: the log starts right after it.
struct SnapshotPoint {
    raft::Index index;
    raft::Term term;
    bool operator==(const SnapshotPoint&) const = default;
};

enum class SegmentKind : std::uint8_t {
    // Starts a new history: the segment's prologue holds the snapshot point, the hard state and every
    // entry after the snapshot, then a base_complete record. Older segments are obsolete once a
    // base segment is complete.
    base = 1,
    // Continues the segment before it (same history), started when that one reached its size limit.
    continuation = 2,
};

struct SegmentHeader {
    SegmentKind kind = SegmentKind::base;
    std::uint64_t sequence = 0;  // the number in the file name
    SnapshotPoint snapshot;      // base segments only; zero in continuations
};

inline constexpr std::uint64_t segment_magic = 0x4745534C41575152ULL;  // "RQWALSEG" read little-endian
inline constexpr std::uint32_t segment_format_version = 1;

// "0000000000000003.wal": the sequence number in 16 hex digits, so names sort in sequence order.
std::string segment_file_name(std::uint64_t sequence);
std::optional<std::uint64_t> parse_segment_file_name(std::string_view name);


// Decoders fail with ErrorCode::corrupt and a message saying what does not parse.
Result<SegmentHeader> decode_segment_header(std::string_view payload);
Result<raft::HardState> decode_hard_state(std::string_view payload);
Result<raft::Entry> decode_entry(std::string_view payload);

// Indexes and terms at or above this are treated as corrupt on decode: far beyond any real log, and
// it keeps index arithmetic (index + 1, last + count) clear of overflow on hostile input.
inline constexpr std::uint64_t wal_number_limit = 1ULL << 62;

// Payload bytes of an entry record besides its data.
inline constexpr std::uint64_t entry_payload_overhead_bytes = 17;

// Record payloads, built on the stack (the write path runs once per entry and per Ready): an entry
// record's payload is entry_fields(entry) followed by entry.data, which encode_record takes as two
// pieces; a hard state record's is hard_state_fields(state), a segment header's
// segment_header_fields(header).
using EntryFields = std::array<char, entry_payload_overhead_bytes>;
using HardStateFields = std::array<char, 24>;
using SegmentHeaderFields = std::array<char, 8 + 4 + 1 + 8 + 8 + 8>;  // magic, version, kind, sequence, snapshot
EntryFields entry_fields(const raft::Entry& entry);
HardStateFields hard_state_fields(const raft::HardState& state);
SegmentHeaderFields segment_header_fields(const SegmentHeader& header);
template <std::size_t size>
std::string_view as_view(const std::array<char, size>& fields) {
    return {fields.data(), fields.size()};
}

}  // namespace rq::wal
