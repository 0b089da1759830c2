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

    ShellServer server;
    ScratchDirectory scratch;
};

TEST_F(ShellSession, CreateInsertSelect) {
    const ShellRun session = run(
        "CREATE TABLE foo (id INTEGER NOT NULL PRIMARY KEY, name TEXT);\n"
        "INSERT INTO foo(name) VALUES(\"fiona\");\n"
        "INSERT INTO foo(name) VALUES('declan'), ('sinead');\n"
        "SELECT * FROM foo;\n");
    EXPECT_EQ(session.status, 0) << session.err;
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
    EXPECT_EQ(session.err, "");
}

}  // namespace
}  // namespace rq::shell::testing
