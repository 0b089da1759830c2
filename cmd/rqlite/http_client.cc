#include "cmd/rqlite/http_client.h"

// Boost 1.74's asio needs <utility> before it under C++20.
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <sys/socket.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <strings.h>

#include "http/go_text.h"

namespace rq::shell {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

constexpr int redirects_max = 21;                                   // rqlite's CLI limit
constexpr std::uint64_t response_bytes_max = std::uint64_t{4} << 30;  // backups arrive in memory
constexpr std::uint32_t response_header_bytes_max = 1 << 20;
constexpr std::size_t connections_max = 16;  // open keep-alive connections, one per endpoint

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

bool is_idempotent(std::string_view method) { return method == "GET" || method == "HEAD" || method == "OPTIONS"; }

bool is_ip_literal(const std::string& host) {
    boost::system::error_code error;
    (void)asio::ip::make_address(host, error);
    return !error;
}

// One open connection to an endpoint.
struct Connection {
    Endpoint endpoint;
    std::unique_ptr<PlainStream> plain;
    std::unique_ptr<TlsStream> tls;
    beast::flat_buffer buffer;
    bool used = false;  // has carried a request: a failure may mean the server closed it meanwhile

    PlainStream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }

    // Whether the server has closed the connection (or sent something unasked, which leaves it in
    // an unknown state): a peek that finds end-of-stream or data.
    [[nodiscard]] bool looks_closed() {
        char byte = 0;
        const ssize_t n = ::recv(lowest().socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK;
        return true;
    }
};

}  // namespace

class HttpClient::Impl {
public:
    Impl(ConnectionOptions options, asio::ssl::context tls_context)
        : options_(std::move(options)), tls_context_(std::move(tls_context)) {}

    // One request and its response, connecting first if needed, all within one -t deadline.
    Result<HttpResponse> exchange(const Endpoint& endpoint, const HttpRequest& request) {
        deadline_ = std::chrono::steady_clock::now() +
                    std::chrono::duration_cast<std::chrono::steady_clock::duration>(options_.http_timeout);
        Result<Connection*> connection = connection_to(endpoint);
        if (!connection) return connection.error();
        const bool reused = (*connection)->used;
        Result<HttpResponse> response = exchange_on(**connection, request);
        if (response || !reused || !is_idempotent(request.method)) return response;
        // The server may have closed the kept-alive connection just as we sent: try a new one once.
        connections_.erase(key(endpoint));
        connection = connection_to(endpoint);
        if (!connection) return connection.error();
        return exchange_on(**connection, request);
    }

private:
    static std::string key(const Endpoint& endpoint) { return endpoint.scheme + "://" + endpoint.authority(); }

    void set_deadline(PlainStream& stream) const {
        if (options_.http_timeout.count() == 0) {
            stream.expires_never();
        } else {
            stream.expires_at(deadline_);
        }
    }

    // Runs one asynchronous operation to completion and returns its outcome.
    template <typename Start>
    boost::system::error_code run(Start&& start) {
        boost::system::error_code outcome = asio::error::would_block;
        std::forward<Start>(start)([&outcome](boost::system::error_code error, auto&&...) { outcome = error; });
        io_.restart();
        io_.run();
        return outcome;
    }

    Error network_error(const Endpoint& endpoint, std::string_view step, boost::system::error_code error) const {
        if (error == beast::error::timeout) {
            return Error(ErrorCode::timeout, std::string(step) + " " + endpoint.authority() + ": timed out after " +
                                                 http::format_go_duration(options_.http_timeout));
        }
        const ErrorCode code = error == asio::error::connection_refused ? connection_refused_code : ErrorCode::io;
        return Error(code, std::string(step) + " " + endpoint.authority() + ": " + error.message());
    }

    Result<Connection*> connection_to(const Endpoint& endpoint) {
        const std::string name = key(endpoint);
        if (auto found = connections_.find(name); found != connections_.end()) {
            if (!found->second->looks_closed()) return found->second.get();
            connections_.erase(found);
        }
        if (connections_.size() >= connections_max) connections_.clear();
        Result<std::unique_ptr<Connection>> opened = open(endpoint);
        if (!opened) return opened.error();
        Connection* connection = opened->get();
        connections_[name] = std::move(*opened);
        return connection;
    }

    Result<std::unique_ptr<Connection>> open(const Endpoint& endpoint) {
        boost::system::error_code error;
        tcp::resolver resolver(io_);
        const tcp::resolver::results_type addresses = resolver.resolve(endpoint.host, std::to_string(endpoint.port), error);
        if (error) return network_error(endpoint, "resolve", error);
        auto connection = std::make_unique<Connection>();
        connection->endpoint = endpoint;
        if (endpoint.scheme == "https") {
            connection->tls = std::make_unique<TlsStream>(io_, tls_context_);
        } else {
            connection->plain = std::make_unique<PlainStream>(io_);
        }
        PlainStream& stream = connection->lowest();
        set_deadline(stream);
        error = run([&](auto handler) { stream.async_connect(addresses, std::move(handler)); });
        if (error) return network_error(endpoint, "connect to", error);
        if (connection->tls) {
            RQ_TRY_STATUS(handshake(*connection->tls, endpoint), "TLS handshake with " + endpoint.authority());
        }
        return connection;
    }

    Status handshake(TlsStream& stream, const Endpoint& endpoint) {
        // Server name indication, as Go sends it: for names, not for IP addresses.
        // (SSL_set_tlsext_host_name is a macro with a C cast; this is what it expands to.)
        if (!is_ip_literal(endpoint.host) &&
            SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                     const_cast<char*>(endpoint.host.c_str())) != 1) {
            return Error(ErrorCode::internal, "cannot set the server name");
        }
        if (!options_.insecure) stream.set_verify_callback(asio::ssl::host_name_verification(endpoint.host));
        set_deadline(beast::get_lowest_layer(stream));
        const boost::system::error_code error =
            run([&](auto handler) { stream.async_handshake(asio::ssl::stream_base::client, std::move(handler)); });
        if (error == beast::error::timeout) return network_error(endpoint, "handshake with", error);
        if (error) return Error(ErrorCode::io, error.message());
        return ok_status();
    }

    bhttp::request<bhttp::string_body> make_request(const Connection& connection, const HttpRequest& request) const {
        bhttp::request<bhttp::string_body> out;
        out.method_string(request.method);
        out.target(request.target);
        out.version(11);
        out.set(bhttp::field::host, connection.endpoint.authority());
        out.set(bhttp::field::user_agent, "rqlite-cpp-shell");
        if (options_.has_credentials) {
            out.set(bhttp::field::authorization, "Basic " + base64_encode(options_.user + ":" + options_.password));
        }
        if (!request.content_type.empty()) out.set(bhttp::field::content_type, request.content_type);
        out.body() = request.body;
        out.prepare_payload();
        return out;
    }

    template <typename Stream>
    Result<HttpResponse> exchange_on_stream(Stream& stream, Connection& connection, const HttpRequest& request) {
        const Endpoint endpoint = connection.endpoint;
        bhttp::request<bhttp::string_body> message = make_request(connection, request);
        set_deadline(connection.lowest());
        boost::system::error_code error =
            run([&](auto handler) { bhttp::async_write(stream, message, std::move(handler)); });
        if (error) return network_error(endpoint, "send to", error);
        bhttp::response_parser<bhttp::string_body> parser;
        parser.body_limit(response_bytes_max);
        parser.header_limit(response_header_bytes_max);
        set_deadline(connection.lowest());
        error = run([&](auto handler) { bhttp::async_read(stream, connection.buffer, parser, std::move(handler)); });
        if (error) return network_error(endpoint, "read from", error);
        bhttp::response<bhttp::string_body> received = parser.release();
        HttpResponse response;
        response.status = received.result_int();
        response.reason = std::string(received.reason());
        for (const auto& field : received) response.headers.emplace_back(field.name_string(), field.value());
        response.body = std::move(received.body());
        connection.used = true;
        if (!received.keep_alive()) connections_.erase(key(endpoint));  // destroys `connection`
        return response;
    }

    Result<HttpResponse> exchange_on(Connection& connection, const HttpRequest& request) {
        const Endpoint endpoint = connection.endpoint;
        Result<HttpResponse> response = connection.tls ? exchange_on_stream(*connection.tls, connection, request)
                                                       : exchange_on_stream(*connection.plain, connection, request);
        if (!response) connections_.erase(key(endpoint));  // a failed exchange leaves the stream unusable
        return response;
    }

    ConnectionOptions options_;
    std::chrono::steady_clock::time_point deadline_;  // of the exchange in progress
    asio::io_context io_;
    asio::ssl::context tls_context_;
    std::map<std::string, std::unique_ptr<Connection>> connections_;
};

namespace {

// OpenSSL's own message for a missing file is often just "asio.ssl error": say what is wrong.
Status check_readable(const std::string& path, const std::string& what) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) return Error(ErrorCode::invalid_argument, what + " " + path + ": " + std::strerror(errno));
    std::fclose(file);
    return ok_status();
}

Result<asio::ssl::context> make_tls_context(const ConnectionOptions& options) {
    asio::ssl::context context(asio::ssl::context::tls_client);
    boost::system::error_code error;
    if (options.insecure) {
        context.set_verify_mode(asio::ssl::verify_none, error);
    } else {
        context.set_verify_mode(asio::ssl::verify_peer, error);
        if (!error) {
            if (options.ca_cert_path.empty()) {
                context.set_default_verify_paths(error);
            } else {
                RQ_TRY_STATUS(check_readable(options.ca_cert_path, "CA certificate"), "TLS setup");
                context.load_verify_file(options.ca_cert_path, error);
                if (error) return Error(ErrorCode::invalid_argument, "CA certificate " + options.ca_cert_path + ": " + error.message());
            }
        }
    }
    if (error) return Error(ErrorCode::internal, "TLS setup: " + error.message());
    if (!options.client_cert_path.empty() || !options.client_key_path.empty()) {
        if (options.client_cert_path.empty() || options.client_key_path.empty()) {
            return Error(ErrorCode::invalid_argument, "mutual TLS needs both --client-cert and --client-key");
        }
        RQ_TRY_STATUS(check_readable(options.client_cert_path, "client certificate"), "TLS setup");
        RQ_TRY_STATUS(check_readable(options.client_key_path, "client key"), "TLS setup");
        context.use_certificate_chain_file(options.client_cert_path, error);
        if (error) return Error(ErrorCode::invalid_argument, "client certificate " + options.client_cert_path + ": " + error.message());
        context.use_private_key_file(options.client_key_path, asio::ssl::context::pem, error);
        if (error) return Error(ErrorCode::invalid_argument, "client key " + options.client_key_path + ": " + error.message());
    }
    return context;
}

Result<std::vector<Endpoint>> host_list(const ConnectionOptions& options) {
    std::vector<Endpoint> hosts{{options.scheme, options.host, options.port}};
    for (const std::string& alternative : options.alternatives) {
        Result<HostAddress> address = parse_host_address(alternative);
        if (!address) return address.error().with_context("alternative host");
        hosts.push_back({options.scheme, address->host, address->port});
    }
    return hosts;
}

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (key.size() == name.size() && ::strncasecmp(key.data(), name.data(), name.size()) == 0) return value;
    }
    return {};
}

std::string HttpResponse::status_line() const { return std::to_string(status) + " " + reason; }

Result<std::unique_ptr<HttpClient>> HttpClient::create(const ConnectionOptions& options) {
    Result<asio::ssl::context> tls_context = make_tls_context(options);
    if (!tls_context) return tls_context.error();
    Result<std::vector<Endpoint>> hosts = host_list(options);
    if (!hosts) return hosts.error();
    auto impl = std::make_unique<Impl>(options, std::move(*tls_context));
    return std::unique_ptr<HttpClient>(new HttpClient(std::move(impl), std::move(*hosts), options.prefix));
}

HttpClient::HttpClient(std::unique_ptr<Impl> impl, std::vector<Endpoint> hosts, std::string prefix)
    : impl_(std::move(impl)), hosts_(std::move(hosts)), prefix_(std::move(prefix)) {}

HttpClient::~HttpClient() = default;

std::string HttpClient::current_host() const { return hosts_[current_].authority(); }

Result<HttpResponse> HttpClient::send(const HttpRequest& request) {
    std::optional<Error> last_error;
    for (std::size_t tried = 0; tried < hosts_.size(); ++tried) {
        const Endpoint& endpoint = hosts_[current_];
        Result<HttpResponse> response = send_following_redirects(endpoint, request);
        if (response) return response;
        if (hosts_.size() == 1) return response.error();
        std::fprintf(stderr, "[client] host '%s' is unavailable (%s), retrying with the next available host\n",
                     endpoint.authority().c_str(), response.error().message().c_str());
        last_error = response.error();
        current_ = (current_ + 1) % hosts_.size();
    }
    return Error(last_error ? last_error->code() : ErrorCode::io, "no host available to perform the request");
}

Result<HttpResponse> HttpClient::send_following_redirects(const Endpoint& endpoint, const HttpRequest& request) {
    Endpoint target_endpoint = endpoint;
    HttpRequest current = request;
    for (int redirects = 0;; ++redirects) {
        Result<HttpResponse> response = impl_->exchange(target_endpoint, current);
        if (!response || response->status != 301) return response;
        if (redirects == redirects_max) return Error(ErrorCode::io, "maximum leader redirect limit exceeded");
        const std::string location = response->header("Location");
        if (!location.empty() && location.front() == '/') {
            current.target = location;
            continue;
        }
        Result<Url> next = parse_url(location);
        if (!next) return next.error().with_context("redirect");
        target_endpoint = next->endpoint;
        current.target = next->target;
    }
}

Result<HttpResponse> HttpClient::send_direct(const Url& url, HttpRequest request) {
    request.target = url.target;
    return impl_->exchange(url.endpoint, request);
}

}  // namespace rq::shell
