// Misbehaving clients against a real rqlited: half-sent requests, disconnects mid-body, a slow
// client, garbage instead of HTTP, many connections at once. Each must cost the server nothing but
// that connection: other clients keep being served and nothing acknowledged is lost.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <thread>

#include "tests/integration/rqlited_process.h"

namespace rq::testing {
namespace {

int connect_to(unsigned short port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

void send_text(int fd, const std::string& text) {
    std::size_t sent = 0;
    while (sent < text.size()) {
        const ssize_t n = ::send(fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return;
        sent += static_cast<std::size_t>(n);
    }
}

std::string receive_some(int fd) {
    timeval timeout{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    char buffer[4096];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
}

class Connections : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        directory_ = new TempDirectory();
        node_ = new RqlitedProcess(directory_->path());
        node_->start();
        node_->client().post("/db/execute", R"j(["CREATE TABLE t (v INTEGER)"])j");
    }
    static void TearDownTestSuite() {
        delete node_;
        delete directory_;
    }
    void TearDown() override {
        if (HasFailure()) std::cerr << "rqlited log:\n" << node_->log();
    }
    static void expect_still_serving() {
        const Response response = node_->client().post("/db/execute", R"j([["INSERT INTO t VALUES(?)", 1]])j");
        EXPECT_EQ(response.status, 200u) << response.error;
        EXPECT_EQ(node_->client().get("/readyz").status, 200u);
    }
    static inline TempDirectory* directory_ = nullptr;
    static inline RqlitedProcess* node_ = nullptr;
};

TEST_F(Connections, DisconnectInTheMiddleOfABody) {
    for (int i = 0; i < 20; ++i) {
        const int fd = connect_to(node_->http_port());
        ASSERT_GE(fd, 0);
        send_text(fd, "POST /db/execute HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n[[\"INSERT INTO t VALUES(");
        ::close(fd);
    }
    expect_still_serving();
}

TEST_F(Connections, DisconnectBeforeTheResponseIsRead) {
    for (int i = 0; i < 20; ++i) {
        const int fd = connect_to(node_->http_port());
        ASSERT_GE(fd, 0);
        const std::string body = R"j([["INSERT INTO t VALUES(?)", 2]])j";
        send_text(fd, "POST /db/execute HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
        ::close(fd);
    }
    expect_still_serving();
    // Every one of those writes is committed even though nobody read the answer. They arrive on 20
    // connections the server reads in its own order, so wait (bounded) for the last of them.
    const std::string all_twenty = R"j({"results":[{"columns":["COUNT(*)"],"types":["integer"],"values":[[20]]}]})j";
    std::string seen;
    for (int attempt = 0; attempt < 250 && seen != all_twenty; ++attempt) {
        if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        seen = node_->client().get("/db/query?q=" + url_encode("SELECT COUNT(*) FROM t WHERE v = 2") + "&level=strong").body;
    }
    EXPECT_EQ(seen, all_twenty);
}

TEST_F(Connections, ASlowClientDoesNotHoldUpOthers) {
    const int slow = connect_to(node_->http_port());
    ASSERT_GE(slow, 0);
    const std::string request = "GET /db/query?q=SELECT%201 HTTP/1.1\r\nHost: x\r\n\r\n";
    std::thread trickle([&] {
        for (char c : request) {
            send_text(slow, std::string(1, c));
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    });
    // While it trickles in, others are served at once.
    for (int i = 0; i < 10; ++i) expect_still_serving();
    trickle.join();
    const std::string answer = receive_some(slow);
    EXPECT_EQ(answer.rfind("HTTP/1.1 200 OK", 0), 0u) << answer;
    EXPECT_NE(answer.find(R"j("values":[[1]])j"), std::string::npos) << answer;
    ::close(slow);
}

TEST_F(Connections, GarbageGets400AndTheConnectionCloses) {
    const int fd = connect_to(node_->http_port());
    ASSERT_GE(fd, 0);
    send_text(fd, "THIS IS NOT HTTP\r\n\r\n");
    const std::string answer = receive_some(fd);
    EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << answer;
    ::close(fd);
    expect_still_serving();
}

TEST_F(Connections, ManyConnectionsAtOnce) {
    std::vector<int> open;
    for (int i = 0; i < 500; ++i) {
        const int fd = connect_to(node_->http_port());
        if (fd >= 0) open.push_back(fd);
    }
    EXPECT_EQ(open.size(), 500u);
    expect_still_serving();
    for (int fd : open) ::close(fd);
    expect_still_serving();
}

}  // namespace
}  // namespace rq::testing
