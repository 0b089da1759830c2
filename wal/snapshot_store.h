#pragma once
// The directory of snapshot files: finds the newest valid snapshot on start, hands out writers for
// new ones (taken locally or received from a leader), and prunes old ones.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/planted_bug.h"
#include "base/result.h"
#include "env/disk.h"
#include "raft/types.h"
#include "wal/snapshot_file.h"

namespace rq::wal {

struct SnapshotStoreOptions {
    // Snapshots kept by prune(), newest first (at least 1). Keeping an older one leaves a fallback
    // if the newest rots, as long as the WAL still reaches back to it.
    std::uint32_t retained_count = 2;
    // Test-only: the simulator plants this bug to prove its oracles catch it; rqlited never sets it.
    // Only skip_snapshot_checksum matters here: readers of these snapshots skip the data checksums.
    PlantedBug planted_bug = PlantedBug::none;

    [[nodiscard]] Status validate() const;
};

class SnapshotStore {
public:
    // Opens `directory` (creating it if missing): removes temp files a crash left behind, then finds
    // the newest snapshot whose header, table and every data block verify. Snapshots newer than it
    // that fail to verify are removed (see notes()).
    static Result<std::unique_ptr<SnapshotStore>> open(env::Disk& disk, std::string directory,
                                                       SnapshotStoreOptions options = {});

    // The newest valid snapshot, if any.
    [[nodiscard]] const std::optional<SnapshotInfo>& newest() const { return newest_; }
    // Snapshot files by name, newest first (not verified).
    Result<std::vector<std::string>> list() const;

    // A writer for a new snapshot (see SnapshotWriter). Once its finish() succeeds, call
    // record_finished() with the result.
    Result<std::unique_ptr<SnapshotWriter>> begin(const raft::SnapshotMetadata& metadata,
                                                 std::optional<std::uint64_t> expected_data_bytes = std::nullopt);
    // Makes a finished snapshot the newest, if it is newer than the current one.
    void record_finished(const SnapshotInfo& info);

    // A reader of the newest snapshot; not_found if there is none.
    Result<std::unique_ptr<SnapshotReader>> open_newest() const;

    // Removes snapshot files beyond the retained count (never the newest).
    Status prune();

    // What open() skipped or removed and why, for the log.
    [[nodiscard]] const std::vector<std::string>& notes() const { return notes_; }
    [[nodiscard]] const std::string& directory() const { return directory_; }
    [[nodiscard]] const SnapshotStoreOptions& options() const { return options_; }

private:
    SnapshotStore(env::Disk& disk, std::string directory, SnapshotStoreOptions options);
    Status remove_temp_files(const std::vector<std::string>& names);
    Status find_newest_valid(std::vector<std::string> names);
    Status make_newest_durable();

    env::Disk& disk_;
    std::string directory_;
    SnapshotStoreOptions options_;
    std::optional<SnapshotInfo> newest_;
    std::vector<std::string> notes_;
};

}  // namespace rq::wal
