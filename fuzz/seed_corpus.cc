// Writes seed inputs for the fuzzers: valid WAL segments (one history with a rollover, overwrite,
// hard states and a compaction) and valid snapshot files, so the fuzzers start from deep inputs.
// Usage: fuzz_seed_corpus <wal seed dir> <snapshot seed dir>

#include <fstream>
#include <iostream>
#include <string>

#include "env/memory_disk.h"
#include "store/command.h"
#include "wal/snapshot_store.h"
#include "wal/wal.h"

namespace {

void save(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
}

rq::raft::Entry entry(std::uint64_t index, std::uint64_t term, std::size_t bytes) {
    return {rq::raft::Term(term), rq::raft::Index(index), rq::raft::EntryType::normal, std::string(bytes, 'x')};
}

// The wal fuzzer reads byte 0 as the segment count selector and bytes 1-2 as split points.
void write_wal_seeds(const std::string& directory) {
    rq::env::MemoryDisk disk(1);
    rq::wal::WalOptions options;
    options.segment_bytes_max = 4096;
    auto wal = rq::wal::Wal::open(disk, "/wal", {}, options);
    if (!wal.ok()) return;
    for (std::uint64_t i = 1; i <= 12; ++i) {
        const auto e = entry(i, 1, 40 * i);
        static_cast<void>((*wal)->save({&e, 1}, rq::raft::HardState{rq::raft::Term(1), rq::raft::NodeId(1), rq::raft::Index(i - 1)}));
    }
    const auto overwrite = entry(10, 2, 10);
    static_cast<void>((*wal)->append({&overwrite, 1}));
    static_cast<void>((*wal)->sync());
    int seed = 0;
    for (std::uint64_t sequence : (*wal)->segment_sequences()) {
        auto bytes = rq::env::read_file(disk, rq::env::join_path("/wal", rq::wal::segment_file_name(sequence)));
        if (bytes.ok()) save(directory + "/segment-" + std::to_string(seed++), std::string("\0\0\0", 3) + *bytes);
    }
    static_cast<void>((*wal)->apply_snapshot({rq::raft::Index(8), rq::raft::Term(1)}));
    static_cast<void>((*wal)->sync());
    auto base = rq::env::read_file(disk, rq::env::join_path("/wal", rq::wal::segment_file_name((*wal)->segment_sequences().front())));
    if (base.ok()) save(directory + "/base-segment", std::string("\0\0\0", 3) + *base);
}

void write_snapshot_seeds(const std::string& directory) {
    rq::env::MemoryDisk disk(1);
    auto store = rq::wal::SnapshotStore::open(disk, "/snapshots");
    if (!store.ok()) return;
    const rq::raft::SnapshotMetadata metadata{rq::raft::Index(5), rq::raft::Term(1),
                                              {{rq::raft::NodeId(1), rq::raft::NodeId(2)}, {rq::raft::NodeId(3)}}};
    for (std::size_t bytes : {std::size_t{0}, std::size_t{100}, std::size_t{70000}}) {
        auto writer = (*store)->begin(metadata);
        if (!writer.ok() || !(*writer)->append(std::string(bytes, 's')).ok()) return;
        auto info = (*writer)->finish();
        if (!info.ok()) return;
        auto file = rq::env::read_file(disk, info->path);
        if (file.ok()) save(directory + "/snapshot-" + std::to_string(bytes), *file);
    }
}

// Valid encoded commands of each kind and with every parameter type, so that the command fuzzer
// starts from real Cap'n Proto messages rather than discovering the format from nothing.
void write_command_seeds(const std::string& directory) {
    using namespace rq::store;
    Command execute;
    execute.kind = CommandKind::execute;
    execute.unix_time = std::chrono::seconds(1'700'000'000);
    execute.batch.transaction = true;
    execute.batch.statements.push_back({"INSERT INTO foo(name, n, r, b, d) VALUES(?, ?, ?, ?, :d)",
                                        {{"", std::string("fiona")}, {"", std::int64_t{7}}, {"", 2.5}, {"", true},
                                         {"d", Blob{"\x01\x02"}}},
                                        false});
    execute.batch.statements.push_back({"UPDATE foo SET n = n + 1 RETURNING *", {}, true});
    save(directory + "/execute", encode_command(execute));
    Command query = execute;
    query.kind = CommandKind::query;
    query.batch.transaction = false;
    query.batch.statements = {{"SELECT * FROM foo WHERE name = ?", {{"", std::monostate{}}}, false}};
    save(directory + "/query", encode_command(query));
    Command load;
    load.kind = CommandKind::load;
    load.database_image = std::string(512, 'S');
    save(directory + "/load", encode_command(load));
    save(directory + "/noop", encode_command(Command{}));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::cerr << "usage: fuzz_seed_corpus <wal seed dir> <snapshot seed dir> <command seed dir>\n";
        return 2;
    }
    write_wal_seeds(argv[1]);
    write_snapshot_seeds(argv[2]);
    write_command_seeds(argv[3]);
    return 0;
}
