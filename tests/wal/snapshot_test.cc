// Snapshot files: written whole or not at all, verified on every read, the newest valid one found on
// start, received in chunks, pruned; and DurableStorage tying them to the WAL.

#include "wal/durable_storage.h"

#include <cstdio>

#include "base/random.h"
#include "wal_test_support.h"

namespace rq::wal {
namespace {

// Snapshot names are written by hand (append_hex16): they must stay exactly what snprintf gave.
TEST(SnapshotFileName, IsIndexAndTermInSixteenLowerCaseHexDigits) {
    for (std::uint64_t n : {0ULL, 1ULL, 10ULL, 0xabcdefULL, 0x0123456789abcdefULL, ~0ULL}) {
        char expected[80];
        std::snprintf(expected, sizeof expected, "snapshot-%016llx-%016llx.snap", static_cast<unsigned long long>(n),
                      static_cast<unsigned long long>(n / 3));
        EXPECT_EQ(snapshot_file_name(raft::Index(n), raft::Term(n / 3)), expected);
        EXPECT_EQ(snapshot_temp_file_name(raft::Index(n), raft::Term(n / 3)), std::string(expected) + ".tmp");
    }
}

using testing::error_of;
using testing::make_entries;

raft::SnapshotMetadata metadata_at(std::uint64_t index, std::uint64_t term = 1) {
    return raft::SnapshotMetadata{raft::Index(index), raft::Term(term),
                                  raft::Configuration{{raft::NodeId(1), raft::NodeId(2), raft::NodeId(3)}, {raft::NodeId(4)}}};
}

std::string random_bytes(std::uint64_t seed, std::size_t size) {
    Random random(seed);
    std::string bytes(size, '\0');
    for (char& c : bytes) c = static_cast<char>(random.below(256));
    return bytes;
}

class SnapshotTest : public ::testing::Test {
protected:
    std::unique_ptr<SnapshotStore> open_store() {
        auto store = SnapshotStore::open(disk, directory);
        EXPECT_TRUE(store.ok()) << error_of(store);
        return store.ok() ? std::move(*store) : nullptr;
    }
    // Writes a snapshot in pieces of `piece` bytes and returns what finish() returned.
    Result<SnapshotInfo> write_snapshot(SnapshotStore& store, const raft::SnapshotMetadata& metadata,
                                        const std::string& data, std::size_t piece = 10000) {
        auto writer = store.begin(metadata);
        if (!writer.ok()) return writer.error();
        for (std::size_t at = 0; at < data.size(); at += piece) {
            if (auto status = (*writer)->append(std::string_view(data).substr(at, piece)); !status.ok()) {
                return status.error();
            }
        }
        auto info = (*writer)->finish();
        if (info.ok()) store.record_finished(*info);
        return info;
    }

    env::MemoryDisk disk{3};
    std::string directory = "/node/snapshots";
};

TEST_F(SnapshotTest, WritesAndReadsBackAcrossBlockBoundaries) {
    auto store = open_store();
    const std::string data = random_bytes(1, 3 * snapshot_block_bytes + 123);
    auto info = write_snapshot(*store, metadata_at(10), data);
    ASSERT_TRUE(info.ok()) << error_of(info);
    EXPECT_EQ(info->metadata, metadata_at(10));
    EXPECT_EQ(info->data_bytes, data.size());
    auto reader = store->open_newest();
    ASSERT_TRUE(reader.ok()) << error_of(reader);
    EXPECT_EQ(*(*reader)->read(0, data.size() + 10), data);
    for (std::uint64_t offset : {0ull, 1ull, 65535ull, 65536ull, 100000ull, 196000ull}) {
        EXPECT_EQ(*(*reader)->read(offset, 70000), data.substr(offset, 70000)) << offset;
    }
    EXPECT_EQ(*(*reader)->read(data.size(), 10), "");
    EXPECT_TRUE((*reader)->verify_data().ok());
}

TEST_F(SnapshotTest, AnEmptySnapshotIsValid) {
    auto store = open_store();
    ASSERT_TRUE(write_snapshot(*store, metadata_at(1), "").ok());
    store = open_store();
    ASSERT_TRUE(store->newest().has_value());
    EXPECT_EQ(store->newest()->data_bytes, 0u);
}

TEST_F(SnapshotTest, ARottenDataBlockFailsTheReadThatTouchesIt) {
    auto store = open_store();
    const std::string data = random_bytes(2, 2 * snapshot_block_bytes);
    auto info = write_snapshot(*store, metadata_at(10), data);
    ASSERT_TRUE(info.ok());
    auto reader = store->open_newest();
    ASSERT_TRUE(reader.ok());
    const std::uint64_t header_bytes = SnapshotHeader{metadata_at(10)}.header_bytes();
    ASSERT_TRUE(disk.corrupt(info->path, header_bytes + snapshot_block_bytes + 7, 1).ok());
    EXPECT_TRUE((*reader)->read(0, 100).ok()) << "the first block is intact";
    auto bad = (*reader)->read(snapshot_block_bytes - 10, 100);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code(), ErrorCode::corrupt);
    EXPECT_NE(bad.error().message().find("block 1"), std::string::npos) << bad.error().message();
}

TEST_F(SnapshotTest, ARottenHeaderIsDetected) {
    auto store = open_store();
    auto info = write_snapshot(*store, metadata_at(10), "some data");
    ASSERT_TRUE(info.ok());
    for (std::uint64_t offset : {0ull, 17ull, 40ull, 60ull}) {
        ASSERT_TRUE(disk.corrupt(info->path, offset, 1).ok());
        auto reader = SnapshotReader::open(disk, info->path);
        ASSERT_FALSE(reader.ok()) << offset;
        EXPECT_EQ(reader.error().code(), ErrorCode::corrupt);
        ASSERT_TRUE(disk.corrupt(info->path, offset, 1).ok());  // flip back
    }
    EXPECT_TRUE(SnapshotReader::open(disk, info->path).ok());
}

TEST_F(SnapshotTest, OpenPicksTheNewestValidAndRemovesNewerInvalidOnes) {
    auto store = open_store();
    ASSERT_TRUE(write_snapshot(*store, metadata_at(10), "ten").ok());
    auto newer = write_snapshot(*store, metadata_at(20), "twenty");
    ASSERT_TRUE(newer.ok());
    ASSERT_TRUE(disk.corrupt(newer->path, newer->data_bytes == 0 ? 0 : 70, 1).ok());  // rot inside the data
    store = open_store();
    ASSERT_TRUE(store->newest().has_value());
    EXPECT_EQ(store->newest()->metadata.index, raft::Index(10));
    EXPECT_FALSE(disk.exists(newer->path));
    ASSERT_EQ(store->notes().size(), 1u);
    EXPECT_NE(store->notes()[0].find("snapshot-"), std::string::npos);
}

TEST_F(SnapshotTest, APartialSnapshotIsIgnoredAfterACrash) {
    auto store = open_store();
    ASSERT_TRUE(write_snapshot(*store, metadata_at(10), "ten").ok());
    auto writer = store->begin(metadata_at(20));
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->append(random_bytes(3, 5000)).ok());
    disk.crash({env::CrashMode::keep_random_prefix});
    store = open_store();
    EXPECT_EQ(store->newest()->metadata.index, raft::Index(10));
    EXPECT_EQ(*store->list(), std::vector<std::string>{snapshot_file_name(raft::Index(10), raft::Term(1))});
}

TEST_F(SnapshotTest, AFinishedSnapshotSurvivesACrash) {
    auto store = open_store();
    const std::string data = random_bytes(4, 100000);
    ASSERT_TRUE(write_snapshot(*store, metadata_at(30, 2), data).ok());
    disk.crash({env::CrashMode::lose_unsynced});
    store = open_store();
    ASSERT_TRUE(store->newest().has_value());
    EXPECT_EQ(store->newest()->metadata, metadata_at(30, 2));
    EXPECT_EQ(*(*store->open_newest())->read(0, data.size()), data);
}

TEST_F(SnapshotTest, ReceivingInChunksChecksOrderAndSize) {
    auto store = open_store();
    const std::string data = random_bytes(5, 5000);
    auto writer = store->begin(metadata_at(40), data.size());
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->write(0, data.substr(0, 1000)).ok());
    EXPECT_EQ((*writer)->write(2000, data.substr(2000, 1000)).error().code(), ErrorCode::invalid_argument);
    ASSERT_TRUE((*writer)->write(1000, data.substr(1000, 3000)).ok());
    auto early = (*writer)->finish();
    ASSERT_FALSE(early.ok()) << "1000 bytes are missing";
    EXPECT_NE(early.error().message().find("4000 of 5000"), std::string::npos) << early.error().message();
    auto again = store->begin(metadata_at(40), data.size());
    ASSERT_TRUE((*again)->write(0, data).ok());
    ASSERT_TRUE((*again)->finish().ok());
}

TEST_F(SnapshotTest, AWriterWritesUnderTheTempNameThenRenamesToTheFinalOne) {
    auto store = open_store();
    const raft::SnapshotMetadata metadata = metadata_at(0x1234, 0xab);
    auto writer = store->begin(metadata);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->append("data").ok());
    EXPECT_EQ(*disk.list(directory), std::vector<std::string>{snapshot_temp_file_name(metadata.index, metadata.term)});
    auto info = (*writer)->finish();
    ASSERT_TRUE(info.ok()) << error_of(info);
    EXPECT_EQ(*disk.list(directory), std::vector<std::string>{snapshot_file_name(metadata.index, metadata.term)});
    EXPECT_EQ(info->path, env::join_path(directory, snapshot_file_name(metadata.index, metadata.term)));
}

TEST_F(SnapshotTest, PruneKeepsTheRetainedCount) {
    auto store = open_store();
    for (std::uint64_t index = 10; index <= 50; index += 10) {
        ASSERT_TRUE(write_snapshot(*store, metadata_at(index), "data").ok());
    }
    ASSERT_TRUE(store->prune().ok());
    EXPECT_EQ(*store->list(), (std::vector<std::string>{snapshot_file_name(raft::Index(50), raft::Term(1)),
                                                        snapshot_file_name(raft::Index(40), raft::Term(1))}));
}

TEST_F(SnapshotTest, DurableStorageServesTheLogAndTheSnapshot) {
    auto storage = DurableStorage::open(disk, "/node");
    ASSERT_TRUE(storage.ok()) << error_of(storage);
    DurableStorage& s = **storage;
    const raft::HardState state{raft::Term(2), raft::NodeId(1), raft::Index(8)};
    ASSERT_TRUE(s.save(make_entries(1, 10, 2), state).ok());
    ASSERT_TRUE(s.sync().ok());
    EXPECT_EQ(s.snapshot_size(), 0u);
    EXPECT_FALSE(s.read_snapshot(0, 10).ok());

    const std::string data = random_bytes(6, 200000);
    auto writer = s.begin_snapshot(metadata_at(8, 2));
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->append(data).ok());
    auto info = (*writer)->finish();
    ASSERT_TRUE(info.ok());
    ASSERT_TRUE(s.install_snapshot(*info).ok());
    ASSERT_TRUE(s.sync().ok());
    EXPECT_EQ(s.first_index(), raft::Index(9));
    EXPECT_EQ(s.term(raft::Index(8)), raft::Term(2));
    EXPECT_EQ(s.snapshot_metadata(), metadata_at(8, 2));
    EXPECT_EQ(*s.read_snapshot(1000, 5000), data.substr(1000, 5000));

    storage->reset();
    disk.crash();
    storage = DurableStorage::open(disk, "/node");
    ASSERT_TRUE(storage.ok()) << error_of(storage);
    EXPECT_EQ((*storage)->hard_state(), state);
    EXPECT_EQ((*storage)->first_index(), raft::Index(9));
    EXPECT_EQ((*storage)->last_index(), raft::Index(10));
    EXPECT_EQ((*storage)->entries(raft::Index(9), raft::Index(11), 1 << 20), make_entries(9, 2, 2));
    EXPECT_EQ(*(*storage)->read_snapshot(0, data.size()), data);
}

TEST_F(SnapshotTest, DurableStorageInstallsAReceivedSnapshot) {
    auto storage = DurableStorage::open(disk, "/node");
    ASSERT_TRUE(storage.ok());
    DurableStorage& s = **storage;
    ASSERT_TRUE(s.save(make_entries(1, 5, 1), std::nullopt).ok());
    const std::string data = random_bytes(7, 3000);
    const auto metadata = metadata_at(100, 3);
    for (std::uint64_t offset = 0; offset < data.size(); offset += 1000) {
        raft::SnapshotChunk chunk{metadata, data.size(), offset, data.substr(offset, 1000)};
        ASSERT_TRUE(s.save_snapshot_chunk(chunk).ok());
    }
    ASSERT_TRUE(s.install_received_snapshot(metadata).ok());
    ASSERT_TRUE(s.save(make_entries(101, 2, 3), std::nullopt).ok());
    ASSERT_TRUE(s.sync().ok());
    storage->reset();
    disk.crash();
    storage = DurableStorage::open(disk, "/node");
    ASSERT_TRUE(storage.ok()) << error_of(storage);
    EXPECT_EQ((*storage)->snapshot_metadata(), metadata);
    EXPECT_EQ((*storage)->first_index(), raft::Index(101));
    EXPECT_EQ((*storage)->last_index(), raft::Index(102));
    EXPECT_EQ(*(*storage)->read_snapshot(0, 10000), data);
}

TEST_F(SnapshotTest, DurableStorageRefusesToOpenWhenTheSnapshotItNeedsRotted) {
    auto storage = DurableStorage::open(disk, "/node");
    ASSERT_TRUE(storage.ok());
    ASSERT_TRUE((*storage)->save(make_entries(1, 10, 1), std::nullopt).ok());
    auto writer = (*storage)->begin_snapshot(metadata_at(8));
    ASSERT_TRUE((*writer)->append("state at 8").ok());
    auto info = (*writer)->finish();
    ASSERT_TRUE((*storage)->install_snapshot(*info).ok());
    ASSERT_TRUE((*storage)->sync().ok());
    storage->reset();
    ASSERT_TRUE(disk.corrupt(info->path, 70, 1).ok());
    auto reopened = DurableStorage::open(disk, "/node");
    ASSERT_FALSE(reopened.ok()) << "entries 1..8 are gone from the WAL: the snapshot was the only copy";
    EXPECT_EQ(reopened.error().code(), ErrorCode::corrupt);
}

}  // namespace
}  // namespace rq::wal
