#pragma once
// An in-memory Disk with a crash model and fault injection, for tests and the simulator.
//
// Per file it keeps what is durable and the unsynced changes made since (in order); per directory the
// entries this process sees and the entries that are durable. crash() plays a power loss: every
// directory goes back to its durable entries, and every file keeps its durable bytes plus, depending on
// the CrashMode, a prefix of its unsynced changes with the last one torn. Files no durable entry
// names are gone. Handles opened before a crash fail with ErrorCode::closed.
//
// Faults: fail the N-th operation of a kind from now (countdown), a space budget after which writes
// fail with no_space, and sector rot (corrupt() flips the bits of a stored range, so reads return
// wrong bytes until the range is rewritten). Every random choice comes from the seed, so a run is
// reproducible. Directories themselves are durable as soon as they are made (a simplification: the
// real disk's make_directory syncs the parent).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/random.h"
#include "env/disk.h"

namespace rq::env {

// The kinds of operation a fault countdown can target.
enum class DiskOperation : std::uint8_t {
    read,    // File::read
    write,   // File::write (and append) and File::truncate
    sync,    // File::sync and Disk::sync_directory
    rename,  // Disk::rename
    remove,  // Disk::remove
    create,  // Disk::open with a create mode
};
inline constexpr int disk_operation_count = 6;
const char* disk_operation_name(DiskOperation operation);

enum class CrashMode : std::uint8_t {
    lose_unsynced,      // only synced bytes and directory entries survive
    tear_last_write,    // every unsynced change survives except the last write, of which a prefix is kept
    keep_random_prefix, // per file, a random prefix of the unsynced changes survives, the last kept one torn
};

struct CrashOptions {
    CrashMode mode = CrashMode::lose_unsynced;
    // A torn write keeps its full length, the lost part reading as zeros, as on file systems that
    // persist a file's size before its data. Otherwise the file ends where the kept prefix ends.
    bool zero_fill_torn_write = false;
};

class MemoryDisk final : public Disk {
public:
    explicit MemoryDisk(std::uint64_t seed);
    ~MemoryDisk() override;
    MemoryDisk(const MemoryDisk&) = delete;
    MemoryDisk& operator=(const MemoryDisk&) = delete;

    // Disk
    Result<std::unique_ptr<File>> open(const std::string& path, OpenMode mode) override;
    Status rename(const std::string& from, const std::string& to) override;
    Status remove(const std::string& path) override;
    Result<std::vector<std::string>> list(const std::string& directory) override;
    Status make_directory(const std::string& path) override;
    Status sync_directory(const std::string& path) override;

    // The `count`-th operation of this kind from now fails with an I/O error (1: the next one);
    // 0 disarms. A failed write may have written a prefix of its data; other failed operations
    // change nothing.
    void fail_after(DiskOperation operation, std::uint64_t count);
    // Operations of this kind attempted since construction (failed ones included): run a workload
    // once to learn how many countdown cases it has.
    [[nodiscard]] std::uint64_t operation_count(DiskOperation operation) const;
    // Total bytes all files may hold; a write that would pass it writes what fits and fails with
    // no_space. nullopt: unlimited.
    void set_space_limit(std::optional<std::uint64_t> bytes_max);
    [[nodiscard]] std::uint64_t used_bytes() const;

    // Sector rot: flips every bit of [offset, offset + length) of the file's stored bytes, durable and
    // not. Bytes past the end of the file are ignored.
    Status corrupt(const std::string& path, std::uint64_t offset, std::uint64_t length);

    // A power loss followed by a restart (see the class comment).
    void crash(CrashOptions options = {});

    // Whether a file exists as this process sees it / as it would after a crash.
    [[nodiscard]] bool exists(const std::string& path) const;
    [[nodiscard]] bool durably_exists(const std::string& path) const;
    // Unsynced file changes (writes and truncations) over all files: 0 means a crash loses no data.
    [[nodiscard]] std::uint64_t unsynced_change_count() const;

private:
    friend class MemoryFile;
    struct Inode;
    struct Directory;

    // Counts an attempt of `operation`; true if it is the one the countdown picked to fail.
    bool injects_failure(DiskOperation operation);
    Directory* find_directory(std::string_view path);
    const Directory* find_directory(std::string_view path) const;
    std::shared_ptr<Inode> lookup(std::string_view path) const;

    Result<std::string> read_inode(Inode& inode, const std::string& path, std::uint64_t offset,
                                   std::uint64_t length);
    Status write_inode(Inode& inode, const std::string& path, std::uint64_t offset, std::string_view data);
    Status truncate_inode(Inode& inode, const std::string& path, std::uint64_t size);
    Status sync_inode(Inode& inode, const std::string& path);
    void crash_inode(Inode& inode, const CrashOptions& options);

    Random random_;
    std::map<std::string, Directory, std::less<>> directories_;  // by path; std::less<> finds views
    std::uint64_t countdown_[disk_operation_count] = {};
    std::uint64_t attempts_[disk_operation_count] = {};
    std::optional<std::uint64_t> space_limit_bytes_;
    std::uint64_t generation_ = 0;  // bumped by crash(): older handles are stale
};

}  // namespace rq::env
