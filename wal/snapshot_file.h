#pragma once
// Writing and reading one snapshot file (format in snapshot_format.h).
//
// A SnapshotWriter streams data into a temp file (the data need never be in memory at once), then
// finish() writes the block checksum table and the header, syncs the file, renames it into place
// and syncs the directory: the snapshot exists, whole, or not at all. The same writer receives a
// snapshot in chunks from a leader (raft::SnapshotChunk: in offset order).
//
// A SnapshotReader verifies the header and the block table when it opens, and every block it
// reads, so bytes that rotted on disk come back as ErrorCode::corrupt, never as data.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/planted_bug.h"
#include "base/result.h"
#include "env/disk.h"
#include "raft/types.h"
#include "wal/snapshot_format.h"

namespace rq::wal {

struct SnapshotInfo {
    raft::SnapshotMetadata metadata;
    std::uint64_t data_bytes = 0;
    std::uint32_t data_checksum = 0;  // CRC32C of the block checksum table (snapshot_format.h)
    std::string path;
};

class SnapshotWriter {
public:
    // Starts `directory`/snapshot-<index>-<term>.snap.tmp, replacing a leftover one. If
    // `expected_data_bytes` is given, finish() fails unless exactly that many bytes were written.
    static Result<std::unique_ptr<SnapshotWriter>> create(env::Disk& disk, const std::string& directory,
                                                          const raft::SnapshotMetadata& metadata,
                                                          std::optional<std::uint64_t> expected_data_bytes);

    // Writes data at `offset` into the snapshot's data; offset must equal bytes_written() (chunks
    // arrive in order), else invalid_argument.
    Status write(std::uint64_t offset, std::string_view data);
    Status append(std::string_view data) { return write(written_bytes_, data); }
    [[nodiscard]] std::uint64_t bytes_written() const { return written_bytes_; }
    [[nodiscard]] const raft::SnapshotMetadata& metadata() const { return header_.metadata; }

    // Completes the snapshot durably (see the file comment). The writer is then done.
    Result<SnapshotInfo> finish();
    // Gives up and removes the temp file.
    Status abort();

private:
    SnapshotWriter(env::Disk& disk, std::string directory, const raft::SnapshotMetadata& metadata,
                   std::optional<std::uint64_t> expected_data_bytes);
    void checksum_data(std::string_view data);

    env::Disk& disk_;
    std::string directory_;
    std::string temp_path_;
    std::string final_path_;
    SnapshotHeader header_;
    std::optional<std::uint64_t> expected_data_bytes_;
    std::unique_ptr<env::File> file_;
    std::uint64_t written_bytes_ = 0;
    std::vector<std::uint32_t> block_checksums_;
    std::uint32_t block_checksum_ = 0;      // of the block being filled
    std::uint64_t block_filled_bytes_ = 0;  // bytes in the block being filled
    bool done_ = false;
};

class SnapshotReader {
public:
    // Opens `path` and verifies its header, its size and its block table (not the data blocks).
    // Test-only: with the planted bug skip_snapshot_checksum (which rqlited never sets) neither the
    // block table nor the blocks are verified, so rotten data reads back as data.
    static Result<std::unique_ptr<SnapshotReader>> open(env::Disk& disk, const std::string& path,
                                                        PlantedBug planted_bug = PlantedBug::none);

    [[nodiscard]] const SnapshotInfo& info() const { return info_; }
    // Up to max_bytes of data from `offset` (fewer at the end; empty at or past it), after
    // verifying every block the range touches.
    Result<std::string> read(std::uint64_t offset, std::uint64_t max_bytes) const;
    // Reads and verifies every block.
    Status verify_data() const;

private:
    SnapshotReader(std::unique_ptr<env::File> file, SnapshotHeader header, std::vector<std::uint32_t> block_checksums,
                   SnapshotInfo info, bool skip_checksums);
    Result<std::string> read_block(std::uint64_t block) const;

    std::unique_ptr<env::File> file_;
    SnapshotHeader header_;
    std::vector<std::uint32_t> block_checksums_;
    SnapshotInfo info_;
    bool planted_bug_skips_checksums_ = false;  // the test-only planted bug skip_snapshot_checksum
};

}  // namespace rq::wal
