#pragma once
// The environment's disk: the only way engine code (wal/, store/, the driver) touches files.
// io/posix_disk.h implements it with POSIX calls; env/memory_disk.h in memory, with a crash model
// and fault injection, for tests and the simulator.
//
// Durability contract, the same for both implementations:
// - File::write and File::truncate change what this process reads at once, but survive a crash only
//   after File::sync() returns ok. A crash may keep any prefix of the unsynced writes, the last one
//   torn.
// - Creating, renaming or removing a file changes its directory; the change survives a crash only
//   after Disk::sync_directory() of that directory returns ok.
// - Every failure is a returned Error (code io, no_space, not_found, ...) whose message names the
//   operation and the path: "write /data/wal/0000000000000003.wal at 4096: I/O error".
// - After a failed sync the state of the unsynced bytes is unknown: callers must not retry a sync
//   and assume success (the kernel may have dropped the dirty pages).
//
// Paths are '/'-separated strings; join them with join_path.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace rq::env {

class File {
public:
    virtual ~File() = default;

    // The size this process sees, including unsynced writes.
    [[nodiscard]] virtual Result<std::uint64_t> size() = 0;
    // Up to `length` bytes from `offset`; fewer only when the file ends first.
    [[nodiscard]] virtual Result<std::string> read(std::uint64_t offset, std::uint64_t length) = 0;
    // Writes all of `data` at `offset`, extending the file (with zeros across any hole) as needed.
    // On error some prefix of `data` may have been written.
    [[nodiscard]] virtual Status write(std::uint64_t offset, std::string_view data) = 0;
    [[nodiscard]] virtual Status truncate(std::uint64_t size) = 0;
    // Makes the file's data and size durable (fdatasync).
    [[nodiscard]] virtual Status sync() = 0;

    // Writes `data` at the current end of the file.
    [[nodiscard]] Status append(std::string_view data);
};

enum class OpenMode {
    read_only,           // the file must exist; writes fail
    read_write,          // the file must exist
    create_exclusive,    // the file must not exist; created empty
    create_or_truncate,  // created if missing, emptied if present
};

class Disk {
public:
    virtual ~Disk() = default;

    [[nodiscard]] virtual Result<std::unique_ptr<File>> open(const std::string& path, OpenMode mode) = 0;
    // Atomically replaces `to` (if present) with `from`.
    [[nodiscard]] virtual Status rename(const std::string& from, const std::string& to) = 0;
    // Removes a file (not a directory).
    [[nodiscard]] virtual Status remove(const std::string& path) = 0;
    // The names (not paths) of the files and subdirectories in `directory`, sorted.
    [[nodiscard]] virtual Result<std::vector<std::string>> list(const std::string& directory) = 0;
    // Creates `path` and any missing parents, durably; ok if it already exists.
    [[nodiscard]] virtual Status make_directory(const std::string& path) = 0;
    // Makes the creations, renames and removals of entries in `directory` durable.
    [[nodiscard]] virtual Status sync_directory(const std::string& path) = 0;
};

// "a" + "/" + "b", without doubling a separator.
std::string join_path(std::string_view directory, std::string_view name);

// A path's directory part ("" for a bare name, "/" for a file in the root) and the name after it,
// as views into the path.
struct SplitPath {
    std::string_view parent;
    std::string_view name;
};
SplitPath split_path(std::string_view path);

// The directory part of a path, as split_path gives it.
std::string parent_path(std::string_view path);

// Reads a whole file through `disk`: a convenience for small files and tests.
Result<std::string> read_file(Disk& disk, const std::string& path);

}  // namespace rq::env
