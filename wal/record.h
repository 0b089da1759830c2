#pragma once
// WAL record framing: every record carries two CRC32C checksums and an end marker, and is padded to
// a multiple of 8 bytes. See wal/README.md for the layout and for how a scan tells a torn tail (the
// last write of a crash, cut short) from corruption (bytes that were written whole and went bad).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rq::wal {

enum class RecordType : std::uint8_t {
    segment_header = 1,  // first record of every segment
    hard_state = 2,
    entry = 3,
    base_complete = 4,  // ends the prologue of a base segment: the segment is usable
};

inline constexpr std::size_t record_header_bytes = 16;
inline constexpr std::size_t record_alignment = 8;
// Format limit on one record's payload; a header claiming more is corrupt.
inline constexpr std::uint32_t record_payload_bytes_max = 64u << 20;
// The last byte of every record. Never zero, so a record whose end was zero-filled by a crash is
// recognisable as torn rather than rotten.
inline constexpr unsigned char record_end_marker = 0xA5;

// Bytes a record with this payload occupies on disk.
std::uint64_t framed_record_bytes(std::uint64_t payload_bytes);

// Appends one framed record to `out`. The payload must be at most record_payload_bytes_max.
void encode_record(RecordType type, std::string_view payload, std::string& out);
// The same record for the payload `prefix` followed by `rest`, without joining them first: an entry
// record is its fixed fields then its data, which can then go from the entry straight to `out`.
void encode_record(RecordType type, std::string_view prefix, std::string_view rest, std::string& out);

struct Record {
    RecordType type;
    std::uint64_t offset;      // of the record in the scanned bytes
    std::string_view payload;  // points into the scanned bytes
};

enum class TailState {
    clean,    // the bytes end exactly after the last valid record
    torn,     // after the last valid record comes a record cut short by a crash: safe to truncate
    corrupt,  // a bad record that a crash cannot explain (valid records follow it, or it is whole)
};

struct ScanResult {
    std::vector<Record> records;   // the valid records before the first bad one, in order
    std::uint64_t valid_bytes = 0;  // where the first bad record starts (the size if none)
    TailState tail = TailState::clean;
    std::string problem;  // what is wrong at valid_bytes, when tail is not clean
};

// Reads records from the start of `bytes` up to the first bad one and classifies what follows.
ScanResult scan_records(std::string_view bytes);

}  // namespace rq::wal
