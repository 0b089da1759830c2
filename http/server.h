#pragma once
// The HTTP/1.1 server that puts a Service on the network with Boost.Beast, on the node's io_context
// (one thread: the same one that runs the engine, so the Service and Backend need no locks).
//
// Limits (each a field of ServerOptions, with the answer a client gets when it crosses it):
//   - body_bytes_max: a larger body (by Content-Length, or as it streams in) gets 413 with a plain
//     message, and the connection is closed after draining what the client is still sending;
//   - header_bytes_max: 431;
//   - idle_timeout: a kept-alive connection with no new request is closed; it also bounds how long
//     a request's header may take to arrive (slow clients cannot hold a connection forever);
//   - read_timeout: the body must arrive within this after the header;
//   - write_timeout: a client that does not read its response is dropped;
//   - connections_max: at the limit the server stops accepting until a connection closes (clients
//     wait in the listen backlog instead of being refused).
// Malformed requests get 400 and the connection is closed. `Expect: 100-continue` is honoured.
// stop() is graceful: no new connections, idle ones close at once, busy ones after their response.

// Boost 1.74's asio needs <utility> before it under C++20.
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_set>

#include "base/result.h"
#include "env/clock.h"
#include "http/scheduler.h"
#include "http/service.h"

namespace rq::http {

struct ServerOptions {
    std::string address = "localhost:4001";  // host:port; port 0 picks a free port; ":4001" all interfaces
    std::size_t body_bytes_max = std::size_t{64} << 20;
    std::uint32_t header_bytes_max = 64 * 1024;
    env::Duration idle_timeout = std::chrono::seconds(120);
    env::Duration read_timeout = std::chrono::seconds(60);
    env::Duration write_timeout = std::chrono::seconds(60);
    std::size_t connections_max = 4096;
};

// Splits "host:port" as Go's net.SplitHostPort does for the simple and bracketed-IPv6 forms.
Result<std::pair<std::string, std::string>> split_host_port(std::string_view address);

class Session;

class Server : public std::enable_shared_from_this<Server> {
public:
    // Binds and starts accepting. `service` must outlive the server and every connection.
    static Result<std::shared_ptr<Server>> start(boost::asio::io_context& io, Service& service, ServerOptions options);

    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;
    ~Server();

    [[nodiscard]] std::uint16_t port() const { return port_; }
    [[nodiscard]] std::string bound_address() const;
    [[nodiscard]] std::size_t connections() const { return sessions_.size(); }
    [[nodiscard]] bool stopping() const { return stopping_; }

    // Stops accepting and closes connections as they become idle; `stopped` runs (on the event loop)
    // when the last one has closed.
    void stop(std::function<void()> stopped = {});

private:
    friend class Session;
    Server(boost::asio::io_context& io, Service& service, ServerOptions options);

    void accept();
    void on_accept(boost::system::error_code error, boost::asio::ip::tcp::socket socket);
    void on_session_closed(Session* session);
    void maybe_finish_stop();

    boost::asio::io_context& io_;
    Service& service_;
    ServerOptions options_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    bool accepting_ = false;
    bool stopping_ = false;
    std::function<void()> stopped_;
    std::unordered_set<Session*> sessions_;
};

// Scheduler on an io_context (steady clock timers).
class AsioScheduler final : public Scheduler {
public:
    explicit AsioScheduler(boost::asio::io_context& io) : io_(io) {}
    TimerToken after(env::Duration delay, std::function<void()> task) override;

private:
    boost::asio::io_context& io_;
};

}  // namespace rq::http
