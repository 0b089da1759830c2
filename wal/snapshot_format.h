#pragma once
// The snapshot file format: a header (index, term, configuration, sizes, the data checksum, and a
// checksum of the header itself), the data, then a table of CRC32C checksums, one per block of data.
// The header's data checksum is the CRC32C of that table, so it covers every byte of data while a
// reader can still verify any block on its own. Layout in wal/README.md.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "raft/types.h"

namespace rq::wal {

inline constexpr std::uint64_t snapshot_magic = 0x48534E5041535152ULL;  // "RQSNAPSH" read little-endian
inline constexpr std::uint32_t snapshot_format_version = 1;
inline constexpr std::uint32_t snapshot_block_bytes = 64u << 10;
// Format limits: a header claiming more is corrupt.
inline constexpr std::uint32_t snapshot_members_max = 4096;
inline constexpr std::uint64_t snapshot_data_bytes_max = 1ULL << 40;
// The fixed part of the header, before the member ids; enough to learn the header's full size.
inline constexpr std::uint64_t snapshot_fixed_header_bytes = 56;

struct SnapshotHeader {
    raft::SnapshotMetadata metadata;
    std::uint64_t data_bytes = 0;
    std::uint32_t block_bytes = snapshot_block_bytes;
    std::uint32_t data_checksum = 0;  // CRC32C of the block checksum table

    [[nodiscard]] std::uint64_t header_bytes() const;
    [[nodiscard]] std::uint64_t block_count() const;
    [[nodiscard]] std::uint64_t table_offset() const { return header_bytes() + data_bytes; }
    [[nodiscard]] std::uint64_t file_bytes() const { return table_offset() + 4 * block_count(); }
};

std::string encode_snapshot_header(const SnapshotHeader& header);
// From the first snapshot_fixed_header_bytes of a file: the header's total size, or corrupt.
Result<std::uint64_t> decode_snapshot_header_size(std::string_view fixed_part);
// Decodes and verifies a whole header (its checksum and its limits); errors are corrupt.
Result<SnapshotHeader> decode_snapshot_header(std::string_view bytes);

// "snapshot-<index>-<term>.snap" with 16 hex digits each, so names sort by index; temp files add
// ".tmp" until they are complete.
std::string snapshot_file_name(raft::Index index, raft::Term term);
std::string snapshot_temp_file_name(raft::Index index, raft::Term term);
struct SnapshotName {
    raft::Index index;
    raft::Term term;
};
std::optional<SnapshotName> parse_snapshot_file_name(std::string_view name);
bool is_snapshot_temp_file_name(std::string_view name);

}  // namespace rq::wal
