// libFuzzer target: arbitrary bytes as a snapshot file, fed to the snapshot store's start-up (find
// the newest valid snapshot) and to a reader. Both must return clean errors, never crash or assert.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "env/memory_disk.h"
#include "wal/snapshot_store.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    rq::env::MemoryDisk disk(1);
    if (!disk.make_directory("/snapshots").ok()) return 0;
    const std::string path = rq::env::join_path(
        "/snapshots", rq::wal::snapshot_file_name(rq::raft::Index(5), rq::raft::Term(1)));
    auto file = disk.open(path, rq::env::OpenMode::create_exclusive);
    if (!file.ok() || !(*file)->write(0, input).ok()) return 0;

    // A reader straight on the file: header, table, then every block, whatever verifies or not.
    if (auto reader = rq::wal::SnapshotReader::open(disk, path); reader.ok()) {
        static_cast<void>((*reader)->read(0, 1 << 20));
        static_cast<void>((*reader)->read(size / 2, 100));
        static_cast<void>((*reader)->verify_data());
    }
    auto store = rq::wal::SnapshotStore::open(disk, "/snapshots");
    if (store.ok() && (*store)->newest()) {
        auto reader = (*store)->open_newest();
        if (!reader.ok() || !(*reader)->read(0, (*store)->newest()->data_bytes).ok()) __builtin_trap();
    }
    return 0;
}
