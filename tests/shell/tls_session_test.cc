// The shell over https: certificate verification by CA file and name, --insecure, and client
// certificates for mutual TLS. The server is the scripted one with test-only certificates.

#include "tests/shell/scripted_server.h"
#include "tests/shell/shell_session.h"

namespace rq::shell::testing {
namespace {

std::string testdata(const std::string& name) { return std::string(SHELL_TESTDATA_DIR) + "/" + name; }

ScriptedReply answer_like_a_node(const ScriptedRequest& request) {
    if (request.target == "/status") return {200, {{"X-RQLITE-VERSION", "v9.9.9-tls"}}, "{}", false};
    return {200, {}, R"({"results":[{"last_insert_id":1,"rows_affected":1}]})", false};
}

// A TLS server context presenting `certificate`; with `client_ca`, clients must present a
// certificate it signed.
std::unique_ptr<boost::asio::ssl::context> server_context(const std::string& certificate, const std::string& key,
                                                          const std::string& client_ca = "") {
    auto context = std::make_unique<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server);
    context->use_certificate_chain_file(testdata(certificate));
    context->use_private_key_file(testdata(key), boost::asio::ssl::context::pem);
    if (!client_ca.empty()) {
        context->set_verify_mode(boost::asio::ssl::verify_peer | boost::asio::ssl::verify_fail_if_no_peer_cert);
        context->load_verify_file(testdata(client_ca));
    }
    return context;
}

class ShellTls : public ::testing::Test {
protected:
    ShellRun run(const ScriptedServer& node, const std::string& host, const std::string& flags) {
        return run_rqlite(scratch, "-s https -H " + host + " -p " + std::to_string(node.port()) + " " + flags,
                          "INSERT INTO t VALUES(1);\n");
    }
    static std::string session_text(const std::string& host, const ScriptedServer& node) {
        return "Welcome to the rqlite CLI.\nEnter \".help\" for usage hints.\nConnected to https://" + host + ":" +
               std::to_string(node.port()) + " running version v9.9.9-tls\n1 row affected\nbye~\n";
    }

    ScratchDirectory scratch;
};

TEST_F(ShellTls, InsecureAcceptsAnyCertificate) {
    auto tls = server_context("server.pem", "server.key");
    ScriptedServer node(answer_like_a_node, tls.get());
    EXPECT_EQ(run(node, "127.0.0.1", "--insecure").out, session_text("127.0.0.1", node));
    EXPECT_EQ(node.connections(), 1);  // kept alive over TLS too
}

TEST_F(ShellTls, AnUntrustedCertificateIsRefused) {
    auto tls = server_context("server.pem", "server.key");
    ScriptedServer node(answer_like_a_node, tls.get());
    const ShellRun session = run(node, "127.0.0.1", "");
    EXPECT_EQ(session.status, 1);
    EXPECT_EQ(session.out.rfind("ERR! TLS handshake with " + node.address() + ": certificate verify failed", 0), 0u)
        << session.out;
}

TEST_F(ShellTls, ATrustedCaVerifiesTheNameOrAddress) {
    auto tls = server_context("server.pem", "server.key");
    ScriptedServer node(answer_like_a_node, tls.get());
    EXPECT_EQ(run(node, "localhost", "-c " + testdata("server.pem")).out, session_text("localhost", node));
    EXPECT_EQ(run(node, "127.0.0.1", "--ca-cert=" + testdata("server.pem")).out, session_text("127.0.0.1", node));
}

TEST_F(ShellTls, ACertificateForAnotherNameIsRefused) {
    // client.pem names "shell-client": trusted, but not the host we asked for.
    auto tls = server_context("client.pem", "client.key");
    ScriptedServer node(answer_like_a_node, tls.get());
    const ShellRun session = run(node, "127.0.0.1", "-c " + testdata("client.pem"));
    EXPECT_EQ(session.status, 1);
    EXPECT_EQ(session.out.rfind("ERR! TLS handshake with " + node.address() + ": certificate verify failed", 0), 0u)
        << session.out;
}

TEST_F(ShellTls, MutualTlsPresentsTheClientCertificate) {
    auto tls = server_context("server.pem", "server.key", "client.pem");
    ScriptedServer node(answer_like_a_node, tls.get());
    EXPECT_EQ(run(node, "127.0.0.1", "-i -d " + testdata("client.pem") + " -k " + testdata("client.key")).out,
              session_text("127.0.0.1", node));
    const ShellRun without = run(node, "127.0.0.1", "-i");
    EXPECT_EQ(without.status, 1);
    EXPECT_EQ(without.out.rfind("ERR! ", 0), 0u) << without.out;
}

TEST_F(ShellTls, UnreadableTlsFilesEndTheShellBeforeConnecting) {
    const ShellRun missing_ca = run_rqlite(scratch, "-s https -c " + scratch.file("none.pem"), "");
    EXPECT_EQ(missing_ca.status, 1);
    EXPECT_EQ(missing_ca.out, "ERR! TLS setup: CA certificate " + scratch.file("none.pem") + ": No such file or directory\n");
    const ShellRun not_pem = run_rqlite(scratch, "-s https -c " + testdata("README.md"), "");
    EXPECT_EQ(not_pem.status, 1);
    EXPECT_EQ(not_pem.out.rfind("ERR! CA certificate " + testdata("README.md") + ": ", 0), 0u) << not_pem.out;
    const ShellRun half = run_rqlite(scratch, "-s https -d " + testdata("client.pem"), "");
    EXPECT_EQ(half.status, 1);
    EXPECT_EQ(half.out, "ERR! mutual TLS needs both --client-cert and --client-key\n");
}

}  // namespace
}  // namespace rq::shell::testing
