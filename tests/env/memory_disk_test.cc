// MemoryDisk: the crash model (what survives a power loss) and the fault injection the WAL tests
// rely on. If these are wrong, every fault test above them proves nothing.

#include "env/memory_disk.h"

#include <gtest/gtest.h>

namespace rq::env {
namespace {

std::unique_ptr<File> open_file(Disk& disk, const std::string& path, OpenMode mode) {
    auto file = disk.open(path, mode);
    EXPECT_TRUE(file.ok()) << (file.ok() ? "" : file.error().message());
    return std::move(*file);
}

std::string contents(Disk& disk, const std::string& path) {
    auto bytes = read_file(disk, path);
    EXPECT_TRUE(bytes.ok()) << (bytes.ok() ? "" : bytes.error().message());
    return bytes.ok() ? *bytes : std::string();
}

class MemoryDiskTest : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(disk.make_directory("/d").ok()); }
    // A file whose creation is durable and whose content is `synced`, synced.
    std::unique_ptr<File> durable_file(const std::string& path, const std::string& synced) {
        auto file = open_file(disk, path, OpenMode::create_exclusive);
        EXPECT_TRUE(file->write(0, synced).ok());
        EXPECT_TRUE(file->sync().ok());
        EXPECT_TRUE(disk.sync_directory("/d").ok());
        return file;
    }
    MemoryDisk disk{42};
};

TEST_F(MemoryDiskTest, ReadsSeeUnsyncedWritesAndHolesReadAsZeros) {
    auto file = open_file(disk, "/d/f", OpenMode::create_exclusive);
    ASSERT_TRUE(file->write(0, "abc").ok());
    ASSERT_TRUE(file->write(5, "xy").ok());
    EXPECT_EQ(contents(disk, "/d/f"), std::string("abc\0\0xy", 7));
    EXPECT_EQ(*file->read(1, 100), std::string("bc\0\0xy", 6));
    ASSERT_TRUE(file->append("!").ok());
    EXPECT_EQ(*file->size(), 8u);
}

TEST_F(MemoryDiskTest, CrashLosesUnsyncedBytesButKeepsSyncedOnes) {
    auto file = durable_file("/d/f", "synced");
    ASSERT_TRUE(file->write(6, "-unsynced").ok());
    disk.crash({CrashMode::lose_unsynced});
    EXPECT_EQ(contents(disk, "/d/f"), "synced");
}

TEST_F(MemoryDiskTest, CreateWithoutDirectorySyncIsLostOnCrash) {
    auto file = open_file(disk, "/d/f", OpenMode::create_exclusive);
    ASSERT_TRUE(file->write(0, "data").ok());
    ASSERT_TRUE(file->sync().ok());  // the data is durable, the name is not
    EXPECT_FALSE(disk.durably_exists("/d/f"));
    disk.crash();
    EXPECT_FALSE(disk.exists("/d/f"));
}

TEST_F(MemoryDiskTest, RenameWithoutDirectorySyncIsUndoneByCrash) {
    durable_file("/d/a", "A");
    ASSERT_TRUE(disk.rename("/d/a", "/d/b").ok());
    EXPECT_TRUE(disk.exists("/d/b"));
    disk.crash();
    EXPECT_TRUE(disk.exists("/d/a"));
    EXPECT_FALSE(disk.exists("/d/b"));

    ASSERT_TRUE(disk.rename("/d/a", "/d/b").ok());
    ASSERT_TRUE(disk.sync_directory("/d").ok());
    disk.crash();
    EXPECT_FALSE(disk.exists("/d/a"));
    EXPECT_EQ(contents(disk, "/d/b"), "A");
}

TEST_F(MemoryDiskTest, RenameReplacesTheTarget) {
    durable_file("/d/a", "new");
    durable_file("/d/b", "old");
    ASSERT_TRUE(disk.rename("/d/a", "/d/b").ok());
    EXPECT_EQ(contents(disk, "/d/b"), "new");
    EXPECT_EQ(*disk.list("/d"), std::vector<std::string>{"b"});
}

TEST_F(MemoryDiskTest, TearLastWriteKeepsEarlierWritesAndAPrefixOfTheLast) {
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
        MemoryDisk torn(seed);
        ASSERT_TRUE(torn.make_directory("/d").ok());
        auto file = open_file(torn, "/d/f", OpenMode::create_exclusive);
        ASSERT_TRUE(file->sync().ok());
        ASSERT_TRUE(torn.sync_directory("/d").ok());
        ASSERT_TRUE(file->write(0, "first-").ok());
        ASSERT_TRUE(file->write(6, "0123456789").ok());
        torn.crash({CrashMode::tear_last_write});
        const std::string after = contents(torn, "/d/f");
        ASSERT_GE(after.size(), 6u);
        ASSERT_LT(after.size(), 16u) << "the last write is torn, never whole";
        EXPECT_EQ(after, std::string("first-0123456789").substr(0, after.size()));
    }
}

TEST_F(MemoryDiskTest, ZeroFilledTearKeepsTheSizeOfTheWrite) {
    auto file = durable_file("/d/f", "");
    ASSERT_TRUE(file->write(0, "abcdefgh").ok());
    disk.crash({CrashMode::tear_last_write, /*zero_fill_torn_write=*/true});
    const std::string after = contents(disk, "/d/f");
    ASSERT_EQ(after.size(), 8u);
    const auto kept = after.find('\0');
    ASSERT_NE(kept, std::string::npos);
    EXPECT_EQ(after.substr(0, kept), std::string("abcdefgh").substr(0, kept));
    EXPECT_EQ(after.substr(kept), std::string(8 - kept, '\0'));
}

TEST_F(MemoryDiskTest, RandomPrefixCrashIsDeterministicForASeed) {
    auto run = [](std::uint64_t seed) {
        MemoryDisk d(seed);
        EXPECT_TRUE(d.make_directory("/d").ok());
        auto file = open_file(d, "/d/f", OpenMode::create_exclusive);
        EXPECT_TRUE(d.sync_directory("/d").ok());
        for (int i = 0; i < 10; ++i) EXPECT_TRUE(file->append("record-" + std::to_string(i) + ";").ok());
        d.crash({CrashMode::keep_random_prefix});
        return contents(d, "/d/f");
    };
    EXPECT_EQ(run(7), run(7));
    std::set<std::string> outcomes;
    for (std::uint64_t seed = 0; seed < 30; ++seed) outcomes.insert(run(seed));
    EXPECT_GT(outcomes.size(), 5u) << "different seeds keep different prefixes";
}

TEST_F(MemoryDiskTest, CountdownFailsExactlyTheNthOperation) {
    auto file = durable_file("/d/f", "");
    disk.fail_after(DiskOperation::sync, 3);
    EXPECT_TRUE(file->sync().ok());
    EXPECT_TRUE(disk.sync_directory("/d").ok());
    auto failed = file->sync();
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().code(), ErrorCode::io);
    EXPECT_NE(failed.error().message().find("sync /d/f"), std::string::npos) << failed.error().message();
    EXPECT_TRUE(file->sync().ok()) << "a countdown fires once";
}

TEST_F(MemoryDiskTest, FailedWriteMayLeaveAPrefixAndFailedRenameChangesNothing) {
    auto file = durable_file("/d/f", "");
    disk.fail_after(DiskOperation::write, 1);
    EXPECT_FALSE(file->write(0, "0123456789").ok());
    const std::string after = contents(disk, "/d/f");
    EXPECT_EQ(after, std::string("0123456789").substr(0, after.size()));

    disk.fail_after(DiskOperation::rename, 1);
    EXPECT_FALSE(disk.rename("/d/f", "/d/g").ok());
    EXPECT_TRUE(disk.exists("/d/f"));
    EXPECT_FALSE(disk.exists("/d/g"));
    EXPECT_EQ(disk.operation_count(DiskOperation::rename), 1u);
}

TEST_F(MemoryDiskTest, DiskFullWritesWhatFitsThenFailsWithNoSpace) {
    auto file = durable_file("/d/f", "12345");
    disk.set_space_limit(8);
    auto status = file->write(5, "abcdef");
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code(), ErrorCode::no_space);
    EXPECT_EQ(contents(disk, "/d/f"), "12345abc");
    EXPECT_TRUE(file->write(0, "xy").ok()) << "overwriting in place needs no space";
    disk.set_space_limit(std::nullopt);
    EXPECT_TRUE(file->append("more").ok());
}

TEST_F(MemoryDiskTest, SectorRotChangesWhatReadsReturnDurably) {
    durable_file("/d/f", "abcdef");
    ASSERT_TRUE(disk.corrupt("/d/f", 2, 2).ok());
    const std::string rotten = contents(disk, "/d/f");
    EXPECT_EQ(rotten.substr(0, 2), "ab");
    EXPECT_NE(rotten.substr(2, 2), "cd");
    EXPECT_EQ(rotten.substr(4), "ef");
    disk.crash();
    EXPECT_EQ(contents(disk, "/d/f"), rotten);
}

TEST_F(MemoryDiskTest, HandlesOpenedBeforeACrashAreStale) {
    auto file = durable_file("/d/f", "x");
    disk.crash();
    auto status = file->write(0, "y");
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code(), ErrorCode::closed);
}

TEST_F(MemoryDiskTest, ListsFilesAndSubdirectoriesAndReportsMissingOnes) {
    durable_file("/d/f", "");
    ASSERT_TRUE(disk.make_directory("/d/sub/deeper").ok());
    EXPECT_EQ(*disk.list("/d"), (std::vector<std::string>{"f", "sub"}));
    EXPECT_EQ(disk.open("/d/missing", OpenMode::read_only).error().code(), ErrorCode::not_found);
    EXPECT_EQ(disk.open("/nowhere/f", OpenMode::create_exclusive).error().code(), ErrorCode::not_found);
    EXPECT_EQ(disk.open("/d/f", OpenMode::create_exclusive).error().code(), ErrorCode::invalid_argument);
    EXPECT_FALSE(open_file(disk, "/d/f", OpenMode::read_only)->write(0, "x").ok());
}

}  // namespace
}  // namespace rq::env
