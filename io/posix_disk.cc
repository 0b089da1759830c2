#include "io/posix_disk.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace rq::io {
namespace {

Error errno_error(const std::string& what, int error_number) {
    ErrorCode code = ErrorCode::io;
    if (error_number == ENOENT) code = ErrorCode::not_found;
    if (error_number == ENOSPC || error_number == EDQUOT) code = ErrorCode::no_space;
    if (error_number == EEXIST) code = ErrorCode::invalid_argument;
    return Error(code, what + ": " + std::strerror(error_number));
}

class PosixFile final : public env::File {
public:
    PosixFile(int descriptor, std::string path) : descriptor_(descriptor), path_(std::move(path)) {}
    ~PosixFile() override { ::close(descriptor_); }
    PosixFile(const PosixFile&) = delete;
    PosixFile& operator=(const PosixFile&) = delete;

    Result<std::uint64_t> size() override {
        struct stat status {};
        if (::fstat(descriptor_, &status) != 0) return errno_error("stat " + path_, errno);
        return static_cast<std::uint64_t>(status.st_size);
    }

    Result<std::string> read(std::uint64_t offset, std::uint64_t length) override {
        std::string buffer(static_cast<std::size_t>(length), '\0');
        std::size_t done = 0;
        while (done < buffer.size()) {
            const ssize_t count = ::pread(descriptor_, buffer.data() + done, buffer.size() - done,
                                          static_cast<off_t>(offset + done));
            if (count < 0 && errno == EINTR) continue;
            if (count < 0) return errno_error("read " + path_ + " at " + std::to_string(offset + done), errno);
            if (count == 0) break;  // end of file
            done += static_cast<std::size_t>(count);
        }
        buffer.resize(done);
        return buffer;
    }

    Status write(std::uint64_t offset, std::string_view data) override {
        std::size_t done = 0;
        while (done < data.size()) {
            const ssize_t count =
                ::pwrite(descriptor_, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
            if (count < 0 && errno == EINTR) continue;
            if (count < 0) return errno_error("write " + path_ + " at " + std::to_string(offset + done), errno);
            done += static_cast<std::size_t>(count);
        }
        return ok_status();
    }

    Status truncate(std::uint64_t size) override {
        if (::ftruncate(descriptor_, static_cast<off_t>(size)) != 0) {
            return errno_error("truncate " + path_ + " to " + std::to_string(size), errno);
        }
        return ok_status();
    }

    Status sync() override {
        if (::fdatasync(descriptor_) != 0) return errno_error("sync " + path_, errno);
        return ok_status();
    }

private:
    int descriptor_;
    std::string path_;
};

int open_flags(env::OpenMode mode) {
    switch (mode) {
        case env::OpenMode::read_only: return O_RDONLY;
        case env::OpenMode::read_write: return O_RDWR;
        case env::OpenMode::create_exclusive: return O_RDWR | O_CREAT | O_EXCL;
        case env::OpenMode::create_or_truncate: return O_RDWR | O_CREAT | O_TRUNC;
    }
    return O_RDONLY;
}

}  // namespace

Result<std::unique_ptr<env::File>> PosixDisk::open(const std::string& path, env::OpenMode mode) {
    int descriptor = -1;
    do {
        descriptor = ::open(path.c_str(), open_flags(mode) | O_CLOEXEC, 0644);
    } while (descriptor < 0 && errno == EINTR);
    if (descriptor < 0) return errno_error("open " + path, errno);
    return std::unique_ptr<env::File>(new PosixFile(descriptor, path));
}

Status PosixDisk::rename(const std::string& from, const std::string& to) {
    if (::rename(from.c_str(), to.c_str()) != 0) return errno_error("rename " + from + " to " + to, errno);
    return ok_status();
}

Status PosixDisk::remove(const std::string& path) {
    if (::unlink(path.c_str()) != 0) return errno_error("remove " + path, errno);
    return ok_status();
}

Result<std::vector<std::string>> PosixDisk::list(const std::string& directory) {
    DIR* stream = ::opendir(directory.c_str());
    if (stream == nullptr) return errno_error("list " + directory, errno);
    std::vector<std::string> names;
    errno = 0;
    while (const dirent* entry = ::readdir(stream)) {
        const std::string name = entry->d_name;
        if (name != "." && name != "..") names.push_back(name);
    }
    const int read_error = errno;
    ::closedir(stream);
    if (read_error != 0) return errno_error("list " + directory, read_error);
    std::sort(names.begin(), names.end());
    return names;
}

Status PosixDisk::make_directory(const std::string& path) {
    std::size_t position = 0;
    while (position != std::string::npos) {
        position = path.find('/', position + 1);
        const std::string prefix = path.substr(0, position);
        if (prefix.empty()) continue;
        if (::mkdir(prefix.c_str(), 0755) == 0) {
            // The new directory's entry lives in its parent: sync the parent so it survives a crash.
            const std::string parent = env::parent_path(prefix);
            if (auto status = sync_directory(parent.empty() ? "." : parent); !status.ok()) {
                return status.error().with_context("make directory " + path);
            }
        } else if (errno != EEXIST) {
            return errno_error("make directory " + prefix, errno);
        }
    }
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0) return errno_error("make directory " + path, errno);
    if (!S_ISDIR(status.st_mode)) return Error(ErrorCode::invalid_argument, "make directory " + path + ": not a directory");
    return ok_status();
}

Status PosixDisk::sync_directory(const std::string& path) {
    const int descriptor = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (descriptor < 0) return errno_error("sync directory " + path, errno);
    const int result = ::fsync(descriptor);
    const int sync_error = errno;
    ::close(descriptor);
    if (result != 0) return errno_error("sync directory " + path, sync_error);
    return ok_status();
}

}  // namespace rq::io
