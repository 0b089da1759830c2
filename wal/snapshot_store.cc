#include "wal/snapshot_store.h"

#include <algorithm>

namespace rq::wal {
namespace {

struct NamedSnapshot {
    std::string name;
    SnapshotName parsed;
};

// Snapshot file names sort by index then term, so reverse name order is newest first.
std::vector<NamedSnapshot> snapshots_newest_first(std::vector<std::string> names) {
    std::vector<NamedSnapshot> snapshots;
    for (std::string& name : names) {
        if (auto parsed = parse_snapshot_file_name(name)) snapshots.push_back({std::move(name), *parsed});
    }
    std::sort(snapshots.begin(), snapshots.end(),
              [](const NamedSnapshot& a, const NamedSnapshot& b) { return a.name > b.name; });
    return snapshots;
}

std::vector<std::string> snapshot_names_newest_first(std::vector<std::string> names) {
    std::vector<std::string> sorted;
    for (NamedSnapshot& snapshot : snapshots_newest_first(std::move(names))) sorted.push_back(std::move(snapshot.name));
    return sorted;
}

// Opens and fully verifies one snapshot, including that the header matches the file name.
Result<SnapshotInfo> verify_snapshot(env::Disk& disk, const std::string& path, const SnapshotName& name,
                                     PlantedBug planted_bug) {
    auto reader = SnapshotReader::open(disk, path, planted_bug);
    if (!reader.ok()) return reader.error();
    const raft::SnapshotMetadata& metadata = (*reader)->info().metadata;
    if (metadata.index != name.index || metadata.term != name.term) {
        return Error(ErrorCode::corrupt, "snapshot " + path + ": header does not match the file name");
    }
    if (auto status = (*reader)->verify_data(); !status.ok()) return status.error();
    return (*reader)->info();
}

}  // namespace

Status SnapshotStoreOptions::validate() const {
    if (retained_count < 1) return Error(ErrorCode::invalid_argument, "retained_count must be at least 1");
    return ok_status();
}

SnapshotStore::SnapshotStore(env::Disk& disk, std::string directory, SnapshotStoreOptions options)
    : disk_(disk), directory_(std::move(directory)), options_(options) {}

Result<std::unique_ptr<SnapshotStore>> SnapshotStore::open(env::Disk& disk, std::string directory,
                                                           SnapshotStoreOptions options) {
    const std::string context = "open snapshots " + directory;
    if (auto status = options.validate(); !status.ok()) return status.error().with_context(context);
    if (auto status = disk.make_directory(directory); !status.ok()) return status.error().with_context(context);
    std::unique_ptr<SnapshotStore> store(new SnapshotStore(disk, std::move(directory), options));
    auto names = disk.list(store->directory_);
    if (!names.ok()) return names.error().with_context(context);
    if (auto status = store->remove_temp_files(*names); !status.ok()) return status.error().with_context(context);
    if (auto status = store->find_newest_valid(*names); !status.ok()) return status.error().with_context(context);
    if (auto status = store->make_newest_durable(); !status.ok()) return status.error().with_context(context);
    return store;
}

// What open found may be only in the page cache: after a failed sync of the directory (or of the
// file) the process stopped, and its restart sees the renamed file all the same. The WAL is about to
// rely on the newest snapshot (and compact up to it), so it must survive a power loss from now on.
Status SnapshotStore::make_newest_durable() {
    if (newest_) {
        auto file = disk_.open(newest_->path, env::OpenMode::read_only);
        if (!file.ok()) return file.error();
        if (auto status = (*file)->sync(); !status.ok()) return status.error().with_context("sync " + newest_->path);
    }
    return disk_.sync_directory(directory_);
}

Status SnapshotStore::remove_temp_files(const std::vector<std::string>& names) {
    for (const std::string& name : names) {
        if (!is_snapshot_temp_file_name(name)) continue;
        const std::string path = env::join_path(directory_, name);
        if (auto status = disk_.remove(path); !status.ok()) return status;
        notes_.push_back("removed " + path + ": an unfinished snapshot");
    }
    return ok_status();
}

Status SnapshotStore::find_newest_valid(std::vector<std::string> names) {
    for (const std::string& name : snapshot_names_newest_first(names)) {
        const std::string path = env::join_path(directory_, name);
        auto info = verify_snapshot(disk_, path, *parse_snapshot_file_name(name), options_.planted_bug);
        if (info.ok()) {
            newest_ = *info;
            return ok_status();
        }
        if (info.error().code() != ErrorCode::corrupt) return info.error();
        // Not an I/O failure: the bytes are wrong. Remove it so the next start does not trip on it
        // again; the WAL's consistency check catches the case where it was still needed.
        if (auto status = disk_.remove(path); !status.ok()) return status;
        notes_.push_back("removed " + info.error().message());
    }
    return ok_status();
}

Result<std::vector<std::string>> SnapshotStore::list() const {
    auto names = disk_.list(directory_);
    if (!names.ok()) return names.error().with_context("list snapshots " + directory_);
    return snapshot_names_newest_first(std::move(names).value());
}

Result<std::unique_ptr<SnapshotWriter>> SnapshotStore::begin(const raft::SnapshotMetadata& metadata,
                                                            std::optional<std::uint64_t> expected_data_bytes) {
    return SnapshotWriter::create(disk_, directory_, metadata, expected_data_bytes);
}

void SnapshotStore::record_finished(const SnapshotInfo& info) {
    if (!newest_ || info.metadata.index >= newest_->metadata.index) newest_ = info;
}

Result<std::unique_ptr<SnapshotReader>> SnapshotStore::open_newest() const {
    if (!newest_) return Error(ErrorCode::not_found, "no snapshot in " + directory_);
    return SnapshotReader::open(disk_, newest_->path, options_.planted_bug);
}

Status SnapshotStore::prune() {
    auto names = disk_.list(directory_);
    if (!names.ok()) return names.error().with_context("list snapshots " + directory_);
    std::uint32_t kept = newest_ ? 1 : 0;
    for (const auto& [name, parsed] : snapshots_newest_first(std::move(names).value())) {
        if (newest_ && env::split_path(newest_->path).name == name) continue;  // the newest, in this directory
        // A file newer than the newest recorded one is not this store's to judge.
        if (newest_ && parsed.index > newest_->metadata.index) continue;
        if (kept < options_.retained_count) {
            ++kept;
            continue;
        }
        const std::string path = env::join_path(directory_, name);
        if (auto status = disk_.remove(path); !status.ok()) return status.error().with_context("prune snapshots");
    }
    return ok_status();
}

}  // namespace rq::wal
