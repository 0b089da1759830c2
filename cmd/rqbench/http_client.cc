#include "cmd/rqbench/http_client.h"

#include <boost/beast/core.hpp>
#include <boost/beast/version.hpp>

#include <optional>

namespace rq::rqbench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

HttpRequest make_post(const Endpoint& endpoint, const std::string& target, std::string body) {
    HttpRequest request{bhttp::verb::post, target, 11};
    const bool v6 = endpoint.host.find(':') != std::string::npos;
    request.set(bhttp::field::host, (v6 ? "[" + endpoint.host + "]" : endpoint.host) + ":" + endpoint.port);
    request.set(bhttp::field::user_agent, "rqbench");
    request.set(bhttp::field::content_type, "application/json");
    request.keep_alive(true);
    request.body() = std::move(body);
    request.prepare_payload();
    return request;
}

Result<tcp::resolver::results_type> resolve(asio::io_context& io, const Endpoint& endpoint) {
    tcp::resolver resolver(io);
    beast::error_code error;
    auto endpoints = resolver.resolve(endpoint.host, endpoint.port, error);
    if (error) return Error(ErrorCode::io, "resolve " + endpoint.host + ":" + endpoint.port + ": " + error.message());
    return endpoints;
}

Result<void> probe(const Endpoint& endpoint, std::chrono::nanoseconds timeout) {
    asio::io_context io;
    Result<tcp::resolver::results_type> endpoints = resolve(io, endpoint);
    if (!endpoints.ok()) return endpoints.error();
    beast::tcp_stream stream(io);
    beast::error_code failure;
    stream.expires_after(timeout);
    stream.async_connect(*endpoints, [&failure](beast::error_code error, const tcp::endpoint&) { failure = error; });
    io.run();
    if (failure) return Error(ErrorCode::io, "connect to " + endpoint.host + ":" + endpoint.port + ": " + failure.message());
    return {};
}

Result<HttpReply> post_once(const Endpoint& endpoint, const std::string& target, std::string body,
                            std::chrono::nanoseconds timeout) {
    asio::io_context io;
    Result<tcp::resolver::results_type> endpoints = resolve(io, endpoint);
    if (!endpoints.ok()) return endpoints.error();

    beast::tcp_stream stream(io);
    beast::flat_buffer buffer;
    HttpRequest request = make_post(endpoint, target, std::move(body));
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(kResponseBytesMax);
    std::optional<Error> failure;
    auto fail = [&failure](const char* stage, beast::error_code error) {
        failure = Error(ErrorCode::io, std::string(stage) + ": " + error.message());
    };

    stream.expires_after(timeout);  // one deadline for the whole exchange
    stream.async_connect(*endpoints, [&](beast::error_code error, const tcp::endpoint&) {
        if (error) return fail("connect", error);
        bhttp::async_write(stream, request, [&](beast::error_code write_error, std::size_t) {
            if (write_error) return fail("write", write_error);
            bhttp::async_read(stream, buffer, parser, [&](beast::error_code read_error, std::size_t) {
                if (read_error) return fail("read", read_error);
            });
        });
    });
    io.run();
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    if (failure) return failure->with_context("POST " + target);
    return HttpReply{parser.get().result_int(), std::move(parser.get().body())};
}

}  // namespace rq::rqbench
