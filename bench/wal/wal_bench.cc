// WAL append + fsync throughput with group commit on the real disk (io/posix_disk), beside the raw
// rate of a 4 KiB append followed by fdatasync measured in the same binary. Files go to a fresh
// directory under $RQ_BENCH_DIR (default: the system temp directory), removed afterwards.
// Benchmarks report; they never assert a time.

#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/scratch_directory.h"
#include "io/posix_disk.h"
#include "wal/wal.h"

namespace {

constexpr std::size_t entry_data_bytes = 128;

void fail(benchmark::State& state, const rq::Error& error) { state.SkipWithError(error.message().c_str()); }

void report_rates(benchmark::State& state, std::int64_t syncs, std::int64_t entries) {
    state.counters["syncs/s"] = benchmark::Counter(static_cast<double>(syncs), benchmark::Counter::kIsRate);
    state.counters["entries/s"] = benchmark::Counter(static_cast<double>(entries), benchmark::Counter::kIsRate);
    state.SetItemsProcessed(entries);
}

// The floor under any durable log on this disk: append 4 KiB, fdatasync, repeat.
void BM_RawAppend4KiBFdatasync(benchmark::State& state) {
    rq::bench::ScratchDirectory directory("rq-wal-bench");
    rq::io::PosixDisk disk;
    auto file = disk.open(rq::env::join_path(directory.path(), "raw"), rq::env::OpenMode::create_exclusive);
    if (!file.ok()) return fail(state, file.error());
    const std::string block(4096, 'x');
    std::uint64_t offset = 0;
    for (auto _ : state) {
        if (auto status = (*file)->write(offset, block); !status.ok()) return fail(state, status.error());
        if (auto status = (*file)->sync(); !status.ok()) return fail(state, status.error());
        offset += block.size();
    }
    report_rates(state, state.iterations(), state.iterations());
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(block.size()));
}
BENCHMARK(BM_RawAppend4KiBFdatasync)->UseRealTime()->Unit(benchmark::kMicrosecond);

// One append of N entries and one sync per iteration: a Ready batch of N entries.
void BM_WalAppendSync(benchmark::State& state) {
    const auto entries_per_sync = static_cast<std::uint64_t>(state.range(0));
    rq::bench::ScratchDirectory directory("rq-wal-bench");
    rq::io::PosixDisk disk;
    auto wal = rq::wal::Wal::open(disk, directory.path(), {});
    if (!wal.ok()) return fail(state, wal.error());
    std::vector<rq::raft::Entry> batch(entries_per_sync,
                                       rq::raft::Entry{rq::raft::Term(1), rq::raft::Index(0), rq::raft::EntryType::normal,
                                                       std::string(entry_data_bytes, 'e')});
    std::uint64_t next_index = 1;
    for (auto _ : state) {
        for (auto& entry : batch) entry.index = rq::raft::Index(next_index++);
        if (auto status = (*wal)->append(batch); !status.ok()) return fail(state, status.error());
        if (auto status = (*wal)->sync(); !status.ok()) return fail(state, status.error());
    }
    report_rates(state, state.iterations(), state.iterations() * state.range(0));
}
BENCHMARK(BM_WalAppendSync)->ArgName("entries_per_sync")->Arg(1)->Arg(10)->Arg(100)->Arg(1000)->UseRealTime()->Unit(benchmark::kMicrosecond);

// Group commit across Ready batches: N separate saves (one entry and a hard state each, as a driver
// persists one Ready), then one sync covering all of them.
void BM_WalGroupCommit(benchmark::State& state) {
    const auto batches_per_sync = static_cast<std::uint64_t>(state.range(0));
    rq::bench::ScratchDirectory directory("rq-wal-bench");
    rq::io::PosixDisk disk;
    auto wal = rq::wal::Wal::open(disk, directory.path(), {});
    if (!wal.ok()) return fail(state, wal.error());
    rq::raft::Entry entry{rq::raft::Term(1), rq::raft::Index(0), rq::raft::EntryType::normal,
                          std::string(entry_data_bytes, 'e')};
    std::uint64_t next_index = 1;
    for (auto _ : state) {
        for (std::uint64_t batch = 0; batch < batches_per_sync; ++batch) {
            entry.index = rq::raft::Index(next_index++);
            const rq::raft::HardState hard_state{rq::raft::Term(1), rq::raft::NodeId(1), entry.index - 1};
            if (auto status = (*wal)->save({&entry, 1}, hard_state); !status.ok()) return fail(state, status.error());
        }
        if (auto status = (*wal)->sync(); !status.ok()) return fail(state, status.error());
    }
    report_rates(state, state.iterations(), state.iterations() * state.range(0));
}
BENCHMARK(BM_WalGroupCommit)->ArgName("ready_batches_per_sync")->Arg(1)->Arg(10)->Arg(100)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
