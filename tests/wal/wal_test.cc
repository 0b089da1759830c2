// The WAL's behaviour one rule at a time: what sync acknowledges, suffix overwrite, rollover,
// compaction, torn tails and mid-log corruption, and the failed state after a disk error.

#include "wal/wal.h"

#include "base/crc32c.h"
#include "wal/record.h"
#include "wal_test_support.h"

namespace rq::wal {
namespace {

using testing::all_entries;
using testing::error_of;
using testing::make_entries;
using testing::make_entry;

class WalTest : public testing::WalTestBase {
protected:
    // Each segment's sequence, size and checksum: the WAL's bytes on disk, in one line.
    std::string segments_fingerprint(const Wal& wal) {
        std::string fingerprint;
        for (std::uint64_t sequence : wal.segment_sequences()) {
            auto bytes = env::read_file(disk, segment_path(sequence));
            if (!bytes.ok()) return "segment " + std::to_string(sequence) + " unreadable: " + bytes.error().message();
            fingerprint += std::to_string(sequence) + ":" + std::to_string(bytes->size()) + ":" +
                           std::to_string(crc32c(*bytes)) + " ";
        }
        return fingerprint;
    }
};

TEST_F(WalTest, ANewWalIsEmptyAndDurable) {
    auto wal = open_wal();
    EXPECT_EQ(wal->log().first_index(), raft::Index(1));
    EXPECT_EQ(wal->log().last_index(), raft::Index(0));
    EXPECT_EQ(wal->hard_state(), raft::HardState{});
    EXPECT_EQ(wal->segment_sequences(), std::vector<std::uint64_t>{1});
    EXPECT_EQ(disk.unsynced_change_count(), 0u);
    EXPECT_TRUE(disk.durably_exists(segment_path(1)));
}

TEST_F(WalTest, SyncedEntriesAndHardStateSurviveACrash) {
    auto wal = open_wal();
    const auto entries = make_entries(1, 5, 1);
    const raft::HardState state{raft::Term(1), raft::NodeId(2), raft::Index(3)};
    ASSERT_TRUE(wal->save(entries, state).ok());
    ASSERT_TRUE(wal->sync().ok());
    wal.reset();
    disk.crash({env::CrashMode::lose_unsynced});
    wal = open_wal();
    EXPECT_EQ(all_entries(*wal), entries);
    EXPECT_EQ(wal->hard_state(), state);
}

TEST_F(WalTest, UnsyncedWritesMayBeLostButNeverCorruptTheLog) {
    auto wal = open_wal();
    ASSERT_TRUE(wal->append(make_entries(1, 3, 1)).ok());
    ASSERT_TRUE(wal->sync().ok());
    ASSERT_TRUE(wal->append(make_entries(4, 3, 1)).ok());  // not synced
    wal.reset();
    disk.crash({env::CrashMode::lose_unsynced});
    wal = open_wal();
    EXPECT_EQ(all_entries(*wal), make_entries(1, 3, 1));
}

TEST_F(WalTest, GroupCommitOneSyncCoversManyBatches) {
    auto wal = open_wal();
    for (std::uint64_t batch = 0; batch < 10; ++batch) {
        ASSERT_TRUE(wal->append(make_entries(1 + batch * 4, 4, 1)).ok());
        ASSERT_TRUE(wal->save_hard_state({raft::Term(1), raft::NodeId(1), raft::Index(batch * 4)}).ok());
    }
    const std::uint64_t syncs_before = disk.operation_count(env::DiskOperation::sync);
    ASSERT_TRUE(wal->sync().ok());
    EXPECT_LE(disk.operation_count(env::DiskOperation::sync) - syncs_before, 2u) << "one file sync (+ directory)";
    wal.reset();
    disk.crash();
    wal = open_wal();
    EXPECT_EQ(wal->log().last_index(), raft::Index(40));
    EXPECT_EQ(wal->hard_state().commit, raft::Index(36));
}

TEST_F(WalTest, OverwritingASuffixReplacesItAndSurvivesRecovery) {
    auto wal = open_wal();
    ASSERT_TRUE(wal->append(make_entries(1, 10, 1)).ok());
    ASSERT_TRUE(wal->append(make_entries(6, 2, 2)).ok());  // entries 6.. conflict: replaced by 6, 7 of term 2
    ASSERT_TRUE(wal->sync().ok());
    auto expected = make_entries(1, 5, 1);
    for (const auto& entry : make_entries(6, 2, 2)) expected.push_back(entry);
    EXPECT_EQ(all_entries(*wal), expected);
    wal.reset();
    disk.crash();
    wal = open_wal();
    EXPECT_EQ(all_entries(*wal), expected);
}

TEST_F(WalTest, SegmentsRollOverAtTheSizeLimitAndReplayInOrder) {
    WalOptions options;
    options.segment_bytes_max = 4096;
    auto wal = open_wal({}, options);
    for (std::uint64_t i = 1; i <= 100; ++i) ASSERT_TRUE(wal->append(make_entries(i, 1, 1, 200)).ok());
    ASSERT_TRUE(wal->append(make_entries(50, 3, 2, 200)).ok());  // an overwrite reaching into an older segment
    ASSERT_TRUE(wal->sync().ok());
    const auto sequences = wal->segment_sequences();
    EXPECT_GE(sequences.size(), 5u);
    for (std::uint64_t sequence : sequences) {
        auto file = disk.open(segment_path(sequence), env::OpenMode::read_only);
        EXPECT_LE(*(*file)->size(), options.segment_bytes_max);
    }
    const auto expected = all_entries(*wal);
    ASSERT_EQ(expected.size(), 52u);
    wal.reset();
    disk.crash();
    wal = open_wal({}, options);
    EXPECT_EQ(all_entries(*wal), expected);
    EXPECT_EQ(wal->segment_sequences(), sequences);
}

// What save() writes is an on-disk format: batches of entries of many sizes with hard states, rolling
// over small segments. The figures are those of the first implementation (a string per record); a
// faster one must write exactly the same files.
TEST_F(WalTest, TheSegmentBytesArePinned) {
    WalOptions options;
    options.segment_bytes_max = 4096;
    auto wal = open_wal({}, options);
    std::uint64_t index = 1;
    for (std::uint64_t batch = 0; batch < 40; ++batch) {
        std::vector<raft::Entry> entries;
        for (std::uint64_t k = 0; k < batch % 5; ++k, ++index) {
            std::string data((index * 37) % 300, static_cast<char>('a' + index % 26));
            entries.push_back(make_entry(index, 1 + batch / 10, std::move(data)));
        }
        std::optional<raft::HardState> state;
        if (batch % 3 != 0) {
            state = raft::HardState{raft::Term(1 + batch / 10), raft::NodeId(batch % 4), raft::Index(index / 2)};
        }
        ASSERT_TRUE(wal->save(entries, state).ok());
    }
    ASSERT_TRUE(wal->sync().ok());
    EXPECT_EQ(segments_fingerprint(*wal), "1:3960:2809224897 2:4040:2626520294 3:4032:2606332868 4:4096:3474598093 5:352:2920329552 ");
}

// Compaction writes a new base segment (header, hard state, every kept entry, base_complete): its
// bytes are pinned like those of save(), with the first implementation's figures.
TEST_F(WalTest, TheBaseSegmentBytesArePinned) {
    auto wal = open_wal();
    for (std::uint64_t index = 1; index <= 30; ++index) {
        std::string data((index * 53) % 200 + 1, static_cast<char>('A' + index % 26));
        const raft::HardState state{raft::Term(1 + index / 8), raft::NodeId(2), raft::Index(index - 1)};
        ASSERT_TRUE(wal->save(std::vector<raft::Entry>{make_entry(index, 1 + index / 8, std::move(data))}, state).ok());
    }
    ASSERT_TRUE(wal->apply_snapshot(SnapshotPoint{raft::Index(12), raft::Term(2)}).ok());
    ASSERT_TRUE(wal->sync().ok());
    EXPECT_EQ(segments_fingerprint(*wal), "2:2736:3676388261 ");
}

TEST_F(WalTest, OneRecordLargerThanTheSegmentLimitGetsASegmentOfItsOwn) {
    WalOptions options;
    options.segment_bytes_max = 4096;
    auto wal = open_wal({}, options);
    ASSERT_TRUE(wal->append(make_entries(1, 1, 1, 10000)).ok());
    ASSERT_TRUE(wal->append(make_entries(2, 1, 1, 10)).ok());
    ASSERT_TRUE(wal->sync().ok());
    EXPECT_EQ(wal->segment_sequences().size(), 2u);
    wal.reset();
    wal = open_wal({}, options);
    EXPECT_EQ(wal->log().last_index(), raft::Index(2));
}

TEST_F(WalTest, CompactionKeepsTheSuffixAndDropsOldSegments) {
    WalOptions options;
    options.segment_bytes_max = 4096;
    auto wal = open_wal({}, options);
    ASSERT_TRUE(wal->append(make_entries(1, 100, 1, 200)).ok());
    ASSERT_TRUE(wal->save_hard_state({raft::Term(1), raft::NodeId(1), raft::Index(90)}).ok());
    ASSERT_TRUE(wal->sync().ok());
    const auto old_sequences = wal->segment_sequences();
    ASSERT_GT(old_sequences.size(), 3u);
    ASSERT_TRUE(wal->apply_snapshot({raft::Index(90), raft::Term(1)}).ok());
    EXPECT_EQ(wal->log().first_index(), raft::Index(91));
    EXPECT_EQ(wal->log().last_index(), raft::Index(100));
    ASSERT_TRUE(wal->sync().ok());
    EXPECT_EQ(wal->segment_sequences(), std::vector<std::uint64_t>{old_sequences.back() + 1});
    for (std::uint64_t sequence : old_sequences) EXPECT_FALSE(disk.exists(segment_path(sequence))) << sequence;
    wal.reset();
    disk.crash();
    wal = open_wal({raft::Index(90), raft::Term(1)}, options);
    EXPECT_EQ(all_entries(*wal), make_entries(91, 10, 1, 200));
    EXPECT_EQ(wal->hard_state().commit, raft::Index(90));
    EXPECT_EQ(wal->log().term(raft::Index(90)), raft::Term(1));
}

TEST_F(WalTest, ASnapshotWithAnotherTermDropsTheWholeLog) {
    auto wal = open_wal();
    ASSERT_TRUE(wal->append(make_entries(1, 10, 1)).ok());
    ASSERT_TRUE(wal->apply_snapshot({raft::Index(5), raft::Term(3)}).ok());
    EXPECT_TRUE(wal->log().empty());
    EXPECT_EQ(wal->log().first_index(), raft::Index(6));
    ASSERT_TRUE(wal->sync().ok());
    wal.reset();
    wal = open_wal({raft::Index(5), raft::Term(3)});
    EXPECT_TRUE(wal->log().empty());
}

TEST_F(WalTest, ASnapshotTheWalNeverRecordedIsAppliedOnOpen) {
    auto wal = open_wal();
    ASSERT_TRUE(wal->append(make_entries(1, 10, 1)).ok());
    ASSERT_TRUE(wal->sync().ok());
    wal.reset();
    // The snapshot at 7 became durable, then the node crashed before the WAL compacted.
    wal = open_wal({raft::Index(7), raft::Term(1)});
    EXPECT_EQ(all_entries(*wal), make_entries(8, 3, 1));
}

TEST_F(WalTest, AWalThatNeedsAMissingSnapshotRefusesToOpen) {
    auto wal = open_wal();
    ASSERT_TRUE(wal->append(make_entries(1, 10, 1)).ok());
    ASSERT_TRUE(wal->apply_snapshot({raft::Index(7), raft::Term(1)}).ok());
    ASSERT_TRUE(wal->sync().ok());
    wal.reset();
    auto reopened = Wal::open(disk, directory, {raft::Index(3), raft::Term(1)});
    ASSERT_FALSE(reopened.ok());
    EXPECT_EQ(reopened.error().code(), ErrorCode::corrupt);
    EXPECT_NE(reopened.error().message().find("index 7"), std::string::npos) << reopened.error().message();
}

TEST_F(WalTest, ATornTailIsTruncatedAndTheWalGoesOn) {
    auto wal = open_wal();
    ASSERT_TRUE(wal->append(make_entries(1, 3, 1)).ok());
    ASSERT_TRUE(wal->sync().ok());
    const std::uint64_t synced_bytes = wal->active_segment_bytes();
    ASSERT_TRUE(wal->append(make_entries(4, 1, 1, 500)).ok());
    wal.reset();
    disk.crash({env::CrashMode::tear_last_write});
    wal = open_wal();
    EXPECT_EQ(all_entries(*wal), make_entries(1, 3, 1));
    EXPECT_EQ(wal->active_segment_bytes(), synced_bytes);
    ASSERT_EQ(wal->recovery_notes().size(), 1u);
    EXPECT_NE(wal->recovery_notes()[0].find("torn tail"), std::string::npos);
    ASSERT_TRUE(wal->append(make_entries(4, 2, 1)).ok());
    ASSERT_TRUE(wal->sync().ok());
    wal.reset();
    wal = open_wal();
    EXPECT_EQ(wal->log().last_index(), raft::Index(5));
}

TEST_F(WalTest, CorruptionInTheMiddleIsAnErrorNamingFileAndOffset) {
    auto wal = open_wal();
    for (std::uint64_t i = 1; i <= 5; ++i) ASSERT_TRUE(wal->append(make_entries(i, 1, 1)).ok());
    ASSERT_TRUE(wal->sync().ok());
    wal.reset();
    // Find entry 3's record and rot one byte of its payload.
    auto bytes = env::read_file(disk, segment_path(1));
    const ScanResult scan = scan_records(*bytes);
    std::uint64_t offset = 0;
    for (const Record& record : scan.records) {
        if (record.type == RecordType::entry && record.payload.find("entry-3-") != std::string_view::npos) {
            offset = record.offset;
        }
    }
    ASSERT_GT(offset, 0u);
    ASSERT_TRUE(disk.corrupt(segment_path(1), offset + 30, 1).ok());
    auto reopened = Wal::open(disk, directory, {});
    ASSERT_FALSE(reopened.ok());
    EXPECT_EQ(reopened.error().code(), ErrorCode::corrupt);
    const std::string& message = reopened.error().message();
    EXPECT_NE(message.find(segment_path(1)), std::string::npos) << message;
    EXPECT_NE(message.find("offset " + std::to_string(offset)), std::string::npos) << message;
}

TEST_F(WalTest, RotOfTheLastSyncedRecordIsAnErrorNotATruncation) {
    auto wal = open_wal();
    ASSERT_TRUE(wal->save(make_entries(1, 3, 1), raft::HardState{raft::Term(1), raft::NodeId(3), raft::Index(0)}).ok());
    ASSERT_TRUE(wal->sync().ok());
    const std::uint64_t size = wal->active_segment_bytes();
    wal.reset();
    ASSERT_TRUE(disk.corrupt(segment_path(1), size - 20, 1).ok());  // inside the hard state record (the vote)
    auto reopened = Wal::open(disk, directory, {});
    ASSERT_FALSE(reopened.ok()) << "silently dropping the vote would allow a second vote in term 1";
    EXPECT_EQ(reopened.error().code(), ErrorCode::corrupt);
}

TEST_F(WalTest, CorruptionInAnOlderSegmentIsAnErrorEvenAtItsEnd) {
    WalOptions options;
    options.segment_bytes_max = 4096;
    auto wal = open_wal({}, options);
    ASSERT_TRUE(wal->append(make_entries(1, 60, 1, 200)).ok());
    ASSERT_TRUE(wal->sync().ok());
    wal.reset();
    auto first = env::read_file(disk, segment_path(1));
    ASSERT_TRUE(disk.open(segment_path(1), env::OpenMode::read_write).value()->truncate(first->size() - 3).ok());
    auto reopened = Wal::open(disk, directory, {}, options);
    ASSERT_FALSE(reopened.ok());
    EXPECT_NE(reopened.error().message().find("not the last"), std::string::npos) << reopened.error().message();
}

TEST_F(WalTest, AFailedDiskOperationLeavesTheWalFailed) {
    auto wal = open_wal();
    disk.fail_after(env::DiskOperation::sync, 1);
    ASSERT_TRUE(wal->append(make_entries(1, 1, 1)).ok());
    auto status = wal->sync();
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code(), ErrorCode::io);
    ASSERT_TRUE(wal->failure().has_value());
    auto later = wal->append(make_entries(2, 1, 1));
    ASSERT_FALSE(later.ok());
    EXPECT_NE(later.error().message().find("failed earlier"), std::string::npos) << later.error().message();
    EXPECT_FALSE(wal->sync().ok()) << "a failed fsync is never retried into a false success";
}

TEST_F(WalTest, DiskFullIsAReturnedErrorAndTheWalReopens) {
    auto wal = open_wal();
    ASSERT_TRUE(wal->append(make_entries(1, 5, 1)).ok());
    ASSERT_TRUE(wal->sync().ok());
    disk.set_space_limit(disk.used_bytes() + 100);
    auto status = wal->append(make_entries(6, 5, 1, 100));
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code(), ErrorCode::no_space);
    wal.reset();
    disk.set_space_limit(std::nullopt);
    wal = open_wal();
    EXPECT_EQ(all_entries(*wal), make_entries(1, 5, 1));
}

TEST_F(WalTest, OversizedEntriesAreRejectedBeforeAnythingIsWritten) {
    auto wal = open_wal();
    auto entries = make_entries(1, 1, 1);
    entries[0].data = std::string(record_payload_bytes_max, 'x');
    auto status = wal->append(entries);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code(), ErrorCode::invalid_argument);
    EXPECT_FALSE(wal->failure().has_value());
    EXPECT_TRUE(wal->append(make_entries(1, 1, 1)).ok());
}

TEST_F(WalTest, ATornNewBaseSegmentFallsBackToTheOldHistory) {
    auto wal = open_wal();
    ASSERT_TRUE(wal->append(make_entries(1, 10, 1)).ok());
    ASSERT_TRUE(wal->sync().ok());
    ASSERT_TRUE(wal->apply_snapshot({raft::Index(4), raft::Term(1)}).ok());  // new base, not synced
    wal.reset();
    disk.crash({env::CrashMode::tear_last_write});
    // The snapshot file at 4 is durable (the caller wrote it first), so open applies it again.
    wal = open_wal({raft::Index(4), raft::Term(1)});
    EXPECT_EQ(all_entries(*wal), make_entries(5, 6, 1));
}

}  // namespace
}  // namespace rq::wal
