#pragma once
// A tiny HTTP server for the shell's network behaviour: it answers each request from a function
// the test gives, serves one connection at a time on its own thread, and records every request
// and how many connections it accepted. It can drop a connection after answering while still
// advertising keep-alive, as a server closing idle connections does.

// Boost 1.74's asio needs <utility> before it under C++20.
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace rq::shell::testing {

struct ScriptedRequest {
    std::string method;
    std::string target;
    std::string body;
    std::string authorization;
    std::string content_type;
};

struct ScriptedReply {
    unsigned status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    bool drop_connection = false;  // close the socket after answering (the reply still says keep-alive)
};

class ScriptedServer {
public:
    using Handler = std::function<ScriptedReply(const ScriptedRequest&)>;

    // With `tls`, connections are TLS (the context must outlive the server).
    explicit ScriptedServer(Handler handler, boost::asio::ssl::context* tls = nullptr)
        : handler_(std::move(handler)), tls_(tls), acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
        port_ = acceptor_.local_endpoint().port();
        thread_ = std::thread([this] { serve(); });
    }

    ~ScriptedServer() {
        stopping_ = true;
        // Wake the blocking accept with a connection of our own.
        boost::system::error_code ignored;
        boost::asio::io_context io;
        boost::asio::ip::tcp::socket waker(io);
        waker.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, ignored);
        thread_.join();
    }

    ScriptedServer(const ScriptedServer&) = delete;
    ScriptedServer& operator=(const ScriptedServer&) = delete;

    [[nodiscard]] std::uint16_t port() const { return port_; }
    [[nodiscard]] std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
    [[nodiscard]] int connections() const { return connections_; }
    [[nodiscard]] std::vector<ScriptedRequest> requests() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return requests_;
    }

private:
    void serve() {
        while (!stopping_) {
            boost::asio::ip::tcp::socket socket(io_);
            boost::system::error_code error;
            acceptor_.accept(socket, error);
            if (error || stopping_) return;
            ++connections_;
            if (tls_ == nullptr) {
                serve_connection(socket);
                continue;
            }
            boost::asio::ssl::stream<boost::asio::ip::tcp::socket&> stream(socket, *tls_);
            stream.handshake(boost::asio::ssl::stream_base::server, error);
            if (!error) serve_connection(stream);
        }
    }

    template <typename Stream>
    void serve_connection(Stream& socket) {
        namespace http = boost::beast::http;
        boost::beast::flat_buffer buffer;
        for (;;) {
            http::request<http::string_body> request;
            boost::system::error_code error;
            http::read(socket, buffer, request, error);
            if (error) return;
            ScriptedRequest seen{std::string(request.method_string()), std::string(request.target()), request.body(),
                                 std::string(request[http::field::authorization]),
                                 std::string(request[http::field::content_type])};
            {
                std::lock_guard<std::mutex> lock(mutex_);
                requests_.push_back(seen);
            }
            const ScriptedReply reply = handler_(seen);
            http::response<http::string_body> response{static_cast<http::status>(reply.status), 11};
            for (const auto& [name, value] : reply.headers) response.set(name, value);
            response.body() = reply.body;
            response.keep_alive(true);
            response.prepare_payload();
            http::write(socket, response, error);
            if (error || reply.drop_connection) return;
        }
    }

    Handler handler_;
    boost::asio::ssl::context* tls_;
    boost::asio::io_context io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<int> connections_{0};
    mutable std::mutex mutex_;
    std::vector<ScriptedRequest> requests_;
    std::thread thread_;
};

}  // namespace rq::shell::testing
