// Operations through the shell against a real server: backups, dumps, restores, boot, snapshots,
// membership changes and diagnostics dumps.

#include "tests/shell/scripted_server.h"
#include "tests/shell/shell_session.h"

namespace rq::shell::testing {
namespace {

class ShellAdmin : public ::testing::Test {
protected:
    ShellRun run(const std::string& input) {
        return run_rqlite(scratch, "-H 127.0.0.1 -p " + std::to_string(server.port()), input);
    }
    // The output between the banner and "bye~".
    std::string body_of(const ShellRun& session) {
        EXPECT_EQ(session.status, 0) << session.err;
        const std::size_t start = session.out.find(" running version ");
        const std::size_t body = session.out.find('\n', start) + 1;
        EXPECT_TRUE(session.out.ends_with("bye~\n")) << session.out;
        if (start == std::string::npos || session.out.size() < body + 5) return session.out;
        return session.out.substr(body, session.out.size() - body - 5);
    }

    static constexpr const char* fill =
        "CREATE TABLE foo (id INTEGER NOT NULL PRIMARY KEY, name TEXT);\n"
        "INSERT INTO foo(name) VALUES('fiona');\n"
        "CREATE TABLE bar (x INTEGER);\n"
        "INSERT INTO bar VALUES(7);\n";
    static constexpr const char* fill_output = "0 row affected\n1 row affected\n1 row affected\n1 row affected\n";

    ShellServer server;
    ScratchDirectory scratch;
};

TEST_F(ShellAdmin, BackupWritesASqliteFile) {
    const ShellRun session = run(std::string(fill) + ".backup " + scratch.file("backup.sqlite") + "\n");
    EXPECT_EQ(body_of(session), std::string(fill_output) + "backup file written successfully\n");
    const std::string image = scratch.read("backup.sqlite");
    EXPECT_EQ(image.substr(0, 16), std::string("SQLite format 3\0", 16));
}

TEST_F(ShellAdmin, DumpWritesSqlTextOfAllOrSomeTables) {
    const ShellRun session = run(std::string(fill) + ".dump " + scratch.file("all.sql") + "\n.dump " +
                                 scratch.file("foo.sql") + " foo\n.dump " + scratch.file("both.sql") + " foo, bar\n");
    EXPECT_EQ(body_of(session), std::string(fill_output) + "SQL text file written successfully\n"
                                                           "SQL text file written successfully\n"
                                                           "SQL text file written successfully\n");
    const std::string foo =
        "CREATE TABLE foo (id INTEGER NOT NULL PRIMARY KEY, name TEXT);\nINSERT INTO \"foo\" VALUES(1,'fiona');\n";
    const std::string bar = "CREATE TABLE bar (x INTEGER);\nINSERT INTO \"bar\" VALUES(7);\n";
    const std::string head = "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n";
    // Tables come out in name order, as rqlite's dump orders them.
    EXPECT_EQ(scratch.read("all.sql"), head + bar + foo + "COMMIT;\n");
    EXPECT_EQ(scratch.read("foo.sql"), head + foo + "COMMIT;\n");
    EXPECT_EQ(scratch.read("both.sql"), head + bar + foo + "COMMIT;\n");
}

TEST_F(ShellAdmin, RestoreLoadsADumpOrASqliteFile) {
    const std::string dump = scratch.write("dump.sql",
                                           "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n"
                                           "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);\n"
                                           "INSERT INTO \"t\" VALUES(1,'one');\nINSERT INTO \"t\" VALUES(2,'two');\n"
                                           "COMMIT;\n");
    const ShellRun session = run(".restore " + dump + "\n.mode csv\nSELECT * FROM t;\n.backup " +
                                 scratch.file("copy.sqlite") + "\nDROP TABLE t;\n.restore " + scratch.file("copy.sqlite") +
                                 "\nSELECT v FROM t WHERE id = 2;\n.restore " + scratch.file("none.sql") + "\n");
    EXPECT_EQ(body_of(session),
              "last inserted ID: 2\n"
              "rows affected: 1\n"
              "Database restored successfully.\n"
              "id,v\n"
              "1,one\n"
              "2,two\n"
              "backup file written successfully\n"
              "1 row affected\n"
              "Database restored successfully.\n"
              "v\n"
              "two\n"
              "ERR! open " + scratch.file("none.sql") + ": No such file or directory\n");
}

TEST_F(ShellAdmin, RestoreReportsTheStatementThatFailed) {
    const std::string dump = scratch.write("bad.sql", "CREATE TABLE t (x);\nINSERT INTO missing VALUES(1);\n");
    EXPECT_EQ(body_of(run(".restore " + dump + "\n")), "Error: no such table: missing\n");
}

// Endpoints the fake backend's server does not have yet (/boot, /reap) are exercised against a
// scripted node that answers as rqlite does.
TEST_F(ShellAdmin, BootSendsTheSqliteFileAsIs) {
    ScriptedServer node([](const ScriptedRequest& request) {
        if (request.target == "/status") return ScriptedReply{200, {{"X-RQLITE-VERSION", "v9"}}, "{}", false};
        return ScriptedReply{200, {}, "", false};
    });
    const std::string image = scratch.write("db.sqlite", std::string("SQLite format 3\0rest of the file", 32));
    const std::string text = scratch.write("not.sqlite", "CREATE TABLE t (x);\n");
    const ShellRun session = run_rqlite(scratch, "-p " + std::to_string(node.port()),
                                        ".boot " + image + "\n.boot " + text + "\n.boot " + scratch.file("none") + "\n");
    EXPECT_EQ(body_of(session),
              "Node booted successfully.\n"
              "ERR! " + text + " is not a valid SQLite file\n"
              "ERR! " + scratch.file("none") + " is not a valid SQLite file\n");
    const std::vector<ScriptedRequest> requests = node.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[1].method, "POST");
    EXPECT_EQ(requests[1].target, "/boot");
    EXPECT_EQ(requests[1].body, std::string("SQLite format 3\0rest of the file", 32));
    EXPECT_EQ(requests[1].content_type, "application/octet-stream");
}

TEST_F(ShellAdmin, BootFailuresShowTheStatusAndTheReason) {
    ScriptedServer node([](const ScriptedRequest& request) {
        if (request.target == "/status") return ScriptedReply{200, {{"X-RQLITE-VERSION", "v9"}}, "{}", false};
        return ScriptedReply{503, {}, "not single-node\n", false};
    });
    const std::string image = scratch.write("db.sqlite", std::string("SQLite format 3\0rest of the file", 32));
    const ShellRun session = run_rqlite(scratch, "-p " + std::to_string(node.port()), ".boot " + image + "\n");
    EXPECT_EQ(body_of(session), "ERR! boot failed, status code: 503 Service Unavailable, not single-node\n");
}

TEST_F(ShellAdmin, ReapReportsWhatWasReaped) {
    ScriptedServer node([](const ScriptedRequest& request) {
        if (request.target == "/status") return ScriptedReply{200, {{"X-RQLITE-VERSION", "v9"}}, "{}", false};
        if (request.method == "POST" && request.target == "/reap") {
            return ScriptedReply{200, {}, "{\"snapshots_reaped\":2,\"wals_checkpointed\":1}\n", false};
        }
        return ScriptedReply{404, {}, "", false};
    });
    EXPECT_EQ(body_of(run_rqlite(scratch, "-p " + std::to_string(node.port()), ".reap\n")),
              "snapshots reaped: 2, WALs checkpointed: 1\n");
}

TEST_F(ShellAdmin, SnapshotRemoveStepdown) {
    const ShellRun session = run(std::string(fill) +
                                 ".snapshot\n"
                                 ".snapshot 10\n"
                                 ".snapshot -1\n"
                                 ".snapshot many\n"
                                 ".remove node2\n"
                                 ".remove node1\n"
                                 ".stepdown\n"
                                 ".stepdown node2\n");
    EXPECT_EQ(body_of(session),
              std::string(fill_output) +
                  "ERR! invalid trailing logs value: -1\n"
                  "ERR! invalid trailing logs value: many\n"
                  "ERR! server responded with 500 Internal Server Error: cannot remove the only node\n"
                  "ERR! server responded with 500 Internal Server Error: stepdown: cannot transfer leadership: no other voter\n"
                  "ERR! server responded with 500 Internal Server Error: stepdown: cannot transfer leadership: no other voter\n");
}

TEST_F(ShellAdmin, SysdumpCollectsEveryNodesDiagnostics) {
    const ShellRun session = run(".sysdump " + scratch.file("sysdump.txt") + "\n.extensions\n");
    EXPECT_EQ(body_of(session), "");
    const std::string dump = scratch.read("sysdump.txt");
    const std::string base = "http://" + server.address();
    std::size_t at = 0;
    for (const std::string path : {"/status?pretty", "/nodes?pretty", "/readyz", "/debug/vars"}) {
        const std::string section = "\n=========================================\nURL: " + base + path + "\nStatus: 200 OK\n\n";
        const std::size_t found = dump.find(section, at);
        ASSERT_NE(found, std::string::npos) << path << "\n" << dump;
        at = found + section.size();
    }
    EXPECT_NE(dump.find("\"cmdline\""), std::string::npos);
    EXPECT_NE(dump.find("[+]node ok"), std::string::npos);
}

}  // namespace
}  // namespace rq::shell::testing
