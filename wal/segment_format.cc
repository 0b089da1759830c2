#include "wal/segment_format.h"

#include "wal/byte_order.h"

namespace rq::wal {

std::string segment_file_name(std::uint64_t sequence) {
    std::string name;
    append_hex16(name, sequence);
    name += ".wal";
    return name;
}

std::optional<std::uint64_t> parse_segment_file_name(std::string_view name) {
    constexpr std::string_view suffix = ".wal";
    if (name.size() != 16 + suffix.size() || name.substr(16) != suffix) return std::nullopt;
    return parse_hex16(name.substr(0, 16));
}

SegmentHeaderFields segment_header_fields(const SegmentHeader& header) {
    SegmentHeaderFields fields;
    store_u64(fields.data(), segment_magic);
    store_u32(fields.data() + 8, segment_format_version);
    fields[12] = static_cast<char>(header.kind);
    store_u64(fields.data() + 13, header.sequence);
    store_u64(fields.data() + 21, header.snapshot.index.value());
    store_u64(fields.data() + 29, header.snapshot.term.value());
    return fields;
}

HardStateFields hard_state_fields(const raft::HardState& state) {
    HardStateFields fields;
    store_u64(fields.data(), state.term.value());
    store_u64(fields.data() + 8, state.vote.value());
    store_u64(fields.data() + 16, state.commit.value());
    return fields;
}

EntryFields entry_fields(const raft::Entry& entry) {
    EntryFields fields;
    store_u64(fields.data(), entry.term.value());
    store_u64(fields.data() + 8, entry.index.value());
    fields[16] = static_cast<char>(entry.type);
    return fields;
}

Result<SegmentHeader> decode_segment_header(std::string_view payload) {
    ByteReader reader(payload);
    const std::uint64_t magic = reader.u64();
    const std::uint32_t version = reader.u32();
    const std::uint8_t kind = reader.u8();
    SegmentHeader header;
    header.sequence = reader.u64();
    header.snapshot.index = raft::Index(reader.u64());
    header.snapshot.term = raft::Term(reader.u64());
    if (!reader.at_end()) return Error(ErrorCode::corrupt, "segment header has the wrong size");
    if (magic != segment_magic) return Error(ErrorCode::corrupt, "not a WAL segment (bad magic)");
    if (version != segment_format_version) {
        return Error(ErrorCode::corrupt, "unknown segment format version " + std::to_string(version));
    }
    if (kind != static_cast<std::uint8_t>(SegmentKind::base) &&
        kind != static_cast<std::uint8_t>(SegmentKind::continuation)) {
        return Error(ErrorCode::corrupt, "unknown segment kind " + std::to_string(kind));
    }
    if (header.snapshot.index.value() >= wal_number_limit || header.snapshot.term.value() >= wal_number_limit) {
        return Error(ErrorCode::corrupt, "segment header snapshot index or term out of range");
    }
    header.kind = static_cast<SegmentKind>(kind);
    return header;
}

Result<raft::HardState> decode_hard_state(std::string_view payload) {
    ByteReader reader(payload);
    raft::HardState state;
    state.term = raft::Term(reader.u64());
    state.vote = raft::NodeId(reader.u64());
    state.commit = raft::Index(reader.u64());
    if (!reader.at_end()) return Error(ErrorCode::corrupt, "hard state record has the wrong size");
    return state;
}

Result<raft::Entry> decode_entry(std::string_view payload) {
    ByteReader reader(payload);
    raft::Entry entry;
    entry.term = raft::Term(reader.u64());
    entry.index = raft::Index(reader.u64());
    const std::uint8_t type = reader.u8();
    if (!reader.ok()) return Error(ErrorCode::corrupt, "entry record too short");
    if (type > static_cast<std::uint8_t>(raft::EntryType::noop)) {
        return Error(ErrorCode::corrupt, "unknown entry type " + std::to_string(type));
    }
    if (entry.index.value() >= wal_number_limit || entry.term.value() >= wal_number_limit) {
        return Error(ErrorCode::corrupt, "entry index or term out of range");
    }
    entry.type = static_cast<raft::EntryType>(type);
    entry.data = std::string(reader.rest());
    return entry;
}

}  // namespace rq::wal
