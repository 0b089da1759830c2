#include "wal/recovery.h"

#include <algorithm>
#include <optional>

#include "wal/record.h"
#include "wal/segment_format.h"

namespace rq::wal {
namespace {

// Enough to hold a whole segment header record.
constexpr std::uint64_t header_probe_bytes = 256;

Error corrupt_at(const std::string& path, std::uint64_t offset, const std::string& problem) {
    return Error(ErrorCode::corrupt, "segment " + path + " at offset " + std::to_string(offset) + ": " + problem);
}

Result<std::string> read_segment(env::Disk& disk, const std::string& path, std::uint64_t length_max) {
    auto file = disk.open(path, env::OpenMode::read_only);
    if (!file.ok()) return file.error();
    auto size = (*file)->size();
    if (!size.ok()) return size.error();
    return (*file)->read(0, std::min(*size, length_max));
}

Result<SegmentHeader> decode_header_record(const std::string& path, const Record& record, std::uint64_t sequence) {
    if (record.type != RecordType::segment_header) {
        return corrupt_at(path, record.offset, "the first record is not a segment header");
    }
    auto header = decode_segment_header(record.payload);
    if (!header.ok()) return corrupt_at(path, record.offset, header.error().message());
    if (header->sequence != sequence) {
        return corrupt_at(path, record.offset,
                          "header names segment " + std::to_string(header->sequence) + ", not the file name's");
    }
    return header;
}

// The header of a segment, or nullopt when the segment is the last one and a crash tore it before
// its header was whole (such a segment holds nothing and is dropped).
Result<std::optional<SegmentHeader>> read_header(env::Disk& disk, const std::string& path, std::uint64_t sequence,
                                                 bool is_last) {
    auto probe = read_segment(disk, path, header_probe_bytes);
    if (!probe.ok()) return probe.error();
    ScanResult scan = scan_records(*probe);
    if (scan.records.empty()) {
        auto whole = read_segment(disk, path, UINT64_MAX);
        if (!whole.ok()) return whole.error();
        scan = scan_records(*whole);
        if (scan.records.empty()) {
            if (is_last && scan.tail != TailState::corrupt) return std::optional<SegmentHeader>();
            return corrupt_at(path, 0, scan.tail == TailState::clean ? "empty segment" : scan.problem);
        }
    }
    auto header = decode_header_record(path, scan.records.front(), sequence);
    if (!header.ok()) return header.error();
    return std::optional<SegmentHeader>(*header);
}

struct ReplayState {
    MemoryLog log;
    raft::HardState hard_state;
    bool base_complete = false;
};

Status replay_record(const std::string& path, const Record& record, bool is_base, ReplayState& state) {
    switch (record.type) {
        case RecordType::segment_header:
            return corrupt_at(path, record.offset, "a second segment header");
        case RecordType::hard_state: {
            auto hard_state = decode_hard_state(record.payload);
            if (!hard_state.ok()) return corrupt_at(path, record.offset, hard_state.error().message());
            state.hard_state = *hard_state;
            return ok_status();
        }
        case RecordType::entry: {
            auto entry = decode_entry(record.payload);
            if (!entry.ok()) return corrupt_at(path, record.offset, entry.error().message());
            if (auto problem = state.log.append_problem(*entry)) return corrupt_at(path, record.offset, *problem);
            state.log.append(std::move(*entry));
            return ok_status();
        }
        case RecordType::base_complete:
            if (!is_base || state.base_complete) return corrupt_at(path, record.offset, "misplaced base-complete record");
            state.base_complete = true;
            return ok_status();
    }
    return corrupt_at(path, record.offset, "unknown record type");
}

// Replays one segment into `state`. Returns the scan so the caller can see the tail.
Result<ScanResult> replay_segment(env::Disk& disk, const std::string& path, std::uint64_t sequence, bool is_base,
                                  bool is_last, ReplayState& state, std::string& bytes) {
    auto read = read_segment(disk, path, UINT64_MAX);
    if (!read.ok()) return read.error();
    bytes = std::move(*read);
    ScanResult scan = scan_records(bytes);
    if (scan.tail == TailState::corrupt) return corrupt_at(path, scan.valid_bytes, scan.problem);
    if (scan.tail == TailState::torn && !is_last) {
        return corrupt_at(path, scan.valid_bytes, scan.problem + " in a segment that is not the last");
    }
    if (scan.records.empty()) return corrupt_at(path, 0, "no segment header");
    auto header = decode_header_record(path, scan.records.front(), sequence);
    if (!header.ok()) return header.error();
    if ((header->kind == SegmentKind::base) != is_base) {
        return corrupt_at(path, 0, is_base ? "expected a base segment" : "unexpected base segment");
    }
    if (is_base) state.log = MemoryLog(header->snapshot);
    for (std::size_t i = 1; i < scan.records.size(); ++i) {
        if (auto status = replay_record(path, scan.records[i], is_base, state); !status.ok()) return status.error();
    }
    return scan;
}

struct SegmentList {
    std::vector<std::uint64_t> sequences;  // sorted
};

Result<SegmentList> list_segments(env::Disk& disk, const std::string& directory) {
    auto names = disk.list(directory);
    if (!names.ok()) return names.error();
    SegmentList list;
    for (const std::string& name : *names) {
        if (auto sequence = parse_segment_file_name(name)) list.sequences.push_back(*sequence);
    }
    std::sort(list.sequences.begin(), list.sequences.end());
    return list;
}

// Replays segments [base, end) of `sequences` into `result`. Returns false (and no error) when the
// base turns out to be an incomplete last segment, which the caller then drops.
Result<bool> replay_history(env::Disk& disk, const std::string& directory, const std::vector<std::uint64_t>& sequences,
                            std::size_t base, std::size_t end, RecoveredWal& result) {
    ReplayState state;
    for (std::size_t i = base; i < end; ++i) {
        if (i > base && sequences[i] != sequences[i - 1] + 1) {
            return Error(ErrorCode::corrupt, "WAL " + directory + ": segment " + segment_file_name(sequences[i - 1] + 1) +
                                                 " is missing");
        }
        const std::string path = env::join_path(directory, segment_file_name(sequences[i]));
        const bool is_last = i + 1 == end;
        std::string bytes;
        auto scan = replay_segment(disk, path, sequences[i], i == base, is_last, state, bytes);
        if (!scan.ok()) return scan.error();
        if (i == base && !state.base_complete) {
            if (is_last) return false;
            return corrupt_at(path, scan->valid_bytes, "base segment without its base-complete record");
        }
        if (is_last) {
            result.last_segment_valid_bytes = scan->valid_bytes;
            result.last_segment_torn = scan->tail == TailState::torn;
            if (result.last_segment_torn) {
                result.repairs.push_back("truncating torn tail of " + path + " at offset " +
                                         std::to_string(scan->valid_bytes) + ": " + scan->problem);
            }
        }
        result.live_segments.push_back(sequences[i]);
    }
    result.log = std::move(state.log);
    result.hard_state = state.hard_state;
    return true;
}

}  // namespace

Result<RecoveredWal> recover_wal(env::Disk& disk, const std::string& directory) {
    auto list = list_segments(disk, directory);
    if (!list.ok()) return list.error();
    const std::vector<std::uint64_t>& sequences = list->sequences;
    RecoveredWal result;
    if (!sequences.empty()) result.highest_sequence = sequences.back();
    std::size_t end = sequences.size();  // segments at or after `end` were dropped as torn
    while (end > 0) {
        // Find the newest base among [0, end), dropping trailing segments a crash tore in their header.
        std::optional<std::size_t> base;
        for (std::size_t i = end; i-- > 0 && !base;) {
            const std::string path = env::join_path(directory, segment_file_name(sequences[i]));
            auto header = read_header(disk, path, sequences[i], i + 1 == end);
            if (!header.ok()) return header.error();
            if (!header->has_value()) {
                result.repairs.push_back("removing " + path + ": torn before its header was whole");
                result.obsolete_segments.push_back(sequences[i]);
                end = i;
            } else if ((*header)->kind == SegmentKind::base) {
                base = i;
            }
        }
        if (!base) {
            if (end == 0) break;
            return Error(ErrorCode::corrupt, "WAL " + directory + ": no base segment before " +
                                                 segment_file_name(sequences[end - 1]));
        }
        auto complete = replay_history(disk, directory, sequences, *base, end, result);
        if (!complete.ok()) return complete.error();
        if (*complete) {
            for (std::size_t i = 0; i < *base; ++i) result.obsolete_segments.push_back(sequences[i]);
            return result;
        }
        result.repairs.push_back("removing " + env::join_path(directory, segment_file_name(sequences[*base])) +
                                 ": base segment torn before it was complete");
        result.obsolete_segments.push_back(sequences[*base]);
        result.live_segments.clear();
        end = *base;
    }
    result.live_segments.clear();
    return result;
}

}  // namespace rq::wal
