// libFuzzer target: arbitrary bytes as WAL segment files, fed to recovery. Recovery must return a
// clean error or a usable WAL; it must never crash, assert or read out of bounds.
//
// Input layout: byte 0 chooses how many segment files (1 + byte0 % 3) the rest is split into, at
// offsets taken from bytes 1 and 2, so the fuzzer can build multi-segment histories.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "env/memory_disk.h"
#include "wal/record.h"
#include "wal/wal.h"

namespace {

void write_segment(rq::env::MemoryDisk& disk, std::uint64_t sequence, std::string_view bytes) {
    auto file = disk.open(rq::env::join_path("/wal", rq::wal::segment_file_name(sequence)),
                          rq::env::OpenMode::create_exclusive);
    if (file.ok()) static_cast<void>((*file)->write(0, bytes));
}

void exercise(rq::wal::Wal& wal) {
    const rq::wal::MemoryLog& log = wal.log();
    if (!log.empty()) {
        static_cast<void>(log.entries(log.first_index(), log.last_index() + 1, 1 << 20));
        static_cast<void>(log.term(log.first_index() - 1));
    }
    const rq::raft::Entry next{rq::raft::Term(log.term(log.last_index()).value() + 1), log.last_index() + 1,
                               rq::raft::EntryType::normal, "fuzz"};
    if (wal.append({&next, 1}).ok()) static_cast<void>(wal.sync());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 3) return 0;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    static_cast<void>(rq::wal::scan_records(input));

    rq::env::MemoryDisk disk(1);
    if (!disk.make_directory("/wal").ok()) return 0;
    const std::size_t segments = 1 + static_cast<std::size_t>(data[0]) % 3;
    std::string_view rest = input.substr(3);
    for (std::size_t i = 0; i < segments; ++i) {
        std::size_t length = rest.size();
        if (i + 1 < segments && !rest.empty()) length = static_cast<std::size_t>(data[1 + i]) * 16 % (rest.size() + 1);
        write_segment(disk, i + 1, rest.substr(0, length));
        rest.remove_prefix(length);
    }
    auto wal = rq::wal::Wal::open(disk, "/wal", {});
    if (!wal.ok()) return 0;
    exercise(**wal);
    wal->reset();
    // Whatever recovery repaired must open again.
    auto again = rq::wal::Wal::open(disk, "/wal", {});
    if (!again.ok()) __builtin_trap();
    return 0;
}
