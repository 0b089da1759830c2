// MemoryDisk: the crash model (what survives a power loss) and the fault injection the WAL tests
// rely on. If these are wrong, every fault test above them proves nothing.

#include "env/memory_disk.h"

#include <gtest/gtest.h>

#include <array>
#include <numeric>
#include <set>

#include "base/random.h"

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

TEST_F(MemoryDiskTest, ListsOnlyDirectChildrenAmongDirectoriesSharingAPrefix) {
    for (const char* path : {"/d/sub/deeper", "/d/sub2", "/dd/x", "/d-", "rel/ative"}) {
        ASSERT_TRUE(disk.make_directory(path).ok()) << path;
    }
    durable_file("/d/f", "");
    EXPECT_EQ(*disk.list("/d"), (std::vector<std::string>{"f", "sub", "sub2"}));
    EXPECT_EQ(*disk.list("/d/sub"), std::vector<std::string>{"deeper"});
    EXPECT_EQ(*disk.list("/"), (std::vector<std::string>{"d", "d-", "dd"}));
    EXPECT_EQ(*disk.list(""), std::vector<std::string>{"rel"});
    EXPECT_EQ(*disk.list("rel"), std::vector<std::string>{"ative"});
}

// ---- The cheap representation against the whole-file model ------------------------------------

// The crash model of one file as MemoryDisk first implemented it: a sync copies the whole file, every
// pending write keeps its own bytes. MemoryDisk now keeps the durable bytes as their difference from
// what reads see, and a pending write's bytes in the file itself until something overwrites them;
// these tests hold it to exactly this behaviour, random choices included (the same seed draws the
// same numbers in the same order).
class ReferenceFile {
public:
    explicit ReferenceFile(std::uint64_t seed) : random_(seed) {}

    // Whether the write succeeds.
    bool write(std::uint64_t offset, const std::string& bytes, bool fails, std::optional<std::uint64_t> space_limit) {
        bool ok = !fails;
        std::uint64_t kept = bytes.size();
        if (fails) kept = random_.below(bytes.size() + 1);
        if (space_limit) {
            const std::uint64_t used = data_.size();
            const std::uint64_t end = offset + kept;
            const std::uint64_t growth = end > used ? end - used : 0;
            if (used + growth > *space_limit) {
                const std::uint64_t room = *space_limit > used ? *space_limit - used : 0;
                const std::uint64_t reachable_end = std::max(used, std::min(end, used + room));
                kept = reachable_end > offset ? reachable_end - offset : 0;
                ok = false;
            }
        }
        if (kept > 0 || offset > data_.size()) {
            Change change{false, offset, bytes.substr(0, static_cast<std::size_t>(kept))};
            apply(data_, change);
            pending_.push_back(std::move(change));
        }
        return ok;
    }
    void truncate(std::uint64_t size) {
        Change change{true, size, {}};
        apply(data_, change);
        pending_.push_back(std::move(change));
    }
    void sync() {
        durable_ = data_;
        pending_.clear();
    }
    void rot(std::uint64_t offset, std::uint64_t length) {
        for (std::string* bytes : {&data_, &durable_}) {
            for (std::uint64_t i = offset; i < offset + length && i < bytes->size(); ++i) {
                auto& byte = (*bytes)[static_cast<std::size_t>(i)];
                byte = static_cast<char>(~static_cast<unsigned char>(byte));
            }
        }
    }
    void crash(const CrashOptions& options) {
        const std::size_t count = pending_.size();
        std::size_t kept = 0;
        bool tear_next = false;
        switch (options.mode) {
            case CrashMode::lose_unsynced: break;
            case CrashMode::tear_last_write:
                kept = count == 0 ? 0 : count - 1;
                tear_next = count > 0;
                break;
            case CrashMode::keep_random_prefix:
                kept = static_cast<std::size_t>(random_.below(count + 1));
                tear_next = kept < count;
                break;
        }
        std::string bytes = durable_;
        for (std::size_t i = 0; i < kept; ++i) apply(bytes, pending_[i]);
        if (tear_next && !pending_[kept].is_truncate) {
            const Change& torn = pending_[kept];
            const auto prefix = torn.data.empty() ? 0 : static_cast<std::size_t>(random_.below(torn.data.size()));
            std::string data = torn.data.substr(0, prefix);
            if (options.zero_fill_torn_write) data.resize(torn.data.size(), '\0');
            apply(bytes, Change{false, torn.offset, data});
        }
        data_ = bytes;
        durable_ = std::move(bytes);
        pending_.clear();
    }
    [[nodiscard]] const std::string& data() const { return data_; }

private:
    struct Change {
        bool is_truncate = false;
        std::uint64_t offset = 0;
        std::string data;
    };
    static void apply(std::string& bytes, const Change& change) {
        if (change.is_truncate) {
            bytes.resize(static_cast<std::size_t>(change.offset), '\0');
            return;
        }
        const auto end = static_cast<std::size_t>(change.offset + change.data.size());
        if (bytes.size() < end) bytes.resize(end, '\0');
        std::copy(change.data.begin(), change.data.end(), bytes.begin() + static_cast<std::ptrdiff_t>(change.offset));
    }

    Random random_;
    std::string data_;
    std::string durable_;
    std::vector<Change> pending_;
};

std::string random_bytes(Random& random, std::size_t size) {
    std::string bytes(size, '\0');
    for (char& byte : bytes) byte = static_cast<char>(random.below(256));
    return bytes;
}

TEST_F(MemoryDiskTest, PartialSyncsOfALargeFileThenACrashKeepExactlyTheSyncedBytes) {
    // A WAL segment's pattern: a large synced file, then appends and rewrites each followed by a sync,
    // then unsynced writes, a truncate and a crash.
    Random random(7);
    const std::string base = random_bytes(random, 4 << 20);
    auto file = durable_file("/d/big", base);
    std::string expected = base;
    for (int round = 0; round < 50; ++round) {
        const std::string record = random_bytes(random, 1 + random.below(3000));
        const std::uint64_t offset = round % 5 == 0 ? random.below(expected.size()) : expected.size();
        ASSERT_TRUE(file->write(offset, record).ok());
        if (expected.size() < offset + record.size()) expected.resize(offset + record.size());
        expected.replace(offset, record.size(), record);
        ASSERT_TRUE(file->sync().ok());
    }
    ASSERT_TRUE(file->write(expected.size() + 100, "lost").ok());
    ASSERT_TRUE(file->write(10, "also lost").ok());
    ASSERT_TRUE(file->truncate(1000).ok());
    EXPECT_EQ(*file->size(), 1000u);
    disk.crash({CrashMode::lose_unsynced});
    EXPECT_EQ(contents(disk, "/d/big"), expected);
}

TEST_F(MemoryDiskTest, SyncAfterShrinkingAndRegrowingKeepsTheZerosOfTheRegrownPart) {
    auto file = durable_file("/d/f", "0123456789");
    ASSERT_TRUE(file->truncate(2).ok());
    ASSERT_TRUE(file->write(6, "ab").ok());  // 2..5 read as zeros, not the old "2345"
    ASSERT_TRUE(file->sync().ok());
    disk.crash({CrashMode::lose_unsynced});
    EXPECT_EQ(contents(disk, "/d/f"), std::string("01\0\0\0\0ab", 8));
}

TEST_F(MemoryDiskTest, RotBeyondTheSyncedSizeIsSyncedAsRotten) {
    auto file = durable_file("/d/f", "abc");
    ASSERT_TRUE(file->write(3, "def").ok());
    ASSERT_TRUE(disk.corrupt("/d/f", 2, 3).ok());
    const std::string rotten = contents(disk, "/d/f");
    ASSERT_TRUE(file->sync().ok());
    disk.crash({CrashMode::lose_unsynced});
    EXPECT_EQ(contents(disk, "/d/f"), rotten);
}

enum class Step : std::uint8_t { write, append, truncate, sync, rot, space_limit, crash, nothing };

// How often each step comes up in a random run: weights, in Step's order.
using StepMix = std::array<std::uint64_t, 8>;

Step pick_step(Random& random, const StepMix& mix) {
    std::uint64_t pick = random.below(std::accumulate(mix.begin(), mix.end(), std::uint64_t{0}));
    for (std::size_t i = 0; i < mix.size(); ++i) {
        if (pick < mix[i]) return static_cast<Step>(i);
        pick -= mix[i];
    }
    return Step::nothing;
}

// Runs random steps on one file of a MemoryDisk and on the reference, comparing what reads see after
// each (a crash shows what was durable and how the pending changes were replayed).
void expect_same_as_reference(std::uint64_t seed, const StepMix& mix, int steps) {
    MemoryDisk subject(seed);
    ReferenceFile reference(seed);
    ASSERT_TRUE(subject.make_directory("/d").ok());
    auto file = open_file(subject, "/d/f", OpenMode::create_exclusive);
    ASSERT_TRUE(subject.sync_directory("/d").ok());
    Random random(seed * 1000);
    std::optional<std::uint64_t> space_limit;
    for (int step = 0; step < steps; ++step) {
        const std::uint64_t size = reference.data().size();
        const Step kind = pick_step(random, mix);
        switch (kind) {
            case Step::write:
            case Step::append: {
                const std::uint64_t offset = kind == Step::append ? size : random.below(size + 64);
                const std::string bytes = random_bytes(random, static_cast<std::size_t>(random.below(400)));
                const bool fails = random.chance(1, 8);
                if (fails) subject.fail_after(DiskOperation::write, 1);
                const Status status = file->write(offset, bytes);
                ASSERT_EQ(status.ok(), reference.write(offset, bytes, fails, space_limit)) << "seed " << seed;
                break;
            }
            case Step::truncate: {
                const std::uint64_t new_size = random.below(size + 64);
                ASSERT_TRUE(file->truncate(new_size).ok());
                reference.truncate(new_size);
                break;
            }
            case Step::sync:
                ASSERT_TRUE(file->sync().ok());
                reference.sync();
                break;
            case Step::rot: {
                const std::uint64_t offset = random.below(size + 16);
                const std::uint64_t length = random.below(32);
                ASSERT_TRUE(subject.corrupt("/d/f", offset, length).ok());
                reference.rot(offset, length);
                break;
            }
            case Step::space_limit:
                space_limit = std::nullopt;
                if (random.chance(1, 2)) space_limit = size + random.below(200);
                subject.set_space_limit(space_limit);
                break;
            case Step::crash: {
                const CrashOptions options{static_cast<CrashMode>(random.below(3)), random.chance(1, 2)};
                subject.crash(options);
                reference.crash(options);
                file = open_file(subject, "/d/f", OpenMode::read_write);
                break;
            }
            case Step::nothing: break;
        }
        ASSERT_EQ(contents(subject, "/d/f"), reference.data()) << "seed " << seed << " step " << step;
    }
}

TEST_F(MemoryDiskTest, RandomOperationsMatchTheWholeFileCopyModel) {
    //                     write append truncate sync rot space crash nothing
    const StepMix mix = {3, 1, 1, 2, 1, 1, 1, 1};
    for (std::uint64_t seed = 1; seed <= 40; ++seed) expect_same_as_reference(seed, mix, 300);
}

// Many unsynced writes between crashes, over earlier ones and at the end: pending writes that are
// overwritten, cut by a truncate or rotten before the crash must replay as they were written.
TEST_F(MemoryDiskTest, OverwrittenPendingWritesMatchTheWholeFileCopyModel) {
    //                     write append truncate sync rot space crash nothing
    const StepMix mix = {8, 6, 1, 1, 2, 0, 2, 0};
    for (std::uint64_t seed = 41; seed <= 100; ++seed) expect_same_as_reference(seed, mix, 200);
}

TEST_F(MemoryDiskTest, AWriteOverwrittenBeforeTheCrashReplaysWhatItWrote) {
    std::set<std::string> outcomes;
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
        MemoryDisk torn(seed);
        ASSERT_TRUE(torn.make_directory("/d").ok());
        auto file = open_file(torn, "/d/f", OpenMode::create_exclusive);
        ASSERT_TRUE(file->write(0, "0123456789").ok());
        ASSERT_TRUE(file->sync().ok());
        ASSERT_TRUE(torn.sync_directory("/d").ok());
        ASSERT_TRUE(file->write(2, "abcd").ok());
        ASSERT_TRUE(file->write(3, "XY").ok());  // the last write: torn, so the first one shows whole
        torn.crash({CrashMode::tear_last_write});
        outcomes.insert(contents(torn, "/d/f"));
    }
    EXPECT_EQ(outcomes, (std::set<std::string>{"01abcd6789", "01aXcd6789"}));
}

TEST_F(MemoryDiskTest, RotOverAPendingWriteDoesNotChangeWhatACrashReplays) {
    auto file = durable_file("/d/f", "0123456789");
    ASSERT_TRUE(file->write(2, "abcd").ok());
    ASSERT_TRUE(file->write(10, "!").ok());
    ASSERT_TRUE(disk.corrupt("/d/f", 0, 6).ok());  // what reads see, and the synced "01", rot
    EXPECT_NE(contents(disk, "/d/f").substr(0, 6), "01abcd");
    disk.crash({CrashMode::tear_last_write});  // keeps the first write whole, loses the one-byte one
    const std::string after = contents(disk, "/d/f");
    EXPECT_NE(after.substr(0, 2), "01") << "the synced bytes rotted";
    EXPECT_EQ(after.substr(2), "abcd6789") << "the pending write replays what was written";
}

TEST_F(MemoryDiskTest, AFileWrittenWholeThenSyncedSurvivesACrashAndLaterRewritesDoNot) {
    // The snapshot file's pattern: data after a gap for the header, a table after it, the header
    // last, one sync; then the WAL's: rewrites and a truncate that a crash must undo.
    Random random(3);
    const std::string body = random_bytes(random, 100000);
    auto file = open_file(disk, "/d/snap", OpenMode::create_exclusive);
    ASSERT_TRUE(file->write(64, body).ok());
    ASSERT_TRUE(file->write(64 + body.size(), "table").ok());
    ASSERT_TRUE(file->write(0, std::string(64, 'h')).ok());
    ASSERT_TRUE(file->sync().ok());
    ASSERT_TRUE(disk.sync_directory("/d").ok());
    const std::string synced = std::string(64, 'h') + body + "table";
    EXPECT_EQ(disk.unsynced_change_count(), 0u);
    ASSERT_TRUE(file->write(1000, "rewritten").ok());
    ASSERT_TRUE(file->truncate(500).ok());
    ASSERT_TRUE(file->write(2000, "past a hole").ok());
    disk.crash({CrashMode::lose_unsynced});
    EXPECT_EQ(contents(disk, "/d/snap"), synced);
}

}  // namespace
}  // namespace rq::env
