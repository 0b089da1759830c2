#include "wal/snapshot_file.h"

#include <algorithm>

#include "base/crc32c.h"
#include "wal/byte_order.h"

namespace rq::wal {

// --- SnapshotWriter ---

SnapshotWriter::SnapshotWriter(env::Disk& disk, std::string directory, const raft::SnapshotMetadata& metadata,
                               std::optional<std::uint64_t> expected_data_bytes)
    : disk_(disk), directory_(std::move(directory)), expected_data_bytes_(expected_data_bytes) {
    header_.metadata = metadata;
    final_path_ = env::join_path(directory_, snapshot_file_name(metadata.index, metadata.term));
    // snapshot_temp_file_name's form (snapshot_format.h) without formatting the numbers again.
    temp_path_ = final_path_ + ".tmp";
}

Result<std::unique_ptr<SnapshotWriter>> SnapshotWriter::create(env::Disk& disk, const std::string& directory,
                                                               const raft::SnapshotMetadata& metadata,
                                                               std::optional<std::uint64_t> expected_data_bytes) {
    if (metadata.config.voters.size() + metadata.config.learners.size() > snapshot_members_max) {
        return Error(ErrorCode::invalid_argument, "snapshot configuration has more members than the format holds");
    }
    std::unique_ptr<SnapshotWriter> writer(new SnapshotWriter(disk, directory, metadata, expected_data_bytes));
    // The file starts empty: until finish() writes the header, its first bytes read as zeros, which
    // no reader accepts.
    auto file = disk.open(writer->temp_path_, env::OpenMode::create_or_truncate);
    if (!file.ok()) return file.error().with_context("write snapshot " + writer->final_path_);
    writer->file_ = std::move(*file);
    return writer;
}

void SnapshotWriter::checksum_data(std::string_view data) {
    while (!data.empty()) {
        const auto room = static_cast<std::size_t>(header_.block_bytes - block_filled_bytes_);
        const std::string_view piece = data.substr(0, room);
        block_checksum_ = crc32c_extend(block_checksum_, piece);
        block_filled_bytes_ += piece.size();
        data.remove_prefix(piece.size());
        if (block_filled_bytes_ == header_.block_bytes) {
            block_checksums_.push_back(block_checksum_);
            block_checksum_ = 0;
            block_filled_bytes_ = 0;
        }
    }
}

Status SnapshotWriter::write(std::uint64_t offset, std::string_view data) {
    const std::string context = "write snapshot " + final_path_;
    if (done_) return Error(ErrorCode::invalid_argument, context + ": already finished");
    if (offset != written_bytes_) {
        return Error(ErrorCode::invalid_argument, context + ": chunk at offset " + std::to_string(offset) +
                                                      ", expected " + std::to_string(written_bytes_));
    }
    if (written_bytes_ + data.size() > snapshot_data_bytes_max) {
        return Error(ErrorCode::invalid_argument, context + ": data larger than the format holds");
    }
    if (auto status = file_->write(header_.header_bytes() + offset, data); !status.ok()) {
        return status.error().with_context(context);
    }
    checksum_data(data);
    written_bytes_ += data.size();
    return ok_status();
}

Result<SnapshotInfo> SnapshotWriter::finish() {
    const std::string context = "write snapshot " + final_path_;
    if (done_) return Error(ErrorCode::invalid_argument, context + ": already finished");
    if (expected_data_bytes_ && *expected_data_bytes_ != written_bytes_) {
        return Error(ErrorCode::invalid_argument, context + ": received " + std::to_string(written_bytes_) + " of " +
                                                      std::to_string(*expected_data_bytes_) + " bytes");
    }
    done_ = true;
    if (block_filled_bytes_ > 0) block_checksums_.push_back(block_checksum_);
    std::string table;
    for (std::uint32_t checksum : block_checksums_) put_u32(table, checksum);
    header_.data_bytes = written_bytes_;
    header_.data_checksum = crc32c(table);
    auto step = [&](Status status) -> Status {
        if (!status.ok()) return status.error().with_context(context);
        return ok_status();
    };
    if (auto status = step(file_->write(header_.table_offset(), table)); !status.ok()) return status.error();
    if (auto status = step(file_->write(0, encode_snapshot_header(header_))); !status.ok()) return status.error();
    if (auto status = step(file_->sync()); !status.ok()) return status.error();
    if (auto status = step(disk_.rename(temp_path_, final_path_)); !status.ok()) return status.error();
    if (auto status = step(disk_.sync_directory(directory_)); !status.ok()) return status.error();
    return SnapshotInfo{header_.metadata, header_.data_bytes, header_.data_checksum, final_path_};
}

Status SnapshotWriter::abort() {
    done_ = true;
    file_.reset();
    auto status = disk_.remove(temp_path_);
    if (!status.ok() && status.error().code() != ErrorCode::not_found) return status;
    return ok_status();
}

// --- SnapshotReader ---

SnapshotReader::SnapshotReader(std::unique_ptr<env::File> file, SnapshotHeader header,
                               std::vector<std::uint32_t> block_checksums, SnapshotInfo info, bool skip_checksums)
    : file_(std::move(file)), header_(std::move(header)), block_checksums_(std::move(block_checksums)),
      info_(std::move(info)), planted_bug_skips_checksums_(skip_checksums) {}

namespace {

Error corrupt_snapshot(const std::string& path, const std::string& problem) {
    return Error(ErrorCode::corrupt, "snapshot " + path + ": " + problem);
}

Result<SnapshotHeader> read_header(env::File& file, const std::string& path, std::uint64_t file_bytes) {
    auto fixed = file.read(0, snapshot_fixed_header_bytes);
    if (!fixed.ok()) return fixed.error();
    auto header_size = decode_snapshot_header_size(*fixed);
    if (!header_size.ok()) return corrupt_snapshot(path, header_size.error().message());
    auto bytes = file.read(0, *header_size);
    if (!bytes.ok()) return bytes.error();
    auto header = decode_snapshot_header(*bytes);
    if (!header.ok()) return corrupt_snapshot(path, header.error().message());
    if (header->file_bytes() != file_bytes) {
        return corrupt_snapshot(path, "file has " + std::to_string(file_bytes) + " bytes, its header says " +
                                          std::to_string(header->file_bytes()));
    }
    return header;
}

}  // namespace

Result<std::unique_ptr<SnapshotReader>> SnapshotReader::open(env::Disk& disk, const std::string& path,
                                                             PlantedBug planted_bug) {
    const bool skip_checksums = planted_bug == PlantedBug::skip_snapshot_checksum;  // test-only planted bug
    auto file = disk.open(path, env::OpenMode::read_only);
    if (!file.ok()) return file.error();
    auto file_bytes = (*file)->size();
    if (!file_bytes.ok()) return file_bytes.error();
    auto header = read_header(**file, path, *file_bytes);
    if (!header.ok()) return header.error();
    auto table = (*file)->read(header->table_offset(), 4 * header->block_count());
    if (!table.ok()) return table.error();
    if (table->size() != 4 * header->block_count()) return corrupt_snapshot(path, "block table cut short");
    if (!skip_checksums && crc32c(*table) != header->data_checksum) {  // test-only planted_bug
        return corrupt_snapshot(path, "block table fails its checksum");
    }
    std::vector<std::uint32_t> block_checksums;
    block_checksums.reserve(static_cast<std::size_t>(header->block_count()));
    for (std::size_t at = 0; at < table->size(); at += 4) block_checksums.push_back(get_u32_at(*table, at));
    SnapshotInfo info{header->metadata, header->data_bytes, header->data_checksum, path};
    return std::unique_ptr<SnapshotReader>(
        new SnapshotReader(std::move(*file), std::move(*header), std::move(block_checksums), std::move(info),
                           skip_checksums));
}

Result<std::string> SnapshotReader::read_block(std::uint64_t block) const {
    const std::uint64_t data_offset = block * header_.block_bytes;
    const std::uint64_t length = std::min<std::uint64_t>(header_.block_bytes, header_.data_bytes - data_offset);
    auto bytes = file_->read(header_.header_bytes() + data_offset, length);
    if (!bytes.ok()) return bytes.error();
    const bool rotten = crc32c(*bytes) != block_checksums_[static_cast<std::size_t>(block)];
    if (bytes->size() != length || (rotten && !planted_bug_skips_checksums_)) {  // test-only planted bug
        return corrupt_snapshot(info_.path, "block " + std::to_string(block) + " at data offset " +
                                                std::to_string(data_offset) + " fails its checksum");
    }
    return bytes;
}

Result<std::string> SnapshotReader::read(std::uint64_t offset, std::uint64_t max_bytes) const {
    if (offset >= header_.data_bytes || max_bytes == 0) return std::string();
    const std::uint64_t end = offset + std::min(max_bytes, header_.data_bytes - offset);
    std::string result;
    result.reserve(static_cast<std::size_t>(end - offset));
    for (std::uint64_t block = offset / header_.block_bytes; block * header_.block_bytes < end; ++block) {
        auto bytes = read_block(block);
        if (!bytes.ok()) return bytes.error();
        const std::uint64_t block_start = block * header_.block_bytes;
        const std::uint64_t from = std::max(offset, block_start) - block_start;
        const std::uint64_t to = std::min(end, block_start + bytes->size()) - block_start;
        result.append(*bytes, static_cast<std::size_t>(from), static_cast<std::size_t>(to - from));
    }
    return result;
}

Status SnapshotReader::verify_data() const {
    for (std::uint64_t block = 0; block < header_.block_count(); ++block) {
        auto bytes = read_block(block);
        if (!bytes.ok()) return bytes.error();
    }
    return ok_status();
}

}  // namespace rq::wal
