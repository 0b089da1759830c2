#include "wal/durable_storage.h"

namespace rq::wal {

DurableStorage::DurableStorage(env::Disk& disk, std::unique_ptr<SnapshotStore> snapshots, std::unique_ptr<Wal> wal)
    : disk_(disk), snapshots_(std::move(snapshots)), wal_(std::move(wal)), current_(snapshots_->newest()) {}

Result<std::unique_ptr<DurableStorage>> DurableStorage::open(env::Disk& disk, const std::string& directory,
                                                             DurableStorageOptions options) {
    auto snapshots = SnapshotStore::open(disk, env::join_path(directory, "snapshots"), options.snapshots);
    if (!snapshots.ok()) return snapshots.error();
    SnapshotPoint snapshot;
    if (const auto& newest = (*snapshots)->newest()) {
        snapshot = SnapshotPoint{newest->metadata.index, newest->metadata.term};
    }
    auto wal = Wal::open(disk, env::join_path(directory, "wal"), snapshot, options.wal);
    if (!wal.ok()) return wal.error();
    return std::unique_ptr<DurableStorage>(new DurableStorage(disk, std::move(*snapshots), std::move(*wal)));
}

raft::SnapshotMetadata DurableStorage::snapshot_metadata() const {
    if (current_) return current_->metadata;
    return raft::SnapshotMetadata{};
}

Result<std::string> DurableStorage::read_snapshot(std::uint64_t offset, std::uint64_t max_bytes) const {
    if (!current_) return Error(ErrorCode::not_found, "read snapshot: there is no snapshot");
    if (!reader_) {
        auto reader = SnapshotReader::open(disk_, current_->path, snapshots_->options().planted_bug);
        if (!reader.ok()) return reader.error().with_context("read snapshot");
        reader_ = std::move(*reader);
    }
    auto bytes = reader_->read(offset, max_bytes);
    if (!bytes.ok()) {
        reader_.reset();  // reopen next time: the file may be readable again
        return bytes.error().with_context("read snapshot");
    }
    return bytes;
}

Status DurableStorage::save_snapshot_chunk(const raft::SnapshotChunk& chunk) {
    if (chunk.offset == 0) {
        if (incoming_) {
            if (auto status = incoming_->abort(); !status.ok()) return status.error().with_context("restart snapshot");
        }
        auto writer = snapshots_->begin(chunk.metadata, chunk.total_bytes);
        if (!writer.ok()) return writer.error();
        incoming_ = std::move(*writer);
    }
    if (!incoming_ || incoming_->metadata() != chunk.metadata) {
        return Error(ErrorCode::invalid_argument, "snapshot chunk at offset " + std::to_string(chunk.offset) +
                                                      " does not continue the incoming snapshot");
    }
    return incoming_->write(chunk.offset, chunk.data);
}

Status DurableStorage::install_received_snapshot(const raft::SnapshotMetadata& metadata) {
    if (!incoming_ || incoming_->metadata() != metadata) {
        return Error(ErrorCode::invalid_argument, "install snapshot at index " + std::to_string(metadata.index.value()) +
                                                      ": no such snapshot was received");
    }
    auto info = incoming_->finish();
    incoming_.reset();
    if (!info.ok()) return info.error();
    return install_snapshot(*info);
}

Status DurableStorage::install_snapshot(const SnapshotInfo& info) {
    if (auto status = wal_->apply_snapshot(SnapshotPoint{info.metadata.index, info.metadata.term}); !status.ok()) {
        return status.error().with_context("install snapshot");
    }
    snapshots_->record_finished(info);
    current_ = info;
    reader_.reset();
    static_cast<void>(snapshots_->prune());  // best effort, see the declaration
    return ok_status();
}

}  // namespace rq::wal
