// The planted bug skip_snapshot_checksum (base/planted_bug.h): with the switch off rotten snapshot
// bytes are refused; with it on they are read, and installed, as data. A switch that does nothing
// fails here before the simulator relies on it.
#include <gtest/gtest.h>

#include "base/random.h"
#include "wal/durable_storage.h"
#include "wal_test_support.h"

namespace rq::wal {
namespace {

using testing::error_of;
using testing::make_entries;

const raft::SnapshotMetadata snapshot_at_8{raft::Index(8), raft::Term(1),
                                           raft::Configuration{{raft::NodeId(1), raft::NodeId(2)}, {}}};
const std::string state_at_8 = "the state machine at index 8";
// Where the rot lands: the fourth byte of the data.
const std::uint64_t rotten_offset = SnapshotHeader{snapshot_at_8}.header_bytes() + 3;

std::string rotten_state() {
    std::string rotten = state_at_8;
    rotten[3] = static_cast<char>(~rotten[3]);  // MemoryDisk::corrupt flips every bit
    return rotten;
}

class PlantedBugSnapshotTest : public ::testing::Test {
protected:
    // A node directory whose log was compacted into a snapshot at index 8 that then rotted on disk.
    void write_rotten_snapshot() {
        auto storage = DurableStorage::open(disk, "/node");
        ASSERT_TRUE(storage.ok()) << error_of(storage);
        ASSERT_TRUE((*storage)->save(make_entries(1, 10, 1), std::nullopt).ok());
        auto writer = (*storage)->begin_snapshot(snapshot_at_8);
        ASSERT_TRUE(writer.ok()) << error_of(writer);
        ASSERT_TRUE((*writer)->append(state_at_8).ok());
        auto info = (*writer)->finish();
        ASSERT_TRUE(info.ok()) << error_of(info);
        ASSERT_TRUE((*storage)->install_snapshot(*info).ok());
        ASSERT_TRUE((*storage)->sync().ok());
        path = info->path;
        ASSERT_TRUE(disk.corrupt(path, rotten_offset, 1).ok());
    }

    static DurableStorageOptions options_with(PlantedBug bug) {
        DurableStorageOptions options;
        options.snapshots.planted_bug = bug;
        return options;
    }

    env::MemoryDisk disk{5};
    std::string path;
};

TEST_F(PlantedBugSnapshotTest, ReaderRefusesRottenDataWithoutTheBug) {
    write_rotten_snapshot();
    auto reader = SnapshotReader::open(disk, path);
    ASSERT_TRUE(reader.ok()) << "the header and the block table are intact";
    auto data = (*reader)->read(0, 100);
    ASSERT_FALSE(data.ok());
    EXPECT_EQ(data.error().code(), ErrorCode::corrupt);
    EXPECT_EQ((*reader)->verify_data().error().code(), ErrorCode::corrupt);
}

TEST_F(PlantedBugSnapshotTest, ReaderReturnsRottenDataWithTheBug) {
    write_rotten_snapshot();
    auto reader = SnapshotReader::open(disk, path, PlantedBug::skip_snapshot_checksum);
    ASSERT_TRUE(reader.ok()) << error_of(reader);
    EXPECT_TRUE((*reader)->verify_data().ok());
    auto data = (*reader)->read(0, 100);
    ASSERT_TRUE(data.ok()) << error_of(data);
    EXPECT_EQ(*data, rotten_state());
}

TEST_F(PlantedBugSnapshotTest, ARottenBlockTableIsIgnoredWithTheBug) {
    write_rotten_snapshot();
    ASSERT_TRUE(disk.corrupt(path, rotten_offset, 1).ok());  // heal the data, rot the table instead
    const std::uint64_t table_offset = SnapshotHeader{snapshot_at_8}.header_bytes() + state_at_8.size();
    ASSERT_TRUE(disk.corrupt(path, table_offset, 1).ok());
    auto refused = SnapshotReader::open(disk, path);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code(), ErrorCode::corrupt);
    EXPECT_TRUE(SnapshotReader::open(disk, path, PlantedBug::skip_snapshot_checksum).ok());
}

// On restart the snapshot is the only copy of entries 1..8: the normal engine refuses to open;
// the bugged one opens and hands the rotten bytes to whoever installs or sends the snapshot.
TEST_F(PlantedBugSnapshotTest, DurableStorageRefusesTheRottenSnapshotWithoutTheBug) {
    write_rotten_snapshot();
    auto reopened = DurableStorage::open(disk, "/node", options_with(PlantedBug::none));
    ASSERT_FALSE(reopened.ok());
    EXPECT_EQ(reopened.error().code(), ErrorCode::corrupt);
}

TEST_F(PlantedBugSnapshotTest, DurableStorageInstallsTheRottenSnapshotWithTheBug) {
    write_rotten_snapshot();
    auto reopened = DurableStorage::open(disk, "/node", options_with(PlantedBug::skip_snapshot_checksum));
    ASSERT_TRUE(reopened.ok()) << error_of(reopened);
    EXPECT_EQ((*reopened)->snapshot_metadata().index, raft::Index(8));
    auto data = (*reopened)->read_snapshot(0, 100);
    ASSERT_TRUE(data.ok()) << error_of(data);
    EXPECT_EQ(*data, rotten_state());
}

}  // namespace
}  // namespace rq::wal
