// The shell's HTTP behaviour seen from the server side: keep-alive reuse, a connection the server
// dropped, 301 redirects to the leader, failover to -a hosts, deadlines, credentials, RQLITE_HOST
// and the command-line flags that end the program before it connects.

#include <future>

#include "tests/shell/scripted_server.h"
#include "tests/shell/shell_session.h"

namespace rq::shell::testing {
namespace {

constexpr const char* one_insert = R"({"results":[{"last_insert_id":1,"rows_affected":1}]})";

// A node that knows two endpoints: /status (with the version header) and /db/request.
ScriptedReply answer_like_a_node(const ScriptedRequest& request) {
    if (request.target == "/status") return {200, {{"X-RQLITE-VERSION", "v9.9.9"}}, "{}", false};
    if (request.target.starts_with("/db/request")) return {200, {}, one_insert, false};
    return {404, {}, "", false};
}

std::string banner_for(const std::string& address, const std::string& version) {
    return "Welcome to the rqlite CLI.\nEnter \".help\" for usage hints.\nConnected to http://" + address +
           " running version " + version + "\n";
}

std::string port_arguments(std::uint16_t port) { return "-H 127.0.0.1 -p " + std::to_string(port); }

// A loopback port with nothing listening.
std::uint16_t closed_port() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return acceptor.local_endpoint().port();
}

class ShellNetwork : public ::testing::Test {
protected:
    ScratchDirectory scratch;
};

TEST_F(ShellNetwork, OneKeptAliveConnectionCarriesTheWholeSession) {
    ScriptedServer node(answer_like_a_node);
    const ShellRun session = run_rqlite(scratch, port_arguments(node.port()) + " -u bob:secret",
                                        "INSERT INTO t VALUES(1);\nINSERT INTO t VALUES(\"<&>\");\nSELECT 1;\n");
    EXPECT_EQ(session.out, banner_for(node.address(), "v9.9.9") + "1 row affected\n1 row affected\n1 row affected\nbye~\n");
    EXPECT_EQ(node.connections(), 1);
    const std::vector<ScriptedRequest> requests = node.requests();
    ASSERT_EQ(requests.size(), 4u);
    EXPECT_EQ(requests[0].method, "GET");
    EXPECT_EQ(requests[0].target, "/status");
    EXPECT_EQ(requests[1].method, "POST");
    EXPECT_EQ(requests[1].target, "/db/request");
    EXPECT_EQ(requests[1].body, "[\"INSERT INTO t VALUES(1)\"]");
    EXPECT_EQ(requests[2].body, "[\"INSERT INTO t VALUES(\\\"\\u003c\\u0026\\u003e\\\")\"]");  // as Go's json.Marshal
    EXPECT_EQ(requests[1].content_type, "");
    for (const ScriptedRequest& request : requests) EXPECT_EQ(request.authorization, "Basic Ym9iOnNlY3JldA==");
}

// Each answer is followed by the server closing the connection. Whether the shell notices before
// its next request (it peeks) or only when that request fails (a GET is then sent again), every
// request ends up on a new connection.
TEST_F(ShellNetwork, AConnectionTheServerDroppedIsReplaced) {
    ScriptedServer node([](const ScriptedRequest&) {
        return ScriptedReply{200, {{"X-RQLITE-VERSION", "v9.9.9"}}, "{}", true};
    });
    const ShellRun session = run_rqlite(scratch, port_arguments(node.port()), ".status\n.ready\n.expvar\n");
    EXPECT_EQ(session.out, banner_for(node.address(), "v9.9.9") + "ready\nbye~\n");
    EXPECT_EQ(node.connections(), 4);
    EXPECT_EQ(node.requests().size(), 4u);
    EXPECT_EQ(session.err, "");
}

TEST_F(ShellNetwork, QueryParametersFollowTheSettings) {
    ScriptedServer node([](const ScriptedRequest& request) {
        if (request.target.starts_with("/db/query")) {
            return ScriptedReply{200, {}, R"({"results":[{"columns":["name"],"types":["text"]}]})", false};
        }
        if (request.target.starts_with("/db/execute")) return ScriptedReply{200, {}, one_insert, false};
        return answer_like_a_node(request);
    });
    (void)run_rqlite(scratch, port_arguments(node.port()),
                     ".timer on\n.blobarray on\n.consistency strong\nSELECT 1;\n.tables\n.forcewrites on\nSELECT 2;\n");
    const std::vector<ScriptedRequest> requests = node.requests();
    ASSERT_EQ(requests.size(), 4u);
    EXPECT_EQ(requests[1].target, "/db/request?blob_array=&level=strong&timings=");
    EXPECT_EQ(requests[2].target,
              "/db/query?blob_array=&level=strong&q=SELECT+name+FROM+sqlite_master+WHERE+type%3D%22table%22+ORDER+BY+"
              "name+ASC&timings=");
    EXPECT_EQ(requests[3].target, "/db/execute?blob_array=&timings=");
}

TEST_F(ShellNetwork, RedirectsAreFollowedToTheLeader) {
    ShellServer leader;
    const std::string leader_url = "http://" + leader.address();
    ScriptedServer follower([&](const ScriptedRequest& request) {
        if (request.target == "/status") return answer_like_a_node(request);
        return ScriptedReply{301, {{"Location", leader_url + request.target}}, "", false};
    });
    const ShellRun session = run_rqlite(scratch, port_arguments(follower.port()),
                                        "CREATE TABLE t (x);\nINSERT INTO t VALUES(7);\n.mode csv\nSELECT x FROM t;\n");
    EXPECT_EQ(session.out, banner_for(follower.address(), "v9.9.9") + "0 row affected\n1 row affected\nx\n7\nbye~\n");
}

TEST_F(ShellNetwork, EndlessRedirectsStopAtTheLimit) {
    std::uint16_t own_port = 0;
    ScriptedServer loop([&](const ScriptedRequest& request) {
        if (request.target == "/status") return answer_like_a_node(request);
        return ScriptedReply{301, {{"Location", "http://127.0.0.1:" + std::to_string(own_port) + request.target}}, "", false};
    });
    own_port = loop.port();
    const ShellRun session = run_rqlite(scratch, port_arguments(loop.port()), "SELECT 1;\n");
    EXPECT_EQ(session.out, banner_for(loop.address(), "v9.9.9") + "ERR! maximum leader redirect limit exceeded\nbye~\n");
    EXPECT_EQ(loop.requests().size(), 1u + 22u);  // /status, then the first try and 21 redirects
}

TEST_F(ShellNetwork, UnreachableHostFailsOverToTheAlternatives) {
    ScriptedServer node(answer_like_a_node);
    const std::uint16_t dead = closed_port();
    const ShellRun session =
        run_rqlite(scratch, port_arguments(dead) + " -a 127.0.0.1:" + std::to_string(closed_port()) + "," + node.address(),
                   "SELECT 1;\n");
    EXPECT_EQ(session.out, banner_for("127.0.0.1:" + std::to_string(dead), "v9.9.9") + "1 row affected\nbye~\n");
    EXPECT_NE(session.err.find("[client] host '127.0.0.1:" + std::to_string(dead) + "' is unavailable"), std::string::npos)
        << session.err;
    EXPECT_EQ(node.requests().size(), 2u);  // the later request went straight to the host that answered
}

TEST_F(ShellNetwork, NothingListeningEndsTheShellWithAHint) {
    const std::uint16_t dead = closed_port();
    const ShellRun session = run_rqlite(scratch, port_arguments(dead), "SELECT 1;\n");
    EXPECT_EQ(session.status, 1);
    EXPECT_EQ(session.out, "ERR! Unable to connect to rqlited at http://127.0.0.1:" + std::to_string(dead) +
                               " - is it running?\n");
    const ShellRun failover = run_rqlite(scratch, port_arguments(dead) + " -a 127.0.0.1:" + std::to_string(dead), "");
    EXPECT_EQ(failover.status, 1);
    EXPECT_EQ(failover.out, "ERR! no host available to perform the request\n");
}

TEST_F(ShellNetwork, ASlowAnswerMeetsTheDeadline) {
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    ScriptedServer slow([&](const ScriptedRequest& request) {
        if (request.target.starts_with("/db/request")) released.wait();
        return answer_like_a_node(request);
    });
    const ShellRun session = run_rqlite(scratch, port_arguments(slow.port()) + " -t 100ms", "SELECT 1;\n");
    release.set_value();
    EXPECT_EQ(session.out, banner_for(slow.address(), "v9.9.9") + "ERR! read from " + slow.address() +
                               ": timed out after 100ms\nbye~\n");
}

TEST_F(ShellNetwork, UnauthorizedDiagnosticsSayUnauthorized) {
    ScriptedServer node([](const ScriptedRequest& request) {
        if (request.target == "/status" && request.authorization.empty()) {
            return ScriptedReply{200, {{"X-RQLITE-VERSION", "v9"}}, "{}", false};
        }
        return ScriptedReply{401, {}, "", false};
    });
    const ShellRun session = run_rqlite(scratch, port_arguments(node.port()), ".expvar\nSELECT 1;\n");
    EXPECT_EQ(session.out, banner_for(node.address(), "v9") +
                               "ERR! unauthorized\n"
                               "ERR! server responded with 401 Unauthorized\n"
                               "bye~\n");
}

TEST_F(ShellNetwork, RqliteHostNamesTheNodeWhenNoFlagDoes) {
    ScriptedServer node(answer_like_a_node);
    const ShellRun session = run_rqlite(scratch, "", "SELECT 1;\n", "RQLITE_HOST=http://" + node.address());
    EXPECT_EQ(session.out, banner_for(node.address(), "v9.9.9") + "1 row affected\nbye~\n");
    const ShellRun bad = run_rqlite(scratch, "", "", "RQLITE_HOST=ftp://" + node.address());
    EXPECT_EQ(bad.status, 2);
    EXPECT_NE(bad.err.find("RQLITE_HOST"), std::string::npos) << bad.err;
}

TEST_F(ShellNetwork, HelpVersionAndBadFlagsNeverConnect) {
    const ShellRun help = run_rqlite(scratch, "--help", "");
    EXPECT_EQ(help.status, 0);
    EXPECT_EQ(help.out.rfind("Options:\n\n  -h, --help\n", 0), 0u) << help.out;
    const ShellRun version = run_rqlite(scratch, "-v", "");
    EXPECT_EQ(version.status, 0);
    EXPECT_EQ(version.out.rfind("Version v", 0), 0u) << version.out;
    const ShellRun bad = run_rqlite(scratch, "--colour", "");
    EXPECT_EQ(bad.status, 2);
    EXPECT_EQ(bad.out, "");
    EXPECT_EQ(bad.err, "ERR! unknown flag '--colour'\nRun 'rqlite --help' for the options.\n");
}

}  // namespace
}  // namespace rq::shell::testing
