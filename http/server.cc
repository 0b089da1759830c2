#include "http/server.h"

#include "http/service_context.h"

#include <utility>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <ctime>
#include <optional>

namespace rq::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

// Go's net/http Date header: RFC 1123 in GMT.
std::string http_date() {
    const std::time_t now = std::time(nullptr);  // wall-clock: the Date header is a calendar time
    std::tm parts{};
    gmtime_r(&now, &parts);
    char buffer[64];
    const std::size_t length = std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &parts);
    return std::string(buffer, length);
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
    }
    return true;
}

}  // namespace

// One connection: read a request, hand it to the Service, write the answer, repeat while kept alive.
class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, std::shared_ptr<Server> server)
        : stream_(std::move(socket)), server_(std::move(server)) {
        server_->sessions_.insert(this);
    }
    ~Session() { server_->on_session_closed(this); }

    void start() { read_header(); }

    // Graceful stop: an idle connection closes now, a busy one after its response.
    void close_when_idle() {
        if (!busy_) {
            beast::error_code ignored;
            stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
            stream_.close();
        }
    }

private:
    void read_header();
    void on_header(beast::error_code error);
    void read_body();
    void on_body(beast::error_code error);
    void dispatch();
    void write(HttpResponse response);
    void on_write(beast::error_code error);
    // Answers a request the parser refused, then closes.
    void refuse(unsigned status, std::string message);
    void drain_then_close();
    void close();

    beast::tcp_stream stream_;
    std::shared_ptr<Server> server_;
    beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    std::optional<bhttp::response<bhttp::string_body>> response_;
    std::optional<bhttp::response<bhttp::empty_body>> continue_;
    std::array<char, 4096> drain_buffer_{};
    unsigned version_ = 11;
    bool keep_alive_ = true;
    bool busy_ = false;
    bool close_after_write_ = false;
};

void Session::read_header() {
    if (server_->stopping()) return close();
    parser_.emplace();
    parser_->body_limit(server_->options_.body_bytes_max);
    parser_->header_limit(server_->options_.header_bytes_max);
    stream_.expires_after(server_->options_.idle_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code error, std::size_t) { self->on_header(error); });
}

void Session::on_header(beast::error_code error) {
    if (error == bhttp::error::body_limit) {
        return refuse(413, "request body too large: the limit is " + std::to_string(server_->options_.body_bytes_max) +
                               " bytes");
    }
    if (error == bhttp::error::header_limit) return refuse(431, "request header fields too large");
    if (error == bhttp::error::end_of_stream || error == beast::error::timeout || error == asio::error::eof ||
        error == asio::error::operation_aborted || error == asio::error::connection_reset) {
        return close();
    }
    if (error) return refuse(400, "400 Bad Request");
    busy_ = true;
    const auto& request = parser_->get();
    if (equals_ignoring_case(std::string_view(request[bhttp::field::expect].data(), request[bhttp::field::expect].size()), "100-continue") && !parser_->is_done()) {
        continue_.emplace(bhttp::status::continue_, request.version());
        stream_.expires_after(server_->options_.write_timeout);
        bhttp::async_write(stream_, *continue_, [self = shared_from_this()](beast::error_code write_error, std::size_t) {
            if (write_error) return self->close();
            self->read_body();
        });
        return;
    }
    read_body();
}

void Session::read_body() {
    stream_.expires_after(server_->options_.read_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code error, std::size_t) { self->on_body(error); });
}

void Session::on_body(beast::error_code error) {
    if (error == bhttp::error::body_limit) {
        return refuse(413, "request body too large: the limit is " + std::to_string(server_->options_.body_bytes_max) +
                               " bytes");
    }
    if (error == beast::error::timeout || error == bhttp::error::end_of_stream || error == asio::error::eof ||
        error == bhttp::error::partial_message || error == asio::error::operation_aborted ||
        error == asio::error::connection_reset) {
        return close();  // the client went away or stalled mid-request: nobody to answer
    }
    if (error) return refuse(400, "400 Bad Request");
    dispatch();
}

void Session::dispatch() {
    bhttp::request<bhttp::string_body> request = parser_->release();
    version_ = request.version();
    keep_alive_ = request.keep_alive();
    HttpRequest http_request;
    http_request.method = std::string(request.method_string());
    http_request.target = std::string(request.target());
    http_request.content_type = std::string(request[bhttp::field::content_type]);
    http_request.authorization = std::string(request[bhttp::field::authorization]);
    http_request.body = std::move(request.body());
    stream_.expires_never();  // the engine decides how long a request may take
    server_->service_.handle(std::move(http_request), [self = shared_from_this()](HttpResponse response) {
        self->write(std::move(response));
    });
}

void Session::write(HttpResponse response) {
    response_.emplace(static_cast<bhttp::status>(response.status), version_);
    bhttp::response<bhttp::string_body>& out = *response_;
    for (auto& [name, value] : response.headers) out.insert(name, value);
    out.set(bhttp::field::date, http_date());
    out.body() = std::move(response.body);
    const bool keep_alive = keep_alive_ && !close_after_write_ && !server_->stopping();
    out.keep_alive(keep_alive);
    out.prepare_payload();
    stream_.expires_after(server_->options_.write_timeout);
    bhttp::async_write(stream_, out,
                       [self = shared_from_this()](beast::error_code error, std::size_t) { self->on_write(error); });
}

void Session::on_write(beast::error_code error) {
    busy_ = false;
    const bool keep_alive = response_ && response_->keep_alive();
    response_.reset();
    if (error) return close();
    if (close_after_write_) return drain_then_close();
    if (!keep_alive) return close();
    read_header();
}

void Session::refuse(unsigned status, std::string message) {
    busy_ = true;
    close_after_write_ = true;
    keep_alive_ = false;
    HttpResponse response = text_error(status, message);
    write(std::move(response));
}

// After refusing a request whose body is still arriving, read and discard for a while before
// closing: closing a socket with unread data makes the kernel send a reset, which can destroy the
// response before the client reads it.
void Session::drain_then_close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(5));
    stream_.async_read_some(asio::buffer(drain_buffer_), [self = shared_from_this()](beast::error_code error, std::size_t) {
        if (error) return self->close();
        self->drain_then_close();
    });
}

void Session::close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
}

Result<std::pair<std::string, std::string>> split_host_port(std::string_view address) {
    const auto invalid = [&](const char* why) {
        return Error(ErrorCode::invalid_argument, "address " + std::string(address) + ": " + why);
    };
    if (!address.empty() && address[0] == '[') {
        const std::size_t close = address.find(']');
        if (close == std::string_view::npos) return invalid("missing ']' in address");
        if (close + 1 >= address.size() || address[close + 1] != ':') return invalid("missing port in address");
        return std::make_pair(std::string(address.substr(1, close - 1)), std::string(address.substr(close + 2)));
    }
    const std::size_t colon = address.rfind(':');
    if (colon == std::string_view::npos) return invalid("missing port in address");
    if (address.substr(0, colon).find(':') != std::string_view::npos) return invalid("too many colons in address");
    return std::make_pair(std::string(address.substr(0, colon)), std::string(address.substr(colon + 1)));
}

Server::Server(asio::io_context& io, Service& service, ServerOptions options)
    : io_(io), service_(service), options_(std::move(options)), acceptor_(io) {}

Server::~Server() = default;

Result<std::shared_ptr<Server>> Server::start(asio::io_context& io, Service& service, ServerOptions options) {
    auto host_port = split_host_port(options.address);
    if (!host_port.ok()) return host_port.error();
    auto [host, port] = std::move(host_port).value();
    std::shared_ptr<Server> server(new Server(io, service, std::move(options)));
    beast::error_code error;
    tcp::resolver resolver(io);
    const auto endpoints = resolver.resolve(host.empty() ? "0.0.0.0" : host, port, error);
    if (error) return Error(ErrorCode::invalid_argument, "resolve " + host + ":" + port + ": " + error.message());
    // Prefer an IPv4 address for names such as "localhost", as Go's net.Listen does.
    tcp::endpoint endpoint = endpoints.begin()->endpoint();
    for (const auto& entry : endpoints) {
        if (entry.endpoint().address().is_v4()) {
            endpoint = entry.endpoint();
            break;
        }
    }
    auto& acceptor = server->acceptor_;
    acceptor.open(endpoint.protocol(), error);
    if (!error) acceptor.set_option(asio::socket_base::reuse_address(true), error);
    if (!error) acceptor.bind(endpoint, error);
    if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
    if (error) return Error(ErrorCode::io, "listen on " + server->options_.address + ": " + error.message());
    server->port_ = acceptor.local_endpoint().port();
    server->accept();
    return server;
}

std::string Server::bound_address() const {
    beast::error_code error;
    const tcp::endpoint endpoint = acceptor_.local_endpoint(error);
    if (error) return {};
    return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

void Server::accept() {
    if (stopping_ || accepting_ || io_.stopped() || sessions_.size() >= options_.connections_max) return;
    accepting_ = true;
    acceptor_.async_accept([self = shared_from_this()](beast::error_code error, tcp::socket socket) {
        self->on_accept(error, std::move(socket));
    });
}

void Server::on_accept(boost::system::error_code error, tcp::socket socket) {
    accepting_ = false;
    if (stopping_) return;
    if (!error) {
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        std::make_shared<Session>(std::move(socket), shared_from_this())->start();
    }
    accept();
}

void Server::on_session_closed(Session* session) {
    sessions_.erase(session);
    if (stopping_) return maybe_finish_stop();
    accept();  // resumes accepting if the connection limit had paused it
}

void Server::stop(std::function<void()> stopped) {
    stopped_ = std::move(stopped);
    if (stopping_) return;
    stopping_ = true;
    beast::error_code ignored;
    acceptor_.close(ignored);
    const std::vector<Session*> open(sessions_.begin(), sessions_.end());
    for (Session* session : open) session->close_when_idle();
    maybe_finish_stop();
}

void Server::maybe_finish_stop() {
    if (!sessions_.empty() || !stopped_) return;
    asio::post(io_, std::move(stopped_));
    stopped_ = nullptr;
}

TimerToken AsioScheduler::after(env::Duration delay, std::function<void()> task) {
    auto cancelled = std::make_shared<bool>(false);
    auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::duration_cast<asio::steady_timer::duration>(delay));
    timer->async_wait([timer, cancelled, task = std::move(task)](const boost::system::error_code& error) {
        if (!error && !*cancelled) task();
    });
    return TimerToken(cancelled);
}

}  // namespace rq::http
