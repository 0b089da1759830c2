// Whole sessions of the `rqlite` binary against a real server: what a user sees on stdout.

#include "tests/shell/shell_session.h"

namespace rq::shell::testing {
namespace {

class ShellSession : public ::testing::Test {
protected:
    std::string banner() const {
        return "Welcome to the rqlite CLI.\nEnter \".help\" for usage hints.\nConnected to http://" + server.address() +
               " running version " + server_version + "\n";
    }
    ShellRun run(const std::string& input, const std::string& extra_arguments = "") {
        return run_rqlite(scratch, "-H 127.0.0.1 -p " + std::to_string(server.port()) + " " + extra_arguments, input);
    }
    // The session's output between the banner and "bye~", checking both are there.
    std::string body_of(const ShellRun& session) {
        EXPECT_EQ(session.status, 0) << session.err;
        EXPECT_EQ(session.out.rfind(banner(), 0), 0u) << session.out;
        const std::string bye = "bye~\n";
        EXPECT_TRUE(session.out.ends_with(bye)) << session.out;
        if (session.out.size() < banner().size() + bye.size()) return session.out;
        return session.out.substr(banner().size(), session.out.size() - banner().size() - bye.size());
    }

    static constexpr const char* create_foo = "CREATE TABLE foo (id INTEGER NOT NULL PRIMARY KEY, name TEXT);\n";

    ShellServer server;
    ScratchDirectory scratch;
};

TEST_F(ShellSession, CreateInsertSelect) {
    const ShellRun session = run(std::string(create_foo) +
                                 "INSERT INTO foo(name) VALUES(\"fiona\");\n"
                                 "INSERT INTO foo(name) VALUES('declan'), ('sinead');\n"
                                 "SELECT * FROM foo;\n");
    EXPECT_EQ(session.out, banner() +
                               "0 row affected\n"
                               "1 row affected\n"
                               "2 rows affected\n"
                               "+----+--------+\n"
                               "| id | name   |\n"
                               "+----+--------+\n"
                               "| 1  | fiona  |\n"
                               "+----+--------+\n"
                               "| 2  | declan |\n"
                               "+----+--------+\n"
                               "| 3  | sinead |\n"
                               "+----+--------+\n"
                               "bye~\n");
    EXPECT_EQ(session.status, 0);
    EXPECT_EQ(session.err, "");
}

TEST_F(ShellSession, StatementsSpanLinesShareLinesAndTheLastNeedsNoSemicolon) {
    const ShellRun session = run(
        "CREATE TABLE foo (\n"
        "  id INTEGER NOT NULL PRIMARY KEY,\n"
        "  name TEXT\n"
        ");\n"
        "INSERT INTO foo(name) VALUES('a;b'); INSERT INTO foo(name) VALUES('c');\n"
        "-- a comment line\n"
        "SELECT name\n"
        "  FROM foo ORDER BY id");
    EXPECT_EQ(body_of(session),
              "0 row affected\n"
              "1 row affected\n"
              "1 row affected\n"
              "+------+\n"
              "| name |\n"
              "+------+\n"
              "| a;b  |\n"
              "+------+\n"
              "| c    |\n"
              "+------+\n");
}

TEST_F(ShellSession, StatementErrorsAndRefusedRequests) {
    const ShellRun session = run(
        "SELECT * FROM nope;\n"
        "blah;\n"
        "PRAGMA journal_mode=DELETE;\n"
        "SELECT 1;\n");
    EXPECT_EQ(body_of(session),
              "Error: no such table: nope\n"
              "Error: near \"blah\": syntax error\n"
              "ERR! disallowed pragma\n"
              "+---+\n"
              "| 1 |\n"
              "+---+\n"
              "| 1 |\n"
              "+---+\n");
}

TEST_F(ShellSession, NonOkStatusIsReportedWithItsBody) {
    server.on_server([](http::FakeBackend& backend) {
        backend.fail_next(http::EngineError{http::EngineErrorKind::leader_not_found, "", ""});
    });
    const ShellRun session = run("INSERT INTO foo VALUES(1);\n");
    EXPECT_EQ(body_of(session), "ERR! server responded with 503 Service Unavailable: leader not found\n");
}

TEST_F(ShellSession, TablesSchemaIndexes) {
    const ShellRun session = run(std::string(create_foo) +
                                 "CREATE TABLE bar (x TEXT);\n"
                                 "CREATE INDEX foo_name ON foo(name);\n"
                                 ".tables\n"
                                 ".schema\n"
                                 ".indexes\n"
                                 ".TABLES\n");
    const std::string tables =
        "+------+\n"
        "| name |\n"
        "+------+\n"
        "| bar  |\n"
        "+------+\n"
        "| foo  |\n"
        "+------+\n";
    EXPECT_EQ(body_of(session),
              "0 row affected\n"
              "0 row affected\n"
              "0 row affected\n" +
                  tables +
                  "+---------------------------------------------------------------+\n"
                  "| sql                                                           |\n"
                  "+---------------------------------------------------------------+\n"
                  "| CREATE TABLE foo (id INTEGER NOT NULL PRIMARY KEY, name TEXT) |\n"
                  "+---------------------------------------------------------------+\n"
                  "| CREATE TABLE bar (x TEXT)                                     |\n"
                  "+---------------------------------------------------------------+\n"
                  "| CREATE INDEX foo_name ON foo(name)                            |\n"
                  "+---------------------------------------------------------------+\n"
                  "+------------------------------------+\n"
                  "| sql                                |\n"
                  "+------------------------------------+\n"
                  "| CREATE INDEX foo_name ON foo(name) |\n"
                  "+------------------------------------+\n" +
                  tables);
}

TEST_F(ShellSession, EmptyDatabaseHasAHeaderOnlyTablesList) {
    EXPECT_EQ(body_of(run(".tables\n")),
              "+------+\n"
              "| name |\n"
              "+------+\n");
}

TEST_F(ShellSession, OutputModes) {
    const ShellRun session = run(std::string(create_foo) +
                                 "INSERT INTO foo(name) VALUES('fiona'), ('de,clan');\n"
                                 ".mode\n"
                                 ".mode csv\n"
                                 "SELECT * FROM foo;\n"
                                 ".mode json\n"
                                 "SELECT * FROM foo;\n"
                                 "SELECT * FROM foo WHERE id > 5;\n"
                                 ".mode line\n"
                                 "SELECT * FROM foo;\n"
                                 ".tables\n"
                                 ".mode\n"
                                 ".mode table\n"
                                 ".mode column\n"
                                 "SELECT id FROM foo WHERE id = 1;\n");
    EXPECT_EQ(body_of(session),
              "0 row affected\n"
              "2 rows affected\n"
              "column\n"
              "id,name\n"
              "1,fiona\n"
              "2,\"de,clan\"\n"
              "[{\"id\":1,\"name\":\"fiona\"},\n"
              "{\"id\":2,\"name\":\"de,clan\"}]\n"
              "[]\n"
              "  id = 1\n"
              "name = fiona\n"
              "\n"
              "  id = 2\n"
              "name = de,clan\n"
              "name = foo\n"
              "line\n"
              "ERR! invalid mode 'table'. Use 'column', 'csv', 'json', or 'line'\n"
              "+----+\n"
              "| id |\n"
              "+----+\n"
              "| 1  |\n"
              "+----+\n");
}

TEST_F(ShellSession, ChangesShowsTheLastInsertId) {
    const ShellRun session = run(std::string(create_foo) +
                                 ".changes\n"
                                 ".changes on\n"
                                 ".changes\n"
                                 "INSERT INTO foo(name) VALUES('a');\n"
                                 "INSERT INTO foo(name) VALUES('b');\n"
                                 "UPDATE foo SET name = 'c';\n"
                                 ".changes off\n"
                                 "INSERT INTO foo(name) VALUES('d');\n"
                                 ".changes maybe\n");
    EXPECT_EQ(body_of(session),
              "0 row affected\n"
              "off\n"
              "on\n"
              "1 row affected\n"
              "last insert ID: 1\n"
              "1 row affected\n"
              "last insert ID: 2\n"
              "2 rows affected\n"
              "last insert ID: 2\n"
              "1 row affected\n"
              "ERR! invalid option 'maybe'. Use 'on' or 'off' (default)\n");
}

// The server's clock stands still in these tests, so every reported time is zero.
TEST_F(ShellSession, TimerAddsTimings) {
    const ShellRun session = run(std::string(".timer on\n") + create_foo + "SELECT * FROM foo;\n.timer\n.timer off\n.timer\n");
    EXPECT_EQ(body_of(session),
              "0 row affected (0.000000 sec)\n"
              "+----+------+\n"
              "| id | name |\n"
              "+----+------+\n"
              "Run Time: 0.000000 seconds\n"
              "on\n"
              "off\n");
}

TEST_F(ShellSession, ShowAndConsistency) {
    const ShellRun session = run(
        ".show\n"
        ".consistency\n"
        ".consistency strong\n"
        ".consistency\n"
        ".consistency eventual\n"
        "SELECT 2;\n"
        ".mode csv\n"
        ".timer on\n"
        ".blobarray on\n"
        ".forcewrites on\n"
        ".changes on\n"
        ".show\n");
    EXPECT_EQ(body_of(session),
              "  blobarray: off\n"
              "  changes: off\n"
              "  consistency: weak\n"
              "  forcewrites: off\n"
              "  mode: column\n"
              "  output: stdout\n"
              "  timer: off\n"
              "weak\n"
              "strong\n"
              "ERR! invalid consistency 'eventual'. Use 'none', 'weak', 'linearizable', or 'strong'\n"
              "+---+\n"
              "| 2 |\n"
              "+---+\n"
              "| 2 |\n"
              "+---+\n"
              "  blobarray: on\n"
              "  changes: on\n"
              "  consistency: strong\n"
              "  forcewrites: on\n"
              "  mode: csv\n"
              "  output: stdout\n"
              "  timer: on\n");
}

TEST_F(ShellSession, BlobsShowAsBase64OrByteArrays) {
    const ShellRun session = run(
        "CREATE TABLE b (data BLOB);\n"
        "INSERT INTO b VALUES(x'deadbeef');\n"
        "SELECT data FROM b;\n"
        ".blobarray on\n"
        "SELECT data FROM b;\n");
    EXPECT_EQ(body_of(session),
              "0 row affected\n"
              "1 row affected\n"
              "+----------+\n"
              "| data     |\n"
              "+----------+\n"
              "| 3q2+7w== |\n"
              "+----------+\n"
              "+-------------------+\n"
              "| data              |\n"
              "+-------------------+\n"
              "| [222 173 190 239] |\n"
              "+-------------------+\n");
}

TEST_F(ShellSession, ForceWritesSendsEverythingToExecute) {
    const ShellRun session = run(std::string(create_foo) +
                                 "INSERT INTO foo(name) VALUES('a');\n"
                                 ".forcewrites on\n"
                                 "INSERT INTO foo(name) VALUES('b') RETURNING id;\n"
                                 "DELETE FROM foo;\n");
    EXPECT_EQ(body_of(session),
              "0 row affected\n"
              "1 row affected\n"
              "+----+\n"
              "| id |\n"
              "+----+\n"
              "| 2  |\n"
              "+----+\n"
              "2 rows affected\n");
}

TEST_F(ShellSession, HelpListsEveryCommandSorted) {
    const std::string help = body_of(run(".help\n"));
    std::vector<std::string> names;
    std::size_t start = 0;
    while (start < help.size()) {
        const std::size_t end = help.find('\n', start);
        const std::string line = help.substr(start, end - start);
        names.push_back(line.substr(0, line.find(' ')));
        start = end + 1;
    }
    const std::vector<std::string> expected = {
        ".backup",   ".blobarray", ".boot",    ".changes", ".consistency", ".dump",   ".exit",     ".expvar",
        ".extensions", ".forcewrites", ".help", ".indexes", ".leader",     ".mode",   ".nodes",    ".output",
        ".quit",     ".read",      ".ready",   ".reap",    ".remove",      ".restore", ".schema",  ".show",
        ".snapshot", ".status",    ".stepdown", ".sysdump", ".tables",     ".timer"};
    EXPECT_EQ(names, expected) << help;
    EXPECT_NE(help.find(".consistency [none|weak|linearizable|strong]  "), std::string::npos) << help;
}

TEST_F(ShellSession, QuitAndExitEndTheSession) {
    for (const char* quit : {"quit", "EXIT", ".quit", ".exit", "exit;"}) {
        const ShellRun session = run("SELECT 1;\n" + std::string(quit) + "\nSELECT 2;\n");
        EXPECT_EQ(body_of(session),
                  "+---+\n"
                  "| 1 |\n"
                  "+---+\n"
                  "| 1 |\n"
                  "+---+\n")
            << quit;
    }
}

TEST_F(ShellSession, UnknownCommandsAndMissingArguments) {
    const ShellRun session = run(".frobnicate\n.read\n.backup\n.dump\n.restore\n.boot\n.sysdump\n.remove\n");
    EXPECT_EQ(body_of(session),
              "ERR! unknown command \".frobnicate\". Enter \".help\" for usage hints.\n"
              "ERR! please specify an input file to read from\n"
              "ERR! please specify an output file for the backup\n"
              "ERR! please specify an output file for the SQL text\n"
              "ERR! please specify an input file to restore from\n"
              "ERR! please specify an input file to boot with\n"
              "ERR! please specify an output file for the sysdump\n"
              "ERR! please specify the ID of the node to remove\n");
}

TEST_F(ShellSession, DotCommandsInsideAStatementAreSql) {
    // Once a statement has begun, a line starting with '.' continues it (and here breaks it).
    const ShellRun session = run("SELECT\n.tables;\n");
    EXPECT_EQ(body_of(session), "Error: near \".\": syntax error\n");
}

TEST_F(ShellSession, ReadRunsAFileOfStatementsAndCommands) {
    scratch.write("inner.sql", "INSERT INTO foo(name) VALUES('inner');\n");
    const std::string script = scratch.write("script.sql",
                                             std::string(create_foo) +
                                                 "-- comments are skipped\n"
                                                 "INSERT INTO foo(name)\n"
                                                 "  VALUES('multi');\n"
                                                 ".read " + scratch.file("inner.sql") + "\n"
                                                 ".mode csv\n"
                                                 "SELECT name FROM foo ORDER BY id");
    const ShellRun session = run(".read " + script + "\n.read " + scratch.file("missing.sql") + "\n.mode\n");
    EXPECT_EQ(body_of(session),
              "0 row affected\n"
              "1 row affected\n"
              "1 row affected\n"
              "name\n"
              "multi\n"
              "inner\n"
              "ERR! open " + scratch.file("missing.sql") + ": No such file or directory\n"
              "csv\n");
}

TEST_F(ShellSession, ReadStopsAtNestingTooDeep) {
    const std::string loop = scratch.file("loop.sql");
    scratch.write("loop.sql", ".read " + loop + "\n");
    const std::string body = body_of(run(".read " + loop + "\nSELECT 3;\n"));
    EXPECT_NE(body.find("ERR! too many nested .read commands\n"), std::string::npos) << body;
    EXPECT_TRUE(body.ends_with("| 3 |\n+---+\n")) << body;
}

TEST_F(ShellSession, OutputSendsResultsToAFile) {
    const std::string file = scratch.file("results.txt");
    const ShellRun session = run(".output " + file + "\n" + create_foo +
                                 "SELECT * FROM nope;\n"
                                 ".show\n"
                                 ".output\n"
                                 "SELECT 5;\n");
    EXPECT_EQ(body_of(session),
              "  blobarray: off\n"
              "  changes: off\n"
              "  consistency: weak\n"
              "  forcewrites: off\n"
              "  mode: column\n"
              "  output: " + file + "\n"
              "  timer: off\n"
              "+---+\n"
              "| 5 |\n"
              "+---+\n"
              "| 5 |\n"
              "+---+\n");
    EXPECT_EQ(scratch.read("results.txt"), "0 row affected\nError: no such table: nope\n");
}

TEST_F(ShellSession, StatusExpvarNodesLeaderReady) {
    const std::string body = body_of(run(".status\n.ready\n.status build\n.expvar http\n.nodes\n.leader\n"));
    for (const std::string expected : {"build:\n  build_time: ", "  commit: abc123\n", "  version: v10.3.0-test\n",
                                       "http:\n  auth: disabled\n", "store:\n", "  raft:\n", "    state: Leader\n",
                                       "  sqlite3:\n", "node:\n", "ready\n"}) {
        EXPECT_NE(body.find(expected), std::string::npos) << expected << "\n---\n" << body;
    }
    const std::string build_only = body.substr(body.find("ready\n") + 6);
    EXPECT_EQ(build_only.rfind("build:\n", 0), 0u) << build_only;
    EXPECT_EQ(build_only.find("store:"), std::string::npos) << build_only;  // .status KEY shows KEY only
    const std::string node = "node1:\n  addr: 127.0.0.1:4002\n  api_addr: http://" + server.address() + "\n";
    const std::size_t nodes = body.find(node);
    ASSERT_NE(nodes, std::string::npos) << body;
    EXPECT_NE(body.find(node, nodes + 1), std::string::npos) << "no .leader output\n" << body;
    EXPECT_NE(body.find("  leader: true\n  reachable: true\n"), std::string::npos) << body;
}

TEST_F(ShellSession, ReadyWithoutLeaderSaysNotReady) {
    server.on_server([](http::FakeBackend& backend) { backend.set_remote_leader(http::LeaderInfo{}); });
    EXPECT_EQ(body_of(run(".ready\n.leader\n")), "not ready\nERR! no leader found\n");
}

}  // namespace
}  // namespace rq::shell::testing
