#include "wal/wal.h"

#include "wal/record.h"
#include "wal/recovery.h"

namespace rq::wal {
namespace {

constexpr std::uint64_t segment_bytes_min = 4096;
// save() keeps its record buffer between calls up to this capacity.
constexpr std::size_t pending_capacity_kept = std::size_t{1} << 20;

std::string framed(RecordType type, std::string_view payload) {
    std::string out;
    encode_record(type, payload, out);
    return out;
}

// The Raft core hands over entries that follow the log and each other; anything else is its bug.
void assert_entries_follow(const MemoryLog& log, std::span<const raft::Entry> entries) {
    if (entries.empty()) return;
    const auto problem = log.append_problem(entries.front());
    RQ_ASSERT(!problem, *problem);
    for (std::size_t i = 1; i < entries.size(); ++i) {
        RQ_ASSERT(entries[i].index == entries[i - 1].index + 1 && entries[i].term >= entries[i - 1].term,
                  "entry", entries[i].index, "term", entries[i].term, "follows entry", entries[i - 1].index, "term",
                  entries[i - 1].term);
    }
}

}  // namespace

Status WalOptions::validate() const {
    if (segment_bytes_max < segment_bytes_min) {
        return Error(ErrorCode::invalid_argument,
                     "segment_bytes_max must be at least " + std::to_string(segment_bytes_min));
    }
    return ok_status();
}

Wal::Wal(env::Disk& disk, std::string directory, WalOptions options)
    : disk_(disk), directory_(std::move(directory)), options_(options) {}

Wal::~Wal() = default;

Result<std::unique_ptr<Wal>> Wal::open(env::Disk& disk, std::string directory, SnapshotPoint snapshot,
                                       WalOptions options) {
    const std::string context = "open WAL " + directory;
    if (auto status = options.validate(); !status.ok()) return status.error().with_context(context);
    if (auto status = disk.make_directory(directory); !status.ok()) return status.error().with_context(context);
    std::unique_ptr<Wal> wal(new Wal(disk, std::move(directory), options));
    if (auto status = wal->recover(snapshot); !status.ok()) return status.error().with_context(context);
    return wal;
}

Status Wal::recover(SnapshotPoint snapshot) {
    auto recovered = recover_wal(disk_, directory_);
    if (!recovered.ok()) return recovered.error();
    recovery_notes_ = recovered->repairs;
    next_sequence_ = recovered->highest_sequence + 1;
    if (auto status = repair(*recovered); !status.ok()) return status;
    if (recovered->live_segments.empty()) {
        // A new WAL: its first base segment starts at the given snapshot.
        log_ = MemoryLog(snapshot);
        if (auto status = start_base_segment(); !status.ok()) return status;
        return sync();
    }
    const SnapshotPoint start = log_.snapshot();
    if (snapshot.index < start.index || (snapshot.index == start.index && snapshot.term != start.term)) {
        return Error(ErrorCode::corrupt, "the WAL starts after a snapshot at index " +
                                             std::to_string(start.index.value()) + " term " +
                                             std::to_string(start.term.value()) + " but the newest snapshot is at index " +
                                             std::to_string(snapshot.index.value()) + " term " +
                                             std::to_string(snapshot.term.value()));
    }
    if (snapshot.index > start.index) {
        // The snapshot became durable but the crash came before the WAL recorded it.
        if (auto status = apply_snapshot(snapshot); !status.ok()) return status;
    }
    return sync();
}

// Takes over the recovered state: truncates a torn tail and removes segments recovery dropped, so
// that no stale file can collide with a segment created later.
Status Wal::repair(const RecoveredWal& recovered) {
    log_ = recovered.log;
    hard_state_ = recovered.hard_state;
    live_segments_ = recovered.live_segments;
    for (std::uint64_t sequence : recovered.obsolete_segments) {
        if (auto status = disk_.remove(path_of(sequence)); !status.ok() && status.error().code() != ErrorCode::not_found) {
            return status.error().with_context("remove obsolete segment");
        }
    }
    directory_unsynced_ = !recovered.obsolete_segments.empty();
    if (live_segments_.empty()) return ok_status();
    const std::string path = path_of(live_segments_.back());
    auto file = disk_.open(path, env::OpenMode::read_write);
    if (!file.ok()) return file.error();
    active_file_ = std::move(*file);
    active_bytes_ = recovered.last_segment_valid_bytes;
    active_prologue_bytes_ = 0;
    if (recovered.last_segment_torn) {
        if (auto status = active_file_->truncate(active_bytes_); !status.ok()) return status.error();
    }
    // What was read may be only in the page cache (the process, not the machine, crashed): make it
    // durable before anyone acts on it.
    active_unsynced_ = true;
    directory_unsynced_ = true;
    return ok_status();
}

Status Wal::check_usable() const {
    if (failure_) return failure_->with_context("WAL " + directory_ + " failed earlier");
    return ok_status();
}

Status Wal::fail(const Error& error) {
    failure_ = error;
    return error;
}

std::string Wal::path_of(std::uint64_t sequence) const {
    return env::join_path(directory_, segment_file_name(sequence));
}

Status Wal::write_records(std::string_view records) {
    if (records.empty()) return ok_status();
    if (auto status = active_file_->write(active_bytes_, records); !status.ok()) return fail(status.error());
    active_bytes_ += records.size();
    active_unsynced_ = true;
    return ok_status();
}

Status Wal::append(std::span<const raft::Entry> entries) { return save(entries, std::nullopt); }

Status Wal::save_hard_state(const raft::HardState& state) { return save({}, state); }

Status Wal::save(std::span<const raft::Entry> entries, const std::optional<raft::HardState>& state) {
    if (auto status = check_usable(); !status.ok()) return status;
    for (const raft::Entry& entry : entries) {
        if (entry.data.size() + entry_payload_overhead_bytes > record_payload_bytes_max) {
            return Error(ErrorCode::invalid_argument, "entry " + std::to_string(entry.index.value()) + " has " +
                                                          std::to_string(entry.data.size()) +
                                                          " bytes of data, more than a WAL record holds");
        }
    }
    assert_entries_follow(log_, entries);
    pending_.clear();
    for (const raft::Entry& entry : entries) {
        const EntryFields fields = entry_fields(entry);
        if (auto status = add_record(RecordType::entry, as_view(fields), entry.data.view()); !status.ok()) return status;
    }
    if (state) {
        const HardStateFields fields = hard_state_fields(*state);
        if (auto status = add_record(RecordType::hard_state, as_view(fields), {}); !status.ok()) return status;
    }
    const Status written = write_records(pending_);
    release_large_pending();
    if (!written.ok()) return written;
    for (const raft::Entry& entry : entries) log_.append(entry);
    if (state) hard_state_ = *state;
    return ok_status();
}

// A batch far above the usual (a follower catching up, a long log kept by compaction) should not pin
// its buffer for good.
void Wal::release_large_pending() {
    if (pending_.capacity() > pending_capacity_kept) std::string().swap(pending_);
}

// Frames one record of save() into pending_; a record that would take the active segment past its
// limit first writes what is pending and rolls to a continuation (unless the segment holds no record
// yet: one record larger than the limit gets a segment of its own).
Status Wal::add_record(RecordType type, std::string_view prefix, std::string_view rest) {
    const std::uint64_t record_bytes = framed_record_bytes(prefix.size() + rest.size());
    const std::uint64_t size_before = active_bytes_ + pending_.size();
    if (size_before + record_bytes > options_.segment_bytes_max && size_before > active_prologue_bytes_) {
        if (auto status = write_records(pending_); !status.ok()) return status;
        pending_.clear();
        if (auto status = roll_to_continuation(); !status.ok()) return status;
    }
    encode_record(type, prefix, rest, pending_);
    return ok_status();
}

// Closes the active segment at its size limit: syncs it first, so that only the last segment can
// ever have a torn tail, then starts a continuation segment.
Status Wal::roll_to_continuation() {
    if (active_unsynced_) {
        if (auto status = active_file_->sync(); !status.ok()) return fail(status.error().with_context("close segment"));
        active_unsynced_ = false;
    }
    const std::uint64_t sequence = next_sequence_++;
    auto file = disk_.open(path_of(sequence), env::OpenMode::create_exclusive);
    if (!file.ok()) return fail(file.error().with_context("start segment"));
    active_file_ = std::move(*file);
    live_segments_.push_back(sequence);
    active_bytes_ = 0;
    directory_unsynced_ = true;
    SegmentHeader header{SegmentKind::continuation, sequence, {}};
    if (auto status = write_records(framed(RecordType::segment_header, as_view(segment_header_fields(header))));
        !status.ok()) {
        return status;
    }
    active_prologue_bytes_ = active_bytes_;
    return ok_status();
}

// Starts a new history: a base segment holding the snapshot point, the hard state and every entry of
// log_. The segments before it become obsolete once it is durable.
Status Wal::start_base_segment() {
    const std::uint64_t sequence = next_sequence_++;
    auto file = disk_.open(path_of(sequence), env::OpenMode::create_exclusive);
    if (!file.ok()) return fail(file.error().with_context("start base segment"));
    std::string& prologue = pending_;
    prologue.clear();
    const SegmentHeader header{SegmentKind::base, sequence, log_.snapshot()};
    encode_record(RecordType::segment_header, as_view(segment_header_fields(header)), prologue);
    encode_record(RecordType::hard_state, as_view(hard_state_fields(hard_state_)), prologue);
    for (const raft::Entry& entry : log_.all()) {
        encode_record(RecordType::entry, as_view(entry_fields(entry)), entry.data.view(), prologue);
    }
    encode_record(RecordType::base_complete, {}, prologue);
    obsolete_segments_.insert(obsolete_segments_.end(), live_segments_.begin(), live_segments_.end());
    live_segments_ = {sequence};
    active_file_ = std::move(*file);
    active_bytes_ = 0;
    directory_unsynced_ = true;
    const Status written = write_records(prologue);
    release_large_pending();
    if (!written.ok()) return written;
    active_prologue_bytes_ = active_bytes_;
    return ok_status();
}

Status Wal::apply_snapshot(SnapshotPoint snapshot) {
    if (auto status = check_usable(); !status.ok()) return status;
    const SnapshotPoint current = log_.snapshot();
    if (snapshot == current) return ok_status();
    if (snapshot.index <= current.index) {
        return Error(ErrorCode::invalid_argument, "snapshot at index " + std::to_string(snapshot.index.value()) +
                                                      " is not newer than the WAL's at " +
                                                      std::to_string(current.index.value()));
    }
    log_.apply_snapshot(snapshot);
    return start_base_segment();
}

Status Wal::sync() {
    if (auto status = check_usable(); !status.ok()) return status;
    if (active_unsynced_) {
        if (auto status = active_file_->sync(); !status.ok()) return fail(status.error());
        active_unsynced_ = false;
    }
    if (directory_unsynced_) {
        if (auto status = disk_.sync_directory(directory_); !status.ok()) return fail(status.error());
        directory_unsynced_ = false;
    }
    return remove_obsolete_segments();
}

// Obsolete segments are never read again (a newer complete base exists), so failing to remove one
// only costs space: it is retried after the next sync, and open removes leftovers.
Status Wal::remove_obsolete_segments() {
    std::vector<std::uint64_t> kept;
    for (std::uint64_t sequence : obsolete_segments_) {
        auto status = disk_.remove(path_of(sequence));
        if (!status.ok() && status.error().code() != ErrorCode::not_found) kept.push_back(sequence);
    }
    obsolete_segments_ = std::move(kept);
    return ok_status();
}

std::vector<std::uint64_t> Wal::segment_sequences() const { return live_segments_; }

}  // namespace rq::wal
