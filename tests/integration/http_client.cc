#include "tests/integration/http_client.h"

// Boost 1.74's asio needs <utility> before it under C++20.
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cctype>

namespace rq::testing {

namespace beast = boost::beast;
namespace asio = boost::asio;

struct HttpClient::Connection {
    asio::io_context io;
    beast::tcp_stream stream{io};
    beast::flat_buffer buffer;
    bool open = false;
};

HttpClient::HttpClient(std::string host, unsigned short port, std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(port), timeout_(timeout) {}

HttpClient::~HttpClient() = default;

Response HttpClient::get(const std::string& target) { return send("GET", target, ""); }

Response HttpClient::post(const std::string& target, const std::string& body, const std::string& content_type) {
    return send("POST", target, body, content_type);
}

Response HttpClient::send(const std::string& method, const std::string& target, const std::string& body,
                          const std::string& content_type) {
    // A kept-alive connection the server closed fails on first use: retry once on a new one.
    for (int attempt = 0; attempt < 2; ++attempt) {
        Response response;
        try {
            if (!connection_ || !connection_->open) {
                connection_ = std::make_unique<Connection>();
                asio::ip::tcp::resolver resolver(connection_->io);
                connection_->stream.expires_after(timeout_);
                connection_->stream.connect(resolver.resolve(host_, std::to_string(port_)));
                connection_->open = true;
            }
            beast::http::request<beast::http::string_body> request;
            request.method_string(method);
            request.target(target);
            request.version(11);
            request.set(beast::http::field::host, host_ + ":" + std::to_string(port_));
            if (!content_type.empty()) request.set(beast::http::field::content_type, content_type);
            request.body() = body;
            request.prepare_payload();
            connection_->stream.expires_after(timeout_);
            beast::http::write(connection_->stream, request);
            beast::http::response_parser<beast::http::string_body> parser;
            parser.body_limit(std::uint64_t{1} << 30);
            beast::http::read(connection_->stream, connection_->buffer, parser);
            const auto& message = parser.get();
            response.status = message.result_int();
            for (const auto& field : message) {
                std::string name(field.name_string());
                for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                response.headers[name] = std::string(field.value());
            }
            response.body = message.body();
            if (!message.keep_alive()) connection_->open = false;
            return response;
        } catch (const std::exception& error) {
            connection_.reset();
            response.error = error.what();
            if (attempt == 1) return response;
        }
    }
    return Response{};
}

std::string url_encode(const std::string& text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4U];
            out += hex[c & 15U];
        }
    }
    return out;
}

}  // namespace rq::testing
