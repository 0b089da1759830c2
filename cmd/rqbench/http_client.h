#pragma once
// The HTTP pieces rqbench shares between its load clients and its one-off requests (setup, the
// final queue wait): building a POST and sending one on a fresh connection.

// Boost 1.74's asio needs <utility> before it under C++20.
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <string>

#include "base/result.h"

namespace rq::rqbench {

// Responses above this many bytes are a transport error (a SELECT of a whole table, by mistake).
inline constexpr std::uint64_t kResponseBytesMax = std::uint64_t{256} << 20;

struct Endpoint {
    std::string host;
    std::string port;
};

struct HttpReply {
    unsigned status = 0;
    std::string body;
};

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;

// POST `target` with a JSON body, keep-alive, to `endpoint` (for the Host header).
HttpRequest make_post(const Endpoint& endpoint, const std::string& target, std::string body);

// Resolves the endpoint's host and port.
Result<boost::asio::ip::tcp::resolver::results_type> resolve(boost::asio::io_context& io, const Endpoint& endpoint);

// Opens a connection and closes it: fails fast, with a clear message, when nothing listens.
Result<void> probe(const Endpoint& endpoint, std::chrono::nanoseconds timeout);

// Sends one POST on a new connection and returns the reply, whatever its status; `timeout` bounds
// connecting, writing and reading together.
Result<HttpReply> post_once(const Endpoint& endpoint, const std::string& target, std::string body,
                            std::chrono::nanoseconds timeout);

}  // namespace rq::rqbench
