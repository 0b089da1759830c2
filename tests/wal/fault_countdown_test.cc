// Fault countdown (after canonical/raft): a scripted workload of appends, overwrites, hard states,
// group-commit syncs and snapshots runs once per case with the N-th write, sync, rename, create or
// remove failing, for every N the workload reaches; then the node crashes (in each crash mode, or
// just restarts) and reopens. After recovery: the WAL opens, no acknowledged entry or hard state is
// lost, nothing is served that was never written (the state is one the reference model allows),
// the snapshot reads back byte for byte, and the WAL accepts new writes.

#include <gtest/gtest.h>

#include <iostream>

#include "wal/durable_storage.h"
#include "reference_model.h"
#include "wal_test_support.h"

namespace rq::wal {
namespace {

using testing::DurableState;
using testing::error_of;
using testing::make_entry;
using testing::ReferenceModel;

const std::string node_directory = "/node";

DurableStorageOptions small_segments() {
    DurableStorageOptions options;
    options.wal.segment_bytes_max = 4096;
    return options;
}

raft::Configuration three_voters() { return {{raft::NodeId(1), raft::NodeId(2), raft::NodeId(3)}, {}}; }

std::string snapshot_data(raft::Index index) {
    std::string data;
    while (data.size() < 70000) data += "state machine at " + std::to_string(index.value()) + "; ";
    return data;
}

// Takes a snapshot at `index` the way a driver does: data, finish (durable), install.
Status take_snapshot(DurableStorage& storage, ReferenceModel& model, raft::Index index) {
    const SnapshotPoint point{index, model.current().term_at(index)};
    auto writer = storage.begin_snapshot(raft::SnapshotMetadata{point.index, point.term, three_voters()});
    if (!writer.ok()) return writer.error();
    if (auto status = (*writer)->append(snapshot_data(index)); !status.ok()) return status;
    auto info = (*writer)->finish();
    if (!info.ok()) {
        model.snapshot_maybe_durable(point);
        return info.error();
    }
    model.snapshot_durable(point);
    return storage.install_snapshot(*info);
}

// The scripted workload; returns the first error (the node then stops, as a driver would).
Status run_workload(env::MemoryDisk& disk, ReferenceModel& model) {
    auto opened = DurableStorage::open(disk, node_directory, small_segments());
    if (!opened.ok()) return opened.error();
    DurableStorage& storage = **opened;
    std::uint64_t term = 1;
    for (std::uint64_t step = 0; step < 30; ++step) {
        std::vector<raft::Entry> entries;
        const raft::Index last = model.current().last_index();
        if (step % 7 == 6 && last > model.current().snapshot.index + 1) {
            ++term;  // a new leader overwrites the uncommitted tail
            for (std::uint64_t i = 0; i < 2; ++i) entries.push_back(make_entry(last.value() - 1 + i, term, std::string(150, 'o')));
        } else {
            for (std::uint64_t i = 0; i < 1 + step % 3; ++i) entries.push_back(make_entry(last.value() + 1 + i, term, std::string(300, 'e')));
        }
        std::optional<raft::HardState> state;
        if (step % 4 == 0) state = raft::HardState{raft::Term(term), raft::NodeId(1 + step % 3), last};
        model.append(entries);
        if (state) model.save_hard_state(*state);
        if (auto status = storage.save(entries, state); !status.ok()) return status;
        if (step % 2 == 1) {
            if (auto status = storage.sync(); !status.ok()) return status;
            model.acknowledge();
        }
        if (step % 10 == 9) {
            if (auto status = take_snapshot(storage, model, model.current().last_index() - 1); !status.ok()) return status;
        }
    }
    if (auto status = storage.sync(); !status.ok()) return status;
    model.acknowledge();
    return ok_status();
}

DurableState state_of(const DurableStorage& storage) {
    DurableState state;
    state.hard_state = storage.hard_state();
    state.snapshot = {storage.snapshot_metadata().index, storage.snapshot_metadata().term};
    state.entries = storage.entries(storage.first_index(), storage.last_index() + 1, UINT64_MAX);
    return state;
}

// Reopens after the fault and checks everything the file comment promises.
void check_recovery(env::MemoryDisk& disk, const ReferenceModel& model, const std::string& label) {
    auto storage = DurableStorage::open(disk, node_directory, small_segments());
    ASSERT_TRUE(storage.ok()) << label << ": " << error_of(storage);
    const DurableState recovered = state_of(**storage);
    ASSERT_TRUE(model.allows(recovered)) << label << "\nrecovered: " << describe(recovered) << "\nallowed:\n"
                                         << model.describe_candidates();
    if (recovered.snapshot.index > raft::Index(0)) {
        EXPECT_EQ((*storage)->snapshot_metadata().config, three_voters()) << label;
        auto data = (*storage)->read_snapshot(0, UINT64_MAX);
        ASSERT_TRUE(data.ok()) << label << ": " << error_of(data);
        EXPECT_TRUE(*data == snapshot_data(recovered.snapshot.index)) << label;
    }
    const raft::Entry next = make_entry(recovered.last_index().value() + 1, 100);
    ASSERT_TRUE((*storage)->save({&next, 1}, std::nullopt).ok()) << label;
    ASSERT_TRUE((*storage)->sync().ok()) << label;
    storage->reset();
    storage = DurableStorage::open(disk, node_directory, small_segments());
    ASSERT_TRUE(storage.ok()) << label << ": " << error_of(storage);
    EXPECT_EQ((*storage)->last_index(), next.index) << label;
}

struct CrashVariant {
    const char* name;
    std::optional<env::CrashOptions> crash;  // nullopt: the process restarts, the machine does not
};

const std::vector<CrashVariant>& crash_variants() {
    static const std::vector<CrashVariant> variants = {
        {"restart", std::nullopt},
        {"lose-unsynced", env::CrashOptions{env::CrashMode::lose_unsynced, false}},
        {"tear-last-write", env::CrashOptions{env::CrashMode::tear_last_write, false}},
        {"tear-last-write-zero-filled", env::CrashOptions{env::CrashMode::tear_last_write, true}},
        {"random-prefix", env::CrashOptions{env::CrashMode::keep_random_prefix, false}},
    };
    return variants;
}

std::uint64_t operations_in_workload(env::DiskOperation operation) {
    env::MemoryDisk disk(0);
    ReferenceModel model;
    EXPECT_TRUE(run_workload(disk, model).ok());
    return disk.operation_count(operation);
}

class FaultCountdown : public ::testing::TestWithParam<env::DiskOperation> {};

TEST_P(FaultCountdown, EveryNthFailureThenCrashLosesNothingAcknowledged) {
    const env::DiskOperation operation = GetParam();
    const std::uint64_t count = operations_in_workload(operation);
    ASSERT_GT(count, 0u);
    std::cout << env::disk_operation_name(operation) << ": failing each of " << count << " operations, "
              << crash_variants().size() << " crash variants each\n";
    std::uint64_t failures_seen = 0;
    for (std::uint64_t n = 1; n <= count; ++n) {
        for (const CrashVariant& variant : crash_variants()) {
            const std::string label = std::string(env::disk_operation_name(operation)) + " #" + std::to_string(n) +
                                      " of " + std::to_string(count) + ", " + variant.name;
            env::MemoryDisk disk(n);
            disk.fail_after(operation, n);
            ReferenceModel model;
            const Status status = run_workload(disk, model);
            if (!status.ok()) ++failures_seen;
            disk.fail_after(operation, 0);
            if (variant.crash) disk.crash(*variant.crash);
            check_recovery(disk, model, label + (status.ok() ? "" : " (workload stopped: " + status.error().message() + ")"));
            if (::testing::Test::HasFatalFailure()) return;
        }
    }
    // Failed removes of obsolete files are tolerated; any other injected failure must surface.
    if (operation != env::DiskOperation::remove) {
        EXPECT_EQ(failures_seen, count * crash_variants().size());
    }
}

// A storage error stops the node; its supervisor restarts it at once, on the same machine, and
// recovery reads what the page cache holds, including writes whose sync failed. A restarted node
// serves and acknowledges what it recovered, so recovery must make that durable before it is used:
// a power loss right after must give back exactly the same state. (Found by the simulator, seed 16:
// a snapshot renamed into place whose directory sync failed was adopted by the WAL on restart, then
// lost in a power failure, and the node could never open again.)
TEST_P(FaultCountdown, WhatARestartRecoversSurvivesAPowerLoss) {
    const env::DiskOperation operation = GetParam();
    const std::uint64_t count = operations_in_workload(operation);
    for (std::uint64_t n = 1; n <= count; ++n) {
        for (const env::CrashMode mode : {env::CrashMode::lose_unsynced, env::CrashMode::keep_random_prefix}) {
            const std::string label = std::string(env::disk_operation_name(operation)) + " #" + std::to_string(n) +
                                      " of " + std::to_string(count) + ", crash mode " + std::to_string(static_cast<int>(mode));
            env::MemoryDisk disk(n);
            disk.fail_after(operation, n);
            ReferenceModel model;
            (void)run_workload(disk, model);
            disk.fail_after(operation, 0);
            DurableState restarted;
            {
                auto storage = DurableStorage::open(disk, node_directory, small_segments());
                ASSERT_TRUE(storage.ok()) << label << ": " << error_of(storage);
                restarted = state_of(**storage);
            }
            disk.crash({mode});
            auto storage = DurableStorage::open(disk, node_directory, small_segments());
            ASSERT_TRUE(storage.ok()) << label << ": " << error_of(storage);
            const DurableState after_power_loss = state_of(**storage);
            ASSERT_TRUE(after_power_loss == restarted) << label << "\nafter the restart: " << describe(restarted)
                                                       << "\nafter the power loss: " << describe(after_power_loss);
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Wal, FaultCountdown,
                         ::testing::Values(env::DiskOperation::write, env::DiskOperation::sync,
                                           env::DiskOperation::rename, env::DiskOperation::create,
                                           env::DiskOperation::remove),
                         [](const auto& test_info) { return std::string(env::disk_operation_name(test_info.param)); });

TEST(FaultCountdownRecovery, ReadFailuresDuringRecoveryAreCleanErrors) {
    std::uint64_t reads = 0;
    {
        env::MemoryDisk disk(0);
        ReferenceModel model;
        ASSERT_TRUE(run_workload(disk, model).ok());
        const std::uint64_t before = disk.operation_count(env::DiskOperation::read);
        ASSERT_TRUE(DurableStorage::open(disk, node_directory, small_segments()).ok());
        reads = disk.operation_count(env::DiskOperation::read) - before;
    }
    ASSERT_GT(reads, 0u);
    for (std::uint64_t n = 1; n <= reads; ++n) {
        env::MemoryDisk disk(0);
        ReferenceModel model;
        ASSERT_TRUE(run_workload(disk, model).ok());
        disk.crash({env::CrashMode::keep_random_prefix});
        disk.fail_after(env::DiskOperation::read, n);
        auto failed = DurableStorage::open(disk, node_directory, small_segments());
        ASSERT_FALSE(failed.ok()) << "read #" << n;
        EXPECT_EQ(failed.error().code(), ErrorCode::io) << failed.error().message();
        check_recovery(disk, model, "after read #" + std::to_string(n) + " failed");
    }
}

}  // namespace
}  // namespace rq::wal
