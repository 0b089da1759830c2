#pragma once
// A fresh directory for benchmarks that touch the real disk, under $RQ_BENCH_DIR (default: the
// system temp directory), removed with everything in it when the object goes.

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace rq::bench {

class ScratchDirectory {
public:
    explicit ScratchDirectory(const std::string& prefix) {
        const char* root = std::getenv("RQ_BENCH_DIR");
        std::string pattern = ((root != nullptr ? std::filesystem::path(root) : std::filesystem::temp_directory_path()) /
                               (prefix + "-XXXXXX"))
                                  .string();
        if (::mkdtemp(pattern.data()) == nullptr) std::abort();
        path_ = pattern;
    }
    ~ScratchDirectory() { std::filesystem::remove_all(path_); }
    ScratchDirectory(const ScratchDirectory&) = delete;
    ScratchDirectory& operator=(const ScratchDirectory&) = delete;

    [[nodiscard]] const std::string& path() const { return path_; }
    [[nodiscard]] std::string file(const char* name) const { return (std::filesystem::path(path_) / name).string(); }

private:
    std::string path_;
};

}  // namespace rq::bench
