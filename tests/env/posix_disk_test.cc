// PosixDisk against a real temporary directory: the same contract as MemoryDisk, minus crashes.

#include "io/posix_disk.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

namespace rq::io {
namespace {

class PosixDiskTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (std::filesystem::temp_directory_path() / "rq-posix-disk-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        root = pattern;
    }
    void TearDown() override { std::filesystem::remove_all(root); }

    PosixDisk disk;
    std::string root;
};

TEST_F(PosixDiskTest, WritesReadsSyncsAndTruncates) {
    const std::string path = env::join_path(root, "f");
    auto file = disk.open(path, env::OpenMode::create_exclusive);
    ASSERT_TRUE(file.ok()) << file.error().message();
    ASSERT_TRUE((*file)->write(0, "hello").ok());
    ASSERT_TRUE((*file)->append(" world").ok());
    ASSERT_TRUE((*file)->sync().ok());
    EXPECT_EQ(*(*file)->read(0, 100), "hello world");
    EXPECT_EQ(*(*file)->read(6, 3), "wor");
    ASSERT_TRUE((*file)->truncate(5).ok());
    EXPECT_EQ(*env::read_file(disk, path), "hello");
}

TEST_F(PosixDiskTest, DirectoriesRenameListAndRemove) {
    const std::string directory = env::join_path(root, "a/b");
    ASSERT_TRUE(disk.make_directory(directory).ok());
    ASSERT_TRUE(disk.make_directory(directory).ok()) << "idempotent";
    const std::string from = env::join_path(directory, "x.tmp");
    const std::string to = env::join_path(directory, "x");
    ASSERT_TRUE(disk.open(from, env::OpenMode::create_or_truncate).ok());
    ASSERT_TRUE(disk.rename(from, to).ok());
    ASSERT_TRUE(disk.sync_directory(directory).ok());
    EXPECT_EQ(*disk.list(directory), std::vector<std::string>{"x"});
    ASSERT_TRUE(disk.remove(to).ok());
    EXPECT_TRUE(disk.list(directory)->empty());
}

TEST_F(PosixDiskTest, ErrorsCarryACodeAndThePath) {
    auto missing = disk.open(env::join_path(root, "missing"), env::OpenMode::read_only);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code(), ErrorCode::not_found);
    EXPECT_NE(missing.error().message().find("missing"), std::string::npos);
    ASSERT_TRUE(disk.open(env::join_path(root, "f"), env::OpenMode::create_exclusive).ok());
    EXPECT_EQ(disk.open(env::join_path(root, "f"), env::OpenMode::create_exclusive).error().code(),
              ErrorCode::invalid_argument);
    EXPECT_FALSE(disk.remove(env::join_path(root, "nope")).ok());
}

}  // namespace
}  // namespace rq::io
