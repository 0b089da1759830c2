#pragma once
// End-to-end harness for the `rqlite` shell: a real HTTP server (http::Server over the fake
// backend, on port 0, its io_context on its own thread) and the built `rqlite` binary run as a
// subprocess with its stdin from a file and its stdout and stderr captured.

// Boost 1.74's asio needs <utility> before it under C++20.
#include <utility>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "env/clock.h"
#include "http/fake_backend.h"
#include "http/server.h"
#include "http/service.h"

namespace rq::shell::testing {

inline constexpr const char* server_version = "v10.3.0-test";

class ShellServer {
public:
    ShellServer() : work_(boost::asio::make_work_guard(io_)), scheduler_(io_) {
        // The port is chosen first so that /nodes can report this server's own API address.
        port_ = reserve_port();
        http::FakeBackendOptions backend_options;
        backend_options.node_id = "node1";
        backend_options.raft_address = "127.0.0.1:4002";
        backend_options.api_url = "http://" + address();
        backend_ = http::FakeBackend::open(clock_, backend_options);
        http::ServiceOptions options;
        options.build.version = server_version;
        options.build.commit = "abc123";
        options.advertised_http_address = address();
        options.bind_address = address();
        options.command_line = {"rqlited", "-node-id", "n1", "data"};
        service_ = std::make_unique<http::Service>(*backend_, clock_, scheduler_, std::move(options));
        http::ServerOptions server_options;
        server_options.address = address();
        Result<std::shared_ptr<http::Server>> server = http::Server::start(io_, *service_, server_options);
        RQ_ASSERT(server.ok(), "server start:", server.error().message());
        server_ = *server;
        thread_ = std::thread([this] { io_.run(); });
    }

    ~ShellServer() {
        boost::asio::post(io_, [this] {
            server_->stop([this] { work_.reset(); });
        });
        thread_.join();
    }

    ShellServer(const ShellServer&) = delete;
    ShellServer& operator=(const ShellServer&) = delete;

    [[nodiscard]] std::uint16_t port() const { return port_; }
    [[nodiscard]] std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

    // Runs `steer` on the server's thread (the backend is not thread-safe) and waits for it.
    template <typename Steer>
    void on_server(Steer steer) {
        std::promise<void> done;
        boost::asio::post(io_, [&] {
            steer(*backend_);
            done.set_value();
        });
        done.get_future().wait();
    }

private:
    // A free loopback port: bound and released, for the server to bind a moment later.
    static std::uint16_t reserve_port() {
        boost::asio::io_context io;
        boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
        return acceptor.local_endpoint().port();
    }

    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    env::ManualClock clock_;
    http::AsioScheduler scheduler_;
    std::unique_ptr<http::FakeBackend> backend_;
    std::unique_ptr<http::Service> service_;
    std::shared_ptr<http::Server> server_;
    std::uint16_t port_ = 0;
    std::thread thread_;
};

struct ShellRun {
    int status = -1;
    std::string out;
    std::string err;
};

// A scratch directory per test, removed afterwards.
class ScratchDirectory {
public:
    ScratchDirectory() {
        const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
        path_ = std::filesystem::temp_directory_path() /
                ("rqlite_shell_test_" + std::to_string(::getpid()) + "_" + test->test_suite_name() + "_" + test->name());
        std::filesystem::create_directories(path_);
    }
    ~ScratchDirectory() { std::filesystem::remove_all(path_); }
    ScratchDirectory(const ScratchDirectory&) = delete;
    ScratchDirectory& operator=(const ScratchDirectory&) = delete;

    [[nodiscard]] std::string file(const std::string& name) const { return (path_ / name).string(); }
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(file(name), std::ios::binary) << text;
        return file(name);
    }
    [[nodiscard]] std::string read(const std::string& name) const {
        std::ifstream in(file(name), std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        return text.str();
    }

private:
    std::filesystem::path path_;
};

// Runs the shell with `arguments` (shell syntax) and `input` on stdin; `environment` is a prefix
// of VAR=value words. RQLITE_HOST is unset unless the environment sets it.
inline ShellRun run_rqlite(const ScratchDirectory& scratch, const std::string& arguments, const std::string& input,
                           const std::string& environment = "") {
    const std::string in = scratch.write("stdin.txt", input);
    const std::string command = "env -u RQLITE_HOST HOME=" + scratch.file("") + " " + environment + " " +
                                RQLITE_SHELL_PATH + " " + arguments + " < " + in + " > " + scratch.file("stdout.txt") +
                                " 2> " + scratch.file("stderr.txt");
    ShellRun run;
    const int raw = std::system(command.c_str());
    run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    run.out = scratch.read("stdout.txt");
    run.err = scratch.read("stderr.txt");
    return run;
}

}  // namespace rq::shell::testing
