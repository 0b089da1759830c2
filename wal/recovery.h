#pragma once
// Reading a WAL directory back after a restart or a crash. Read-only: Wal::open applies the repairs
// it decides (truncating a torn tail, removing obsolete segments). The rules are in wal/README.md.

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "env/disk.h"
#include "raft/types.h"
#include "wal/memory_log.h"

namespace rq::wal {

struct RecoveredWal {
    MemoryLog log;
    raft::HardState hard_state;
    // The segments of the current history, oldest (a complete base) first. Empty when the directory
    // holds no usable segment yet (a new WAL, or one whose first base never completed).
    std::vector<std::uint64_t> live_segments;
    // Where the valid records of the last live segment end; bytes past it are a torn tail.
    std::uint64_t last_segment_valid_bytes = 0;
    bool last_segment_torn = false;
    // Segment files to delete: older than the base, or incomplete ones a crash left at the end.
    std::vector<std::uint64_t> obsolete_segments;
    // The highest sequence number of any segment file present, so new segments never reuse a name.
    std::uint64_t highest_sequence = 0;
    // What recovery decided, for the log ("truncating torn tail of ... at 4096: ...").
    std::vector<std::string> repairs;
};

// Errors are ErrorCode::corrupt naming the file and offset ("segment /d/0000000000000002.wal at
// offset 4096: record fails its payload checksum, and valid records follow it"), or the disk's error.
Result<RecoveredWal> recover_wal(env::Disk& disk, const std::string& directory);

}  // namespace rq::wal
