#pragma once
// Our HTTP server over the fake backend (an in-memory store, always leader, no Raft) on a loopback
// port picked by the system, running its event loop on a thread of its own, for rqbench to load.
// Tests talk to it only over HTTP while it runs; `stop()` joins the thread, after which the
// backend may be inspected directly.

// Boost 1.74's asio needs <utility> before it under C++20.
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>

#include "env/clock.h"
#include "http/fake_backend.h"
#include "http/server.h"
#include "http/service.h"

namespace rq::rqbench::testing {

class InProcessServer {
public:
    // `steer` runs before the event loop starts (the only moment the test may touch the backend
    // while the server exists), e.g. to inject a failure with fail_next().
    explicit InProcessServer(const std::function<void(http::FakeBackend&)>& steer = {})
        : backend_(http::FakeBackend::open(clock_)), scheduler_(io_), service_(*backend_, clock_, scheduler_, options()) {
        if (steer) steer(*backend_);
        http::ServerOptions server_options;
        server_options.address = "127.0.0.1:0";
        auto server = http::Server::start(io_, service_, server_options);
        EXPECT_TRUE(server.ok()) << (server.ok() ? "" : server.error().message());
        if (!server.ok()) return;
        server_ = std::move(server).value();
        port_ = server_->port();
        thread_ = std::thread([this] { io_.run(); });
    }
    ~InProcessServer() { stop(); }
    InProcessServer(const InProcessServer&) = delete;
    InProcessServer& operator=(const InProcessServer&) = delete;

    [[nodiscard]] std::string port() const { return std::to_string(port_); }

    // Stops accepting, lets open connections finish, and joins the event loop's thread: the loop
    // returns by itself once no operation is left, so nothing is pending when members go away.
    void stop() {
        if (!thread_.joinable()) return;
        boost::asio::post(io_, [this] { server_->stop(); });
        thread_.join();
    }

    http::FakeBackend& backend() { return *backend_; }

private:
    static http::ServiceOptions options() {
        http::ServiceOptions out;
        out.build.version = "v10.3.0-rqbench-test";
        out.advertised_http_address = "127.0.0.1:0";
        out.bind_address = "127.0.0.1:0";
        return out;
    }

    env::ManualClock clock_;
    std::unique_ptr<http::FakeBackend> backend_;
    boost::asio::io_context io_;
    http::AsioScheduler scheduler_;
    http::Service service_;
    std::shared_ptr<http::Server> server_;
    std::uint16_t port_ = 0;
    std::thread thread_;
};

}  // namespace rq::rqbench::testing
