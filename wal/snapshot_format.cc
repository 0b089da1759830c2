#include "wal/snapshot_format.h"

#include "base/crc32c.h"
#include "wal/byte_order.h"

namespace rq::wal {
namespace {

constexpr std::string_view snapshot_suffix = ".snap";
constexpr std::string_view temp_suffix = ".snap.tmp";
constexpr std::string_view name_prefix = "snapshot-";

// Configuration's contract: both lists sorted, disjoint, and no id is 0 (no_node).
bool configuration_well_formed(const raft::Configuration& config) {
    auto strictly_sorted = [](const std::vector<raft::NodeId>& ids) {
        for (std::size_t i = 0; i < ids.size(); ++i) {
            if (ids[i] == raft::no_node || (i > 0 && ids[i - 1] >= ids[i])) return false;
        }
        return true;
    };
    if (!strictly_sorted(config.voters) || !strictly_sorted(config.learners)) return false;
    for (raft::NodeId id : config.learners) {
        if (config.is_voter(id)) return false;
    }
    return true;
}

bool is_power_of_two(std::uint32_t value) { return value != 0 && (value & (value - 1)) == 0; }

std::string name_stem(raft::Index index, raft::Term term) {
    std::string stem = "snapshot-";
    append_hex16(stem, index.value());
    stem += '-';
    append_hex16(stem, term.value());
    return stem;
}

}  // namespace

std::uint64_t SnapshotHeader::header_bytes() const {
    return snapshot_fixed_header_bytes + 8 * (metadata.config.voters.size() + metadata.config.learners.size()) + 4;
}

std::uint64_t SnapshotHeader::block_count() const { return (data_bytes + block_bytes - 1) / block_bytes; }

std::string encode_snapshot_header(const SnapshotHeader& header) {
    std::string out;
    put_u64(out, snapshot_magic);
    put_u32(out, snapshot_format_version);
    put_u32(out, static_cast<std::uint32_t>(header.header_bytes()));
    put_u64(out, header.metadata.index.value());
    put_u64(out, header.metadata.term.value());
    put_u64(out, header.data_bytes);
    put_u32(out, header.block_bytes);
    put_u32(out, header.data_checksum);
    put_u32(out, static_cast<std::uint32_t>(header.metadata.config.voters.size()));
    put_u32(out, static_cast<std::uint32_t>(header.metadata.config.learners.size()));
    for (raft::NodeId id : header.metadata.config.voters) put_u64(out, id.value());
    for (raft::NodeId id : header.metadata.config.learners) put_u64(out, id.value());
    put_u32(out, crc32c(out));
    return out;
}

Result<std::uint64_t> decode_snapshot_header_size(std::string_view fixed_part) {
    if (fixed_part.size() < snapshot_fixed_header_bytes) {
        return Error(ErrorCode::corrupt, "file too short for a snapshot header");
    }
    if (get_u64_at(fixed_part, 0) != snapshot_magic) return Error(ErrorCode::corrupt, "not a snapshot (bad magic)");
    const std::uint64_t members = std::uint64_t{get_u32_at(fixed_part, 48)} + get_u32_at(fixed_part, 52);
    if (members > snapshot_members_max) return Error(ErrorCode::corrupt, "snapshot header claims too many members");
    const std::uint64_t size = snapshot_fixed_header_bytes + 8 * members + 4;
    if (get_u32_at(fixed_part, 12) != size) return Error(ErrorCode::corrupt, "snapshot header size does not add up");
    return size;
}

Result<SnapshotHeader> decode_snapshot_header(std::string_view bytes) {
    auto size = decode_snapshot_header_size(bytes);
    if (!size.ok()) return size.error();
    if (bytes.size() < *size) return Error(ErrorCode::corrupt, "snapshot header cut short");
    const std::string_view header_bytes = bytes.substr(0, static_cast<std::size_t>(*size));
    if (get_u32_at(header_bytes, header_bytes.size() - 4) != crc32c(header_bytes.substr(0, header_bytes.size() - 4))) {
        return Error(ErrorCode::corrupt, "snapshot header fails its checksum");
    }
    ByteReader reader(header_bytes.substr(8));
    const std::uint32_t version = reader.u32();
    reader.u32();  // header size, checked above
    SnapshotHeader header;
    header.metadata.index = raft::Index(reader.u64());
    header.metadata.term = raft::Term(reader.u64());
    header.data_bytes = reader.u64();
    header.block_bytes = reader.u32();
    header.data_checksum = reader.u32();
    const std::uint32_t voters = reader.u32();
    const std::uint32_t learners = reader.u32();
    for (std::uint32_t i = 0; i < voters; ++i) header.metadata.config.voters.emplace_back(reader.u64());
    for (std::uint32_t i = 0; i < learners; ++i) header.metadata.config.learners.emplace_back(reader.u64());
    if (!reader.ok()) return Error(ErrorCode::corrupt, "snapshot header cut short");
    if (version != snapshot_format_version) {
        return Error(ErrorCode::corrupt, "unknown snapshot format version " + std::to_string(version));
    }
    if (!is_power_of_two(header.block_bytes) || header.block_bytes < 512 || header.block_bytes > (16u << 20)) {
        return Error(ErrorCode::corrupt, "snapshot block size " + std::to_string(header.block_bytes) + " out of range");
    }
    if (header.data_bytes > snapshot_data_bytes_max) return Error(ErrorCode::corrupt, "snapshot data size out of range");
    if (!configuration_well_formed(header.metadata.config)) {
        return Error(ErrorCode::corrupt, "snapshot configuration is not sorted and disjoint");
    }
    return header;
}

std::string snapshot_file_name(raft::Index index, raft::Term term) {
    return name_stem(index, term) + std::string(snapshot_suffix);
}

std::string snapshot_temp_file_name(raft::Index index, raft::Term term) {
    return name_stem(index, term) + std::string(temp_suffix);
}

std::optional<SnapshotName> parse_snapshot_file_name(std::string_view name) {
    // snapshot-<16 hex>-<16 hex>.snap
    if (name.size() != name_prefix.size() + 33 + snapshot_suffix.size()) return std::nullopt;
    if (name.substr(0, name_prefix.size()) != name_prefix || name.substr(name.size() - snapshot_suffix.size()) != snapshot_suffix) {
        return std::nullopt;
    }
    const std::string_view numbers = name.substr(name_prefix.size(), 33);
    if (numbers[16] != '-') return std::nullopt;
    auto index = parse_hex16(numbers.substr(0, 16));
    auto term = parse_hex16(numbers.substr(17));
    if (!index || !term) return std::nullopt;
    return SnapshotName{raft::Index(*index), raft::Term(*term)};
}

bool is_snapshot_temp_file_name(std::string_view name) {
    return name.size() > temp_suffix.size() && name.substr(0, name_prefix.size()) == name_prefix &&
           name.substr(name.size() - temp_suffix.size()) == temp_suffix;
}

}  // namespace rq::wal
