#pragma once
// The real Disk: POSIX files. write is pwrite (looping over short writes), sync is fdatasync,
// sync_directory opens the directory and fsyncs it, rename is rename(2), make_directory creates the
// missing parents and fsyncs each parent so the new directory itself survives a crash.
//
// errno maps to ErrorCode: ENOENT -> not_found, ENOSPC and EDQUOT -> no_space, EEXIST ->
// invalid_argument, anything else -> io; the message carries strerror and the path.

#include "env/disk.h"

namespace rq::io {

class PosixDisk final : public env::Disk {
public:
    Result<std::unique_ptr<env::File>> open(const std::string& path, env::OpenMode mode) override;
    Status rename(const std::string& from, const std::string& to) override;
    Status remove(const std::string& path) override;
    Result<std::vector<std::string>> list(const std::string& directory) override;
    Status make_directory(const std::string& path) override;
    Status sync_directory(const std::string& path) override;
};

}  // namespace rq::io
