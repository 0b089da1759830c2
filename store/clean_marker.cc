#include "store/clean_marker.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <vector>

#include "store/fnv_hash.h"

namespace rq::store {
namespace {

constexpr std::array<char, 8> marker_magic = {'R', 'Q', 'C', 'L', 'E', 'A', 'N', '1'};
// magic, applied index, file size, file hash, checksum of the preceding 32 bytes.
constexpr std::size_t marker_size = 40;
constexpr std::size_t read_chunk_bytes = 1 << 20;

Error errno_error(const std::string& context) {
    const int code = errno;
    return Error(code == ENOSPC ? ErrorCode::no_space : ErrorCode::io,
                 context + ": " + std::generic_category().message(code));
}

class FileDescriptor {
public:
    explicit FileDescriptor(int fd) : fd_(fd) {}
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    [[nodiscard]] int get() const { return fd_; }
    [[nodiscard]] bool valid() const { return fd_ >= 0; }

private:
    int fd_;
};

std::string directory_of(const std::string& path) {
    const auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

Status fsync_path(const std::string& path, int flags) {
    FileDescriptor fd(::open(path.c_str(), flags | O_CLOEXEC));
    if (!fd.valid()) return errno_error("open " + path);
    if (::fsync(fd.get()) != 0) return errno_error("fsync " + path);
    return ok_status();
}

struct FileSummary {
    std::uint64_t size = 0;
    std::uint64_t hash = 0;
};

Result<FileSummary> summarise_file(const std::string& path) {
    FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return errno_error("open " + path);
    FnvHash hash;
    FileSummary summary;
    std::vector<char> buffer(read_chunk_bytes);
    for (;;) {
        const ssize_t count = ::read(fd.get(), buffer.data(), buffer.size());
        if (count < 0) {
            if (errno == EINTR) continue;
            return errno_error("read " + path);
        }
        if (count == 0) break;
        hash.add_bytes(buffer.data(), static_cast<std::size_t>(count));
        summary.size += static_cast<std::uint64_t>(count);
    }
    summary.hash = hash.digest();
    return summary;
}

void put_u64(unsigned char* out, std::uint64_t value) {
    for (int i = 0; i < 8; ++i) out[i] = static_cast<unsigned char>(value >> (8 * i));
}
std::uint64_t get_u64(const unsigned char* in) {
    std::uint64_t value = 0;
    for (int i = 7; i >= 0; --i) value = (value << 8) | in[i];
    return value;
}
std::uint64_t checksum(const unsigned char* bytes, std::size_t size) {
    FnvHash hash;
    hash.add_bytes(bytes, size);
    return hash.digest();
}

Status write_all(int fd, const unsigned char* bytes, std::size_t size, const std::string& path) {
    while (size > 0) {
        const ssize_t count = ::write(fd, bytes, size);
        if (count < 0) {
            if (errno == EINTR) continue;
            return errno_error("write " + path);
        }
        bytes += count;
        size -= static_cast<std::size_t>(count);
    }
    return ok_status();
}

Status remove_if_present(const std::string& path) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return errno_error("remove " + path);
    return ok_status();
}

std::optional<std::uint64_t> file_size(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return std::nullopt;
    return static_cast<std::uint64_t>(info.st_size);
}

}  // namespace

std::string clean_marker_path(const std::string& database_path) { return database_path + ".clean"; }

Status write_clean_marker(const std::string& database_path, raft::Index applied_index) {
    // The database was written with synchronous=OFF: make it durable before vouching for it.
    RQ_TRY_STATUS(fsync_path(database_path, O_RDONLY), "clean marker");
    Result<FileSummary> summary = summarise_file(database_path);
    if (!summary.ok()) return summary.error().with_context("clean marker");

    std::array<unsigned char, marker_size> record{};
    std::memcpy(record.data(), marker_magic.data(), marker_magic.size());
    put_u64(record.data() + 8, applied_index.value());
    put_u64(record.data() + 16, summary->size);
    put_u64(record.data() + 24, summary->hash);
    put_u64(record.data() + 32, checksum(record.data(), 32));

    const std::string path = clean_marker_path(database_path);
    const std::string temporary = path + ".tmp";
    {
        FileDescriptor fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
        if (!fd.valid()) return errno_error("open " + temporary);
        RQ_TRY_STATUS(write_all(fd.get(), record.data(), record.size(), temporary), "clean marker");
        if (::fsync(fd.get()) != 0) return errno_error("fsync " + temporary);
    }
    if (::rename(temporary.c_str(), path.c_str()) != 0) return errno_error("rename " + temporary);
    return fsync_path(directory_of(path), O_RDONLY | O_DIRECTORY);
}

std::optional<raft::Index> read_clean_marker(const std::string& database_path) {
    const std::string path = clean_marker_path(database_path);
    std::array<unsigned char, marker_size + 1> record{};  // one extra byte detects a longer file
    {
        FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd.valid()) return std::nullopt;
        std::size_t total = 0;
        for (;;) {
            const ssize_t count = ::read(fd.get(), record.data() + total, record.size() - total);
            if (count < 0 && errno == EINTR) continue;
            if (count <= 0) break;
            total += static_cast<std::size_t>(count);
            if (total == record.size()) break;
        }
        if (total != marker_size) return std::nullopt;
    }
    if (std::memcmp(record.data(), marker_magic.data(), marker_magic.size()) != 0 ||
        get_u64(record.data() + 32) != checksum(record.data(), 32)) {
        return std::nullopt;
    }
    // A WAL with content means the file was written after the clean shutdown.
    if (file_size(database_path + "-wal").value_or(0) != 0) return std::nullopt;
    Result<FileSummary> summary = summarise_file(database_path);
    if (!summary.ok() || summary->size != get_u64(record.data() + 16) || summary->hash != get_u64(record.data() + 24)) {
        return std::nullopt;
    }
    return raft::Index(get_u64(record.data() + 8));
}

Status remove_clean_marker(const std::string& database_path) {
    const std::string path = clean_marker_path(database_path);
    if (!file_size(path)) return ok_status();
    RQ_TRY_STATUS(remove_if_present(path), "clean marker");
    return fsync_path(directory_of(path), O_RDONLY | O_DIRECTORY);
}

Status remove_database_files(const std::string& database_path) {
    for (const char* suffix : {"", "-wal", "-shm", ".clean", ".clean.tmp"}) {
        RQ_TRY_STATUS(remove_if_present(database_path + suffix), "remove database files");
    }
    return ok_status();
}

}  // namespace rq::store
