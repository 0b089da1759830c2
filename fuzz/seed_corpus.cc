// Writes seed inputs for the fuzzers, so that they start from deep inputs: valid WAL segments (one
// history with a rollover, overwrite, hard states and a compaction), valid snapshot files, valid
// Cap'n Proto commands, and typical HTTP requests.
// Usage: fuzz_seed_corpus <wal seed dir> <snapshot seed dir> <command seed dir> <http seed dir>

#include <sqlite3.h>

#include <fstream>
#include <iostream>
#include <string>
#include <vector>

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


// A small SQLite database file (512-byte pages, one table, one row), as POST /db/load receives it.
std::string sqlite_image() {
    sqlite3* db = nullptr;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) return {};
    sqlite3_exec(db, "PRAGMA page_size=512; CREATE TABLE img(a INTEGER, b TEXT); INSERT INTO img VALUES(1, 'one');",
                 nullptr, nullptr, nullptr);
    sqlite3_int64 size = 0;
    unsigned char* bytes = sqlite3_serialize(db, "main", &size, 0);
    std::string image = bytes == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(size));
    sqlite3_free(bytes);
    sqlite3_close(db);
    return image;
}

// Typical requests for the HTTP request fuzzer: [endpoint][steering][query] NUL [body], the endpoint
// and steering bytes as http_request_fuzzer.cc reads them (endpoint 0x80+ takes the query bytes as
// the whole request-target; steering bits 0-1 pick the content type: 1 JSON, 2 text/plain).
void write_http_seeds(const std::string& directory) {
    struct Seed {
        const char* name;
        std::uint8_t endpoint;
        std::uint8_t steering;
        std::string query;
        std::string body;
    };
    const std::string table =
        R"json(["CREATE TABLE foo (id INTEGER NOT NULL PRIMARY KEY, name TEXT, age INTEGER, data BLOB)")json";
    const std::vector<Seed> seeds = {
        {"execute", 0, 1, "pretty&timings", table + "]"},
        {"execute-params", 0, 1, "transaction&raft_index",
         table + R"json(, ["INSERT INTO foo(name, age, data) VALUES(?, ?, ?)", "fiona", 20, "x'00ff'"],)json"
                 R"json( ["INSERT INTO foo(name, age) VALUES(:name, :age)", {"name": "declan", "age": 2.5}],)json"
                 R"json( ["INSERT INTO foo(data) VALUES(?)", [1, 2, 255]], ["INSERT INTO foo(name) VALUES(?)", null]])json"},
        {"request-mixed", 3, 1, "associative&blob_array&level=strong&timings",
         table + R"json(, ["INSERT INTO foo(name, data) VALUES(?, ?)", "a\u00e9\ud83d\ude00", "X'CAFE'"],)json"
                 R"json( "SELECT * FROM foo", "SELECT datetime('now'), random()", "UPDATE foo SET age = 1 RETURNING *"])json"},
        {"query-none", 1, 1, "level=none&freshness=1s&freshness_strict&pretty",
         R"json(["SELECT 1, 'a', NULL, x'0102', 1.5, 9223372036854775807"])json"},
        // A REAL below 1e21 renders as a 21-digit integer literal (Go's formatting); valid JSON that
        // simdjson 3.0 reports as NUMBER_ERROR. Found by the fuzzer; the oracle must accept it.
        {"query-big-real", 1, 1, "level=none&pretty", R"json(["SELECT 922337203036854775808"])json"},
        {"query-get", 2, 0, "q=SELECT%20*%20FROM%20sqlite_master&level=weak&qualify_columns", ""},
        {"query-linearizable", 1, 1, "level=linearizable&linearizable_timeout=2s&db_timeout=1s", R"json(["SELECT 1"])json"},
        {"queued", 0, 1, "queue&wait&timeout=2s", table + R"json(, ["INSERT INTO foo(name) VALUES(?)", "q"]])json"},
        {"queued-nowait", 0, 1, "queue", R"json(["CREATE TABLE q(x)"])json"},
        {"plain-text", 0, 2, "noparse", "CREATE TABLE t(x); INSERT INTO t VALUES(1)"},
        {"load-sql", 4, 2, "", "CREATE TABLE loaded(x);\nINSERT INTO loaded VALUES(1);\n"},
        {"load-image", 4, 0, "", sqlite_image()},
        {"backup-sql", 5, 0, "fmt=sql&tables=foo,bar", ""},
        {"backup-binary", 5, 0, "vacuum", ""},
        {"status", 6, 0, "pretty&key=store.sqlite3", ""},
        {"nodes", 7, 0, "nonvoters&ver=2&timeout=1s&retries=2", ""},
        {"readyz", 8, 0, "noleader&sync&timeout=1s", ""},
        {"leader", 9, 0, "", ""},
        {"stepdown", 10, 1, "wait", R"json({"id":"n2"})json"},
        {"remove", 11, 1, "", R"json({"id":"n2"})json"},
        {"snapshot", 12, 0, "trailing_logs=5", ""},
        {"debug-vars", 13, 0, "key=http", ""},
        {"options", 14, 0, "", ""},
        {"root", 15, 0, "", ""},
        {"redirect-remote-leader", 1, 1 | 4, "redirect&level=strong", R"json(["SELECT 1"])json"},
        {"forward-no-leader", 0, 1 | 8, "", R"json(["CREATE TABLE x(y)"])json"},
        {"engine-failure", 3, 1 | 16, "", R"json(["SELECT 1"])json"},
        {"stale", 1, 1 | 32, "level=none&freshness=1ns", R"json(["SELECT 1"])json"},
        {"closed", 1, 1 | 64, "", R"json(["SELECT 1"])json"},
        {"raw-target", 0x82, 0, "/db/query%2Fx?q=SELECT+1&level=AUTO&pretty", ""},
        {"bad-query", 1, 1, "timeout=1x&%zz;a=b", R"json({"not":"an array"})json"},
        {"bad-body", 0, 1, "", R"json([1, ["SELECT ?", {"a": {"b": 1}}]])json"},
    };
    for (const Seed& seed : seeds) {
        std::string bytes;
        bytes += static_cast<char>(seed.endpoint);
        bytes += static_cast<char>(seed.steering);
        bytes += seed.query;
        bytes += '\0';
        bytes += seed.body;
        save(directory + "/" + seed.name, bytes);
    }
}
}  // namespace

int main(int argc, char** argv) {
    if (argc != 5) {
        std::cerr << "usage: fuzz_seed_corpus <wal seed dir> <snapshot seed dir> <command seed dir> <http seed dir>\n";
        return 2;
    }
    write_wal_seeds(argv[1]);
    write_snapshot_seeds(argv[2]);
    write_command_seeds(argv[3]);
    write_http_seeds(argv[4]);
    return 0;
}
