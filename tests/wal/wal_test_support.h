#pragma once
// Helpers shared by the WAL tests: building entries, opening a WAL on a MemoryDisk, and describing
// a recovered state.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "env/memory_disk.h"
#include "wal/wal.h"

namespace rq::wal::testing {

inline raft::Entry make_entry(std::uint64_t index, std::uint64_t term, std::string data = {}) {
    if (data.empty()) data = "entry-" + std::to_string(index) + "-term-" + std::to_string(term);
    return raft::Entry{raft::Term(term), raft::Index(index), raft::EntryType::normal, std::move(data)};
}

inline std::vector<raft::Entry> make_entries(std::uint64_t first, std::uint64_t count, std::uint64_t term,
                                             std::size_t data_bytes = 0) {
    std::vector<raft::Entry> entries;
    for (std::uint64_t i = 0; i < count; ++i) {
        std::string data = data_bytes == 0 ? std::string() : std::string(data_bytes, static_cast<char>('a' + (first + i) % 26));
        entries.push_back(make_entry(first + i, term, std::move(data)));
    }
    return entries;
}

inline std::vector<raft::Entry> all_entries(const Wal& wal) {
    return {wal.log().all().begin(), wal.log().all().end()};
}

inline std::string error_of(const Status& status) { return status.ok() ? "ok" : status.error().message(); }

template <typename T>
std::string error_of(const Result<T>& result) {
    return result.ok() ? "ok" : result.error().message();
}

class WalTestBase : public ::testing::Test {
protected:
    std::unique_ptr<Wal> open_wal(SnapshotPoint snapshot = {}, WalOptions options = {}) {
        auto wal = Wal::open(disk, directory, snapshot, options);
        EXPECT_TRUE(wal.ok()) << error_of(wal);
        return wal.ok() ? std::move(*wal) : nullptr;
    }
    std::string segment_path(std::uint64_t sequence) const {
        return env::join_path(directory, segment_file_name(sequence));
    }

    env::MemoryDisk disk{1};
    std::string directory = "/node/wal";
};

}  // namespace rq::wal::testing
