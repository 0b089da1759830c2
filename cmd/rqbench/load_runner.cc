#include "cmd/rqbench/load_runner.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>

#include <memory>
#include <vector>

#include "cmd/rqbench/response_check.h"

namespace rq::rqbench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

namespace {

// A refused or failed connect is retried after this pause, so a server that is down costs a few
// hundred attempts a second, not a busy loop.
constexpr auto kReconnectPause = std::chrono::milliseconds(10);

// What the clients share: who sends next, and the tally.
class LoadRun {
public:
    LoadRun(const LoadSettings& settings, const Workload& workload, tcp::resolver::results_type endpoints,
            ProgressPrinter progress)
        : settings_(settings), workload_(workload), endpoints_(std::move(endpoints)), progress_(std::move(progress)) {}

    void start(std::uint32_t clients) {
        started_ = SteadyClock::now();
        if (settings_.duration) deadline_ = started_ + *settings_.duration;
        running_clients_ = clients;
    }

    // The sequence number of the caller's next request, or nullopt when the run is over.
    std::optional<std::uint64_t> take_ticket() {
        if (settings_.duration ? SteadyClock::now() >= deadline_ : issued_ >= settings_.requests) return std::nullopt;
        return issued_++;
    }

    void record_reply(unsigned status, std::string_view body, SteadyClock::duration latency) {
        const Verdict verdict = checker_.check(status, body);
        switch (verdict.outcome) {
            case Outcome::ok:
                ++result_.ok;
                result_.latency.record(static_cast<std::uint64_t>(
                    std::chrono::duration_cast<std::chrono::nanoseconds>(latency).count()));
                break;
            case Outcome::http_status:
                ++result_.errors.http_status;
                ++result_.error_statuses[status];
                break;
            case Outcome::sql_error: ++result_.errors.sql; break;
            case Outcome::bad_response: ++result_.errors.bad_response; break;
        }
        if (verdict.outcome != Outcome::ok) remember_error(verdict.message);
        finish_request();
    }

    void record_transport_error(const std::string& message) {
        ++result_.errors.transport;
        remember_error(message);
        finish_request();
    }

    void count_connection() { ++result_.connections; }

    void client_finished() {
        if (--running_clients_ == 0) result_.elapsed = SteadyClock::now() - started_;
    }

    [[nodiscard]] const LoadSettings& settings() const { return settings_; }
    [[nodiscard]] const Workload& workload() const { return workload_; }
    [[nodiscard]] const tcp::resolver::results_type& endpoints() const { return endpoints_; }
    LoadResult take_result() { return std::move(result_); }

private:
    void remember_error(const std::string& message) {
        if (result_.first_error.empty()) result_.first_error = message;
    }

    void finish_request() {
        ++result_.requests;
        if (settings_.progress_every != 0 && progress_ && result_.requests % settings_.progress_every == 0) {
            progress_(result_.requests, SteadyClock::now() - started_);
        }
    }

    const LoadSettings& settings_;
    const Workload& workload_;
    tcp::resolver::results_type endpoints_;
    ProgressPrinter progress_;
    ResponseChecker checker_;
    SteadyClock::time_point started_;
    SteadyClock::time_point deadline_;
    std::uint64_t issued_ = 0;
    std::uint32_t running_clients_ = 0;
    LoadResult result_;
};

// One keep-alive connection sending one request at a time.
class Client : public std::enable_shared_from_this<Client> {
public:
    Client(asio::io_context& io, LoadRun& run) : stream_(io), pause_(io), run_(run) {}

    void next() {
        const std::optional<std::uint64_t> ticket = run_.take_ticket();
        if (!ticket) {
            close();
            run_.client_finished();
            return;
        }
        sequence_ = *ticket;
        if (connected_) {
            send();
        } else {
            connect();
        }
    }

private:
    void connect() {
        stream_.expires_after(run_.settings().request_timeout);
        stream_.async_connect(run_.endpoints(), [self = shared_from_this()](beast::error_code error, const tcp::endpoint&) {
            self->on_connect(error);
        });
    }

    void on_connect(beast::error_code error) {
        if (error) {
            fail("connect", error);
            pause_.expires_after(kReconnectPause);
            pause_.async_wait([self = shared_from_this()](beast::error_code) { self->next(); });
            return;
        }
        connected_ = true;
        run_.count_connection();
        beast::error_code ignored;
        stream_.socket().set_option(tcp::no_delay(true), ignored);
        send();
    }

    void send() {
        request_ = make_post(run_.settings().endpoint, run_.settings().target, run_.workload().body(sequence_));
        parser_.emplace();
        parser_->body_limit(kResponseBytesMax);
        sent_at_ = SteadyClock::now();
        stream_.expires_after(run_.settings().request_timeout);
        bhttp::async_write(stream_, request_, [self = shared_from_this()](beast::error_code error, std::size_t) {
            self->on_write(error);
        });
    }

    void on_write(beast::error_code error) {
        if (error) {
            fail("write", error);
            next();
            return;
        }
        bhttp::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code read_error, std::size_t) {
            self->on_read(read_error);
        });
    }

    void on_read(beast::error_code error) {
        if (error) {
            fail("read", error);
            next();
            return;
        }
        const auto latency = SteadyClock::now() - sent_at_;
        const auto& response = parser_->get();
        run_.record_reply(response.result_int(), response.body(), latency);
        if (!response.keep_alive()) close();
        next();
    }

    void fail(const char* stage, beast::error_code error) {
        const bool timed_out = error == beast::error::timeout;
        run_.record_transport_error(std::string(stage) + ": " + (timed_out ? "timed out" : error.message()));
        close();
    }

    void close() {
        beast::error_code ignored;
        if (connected_) stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream_.close();
        buffer_.clear();
        connected_ = false;
    }

    beast::tcp_stream stream_;
    asio::steady_timer pause_;
    LoadRun& run_;
    beast::flat_buffer buffer_;
    HttpRequest request_;
    std::optional<bhttp::response_parser<bhttp::string_body>> parser_;
    SteadyClock::time_point sent_at_;
    std::uint64_t sequence_ = 0;
    bool connected_ = false;
};

}  // namespace

Result<LoadResult> run_load(const LoadSettings& settings, const Workload& workload, ProgressPrinter progress) {
    asio::io_context io;
    Result<tcp::resolver::results_type> endpoints = resolve(io, settings.endpoint);
    if (!endpoints.ok()) return endpoints.error();
    LoadRun run(settings, workload, std::move(*endpoints), std::move(progress));
    std::vector<std::shared_ptr<Client>> clients;
    for (std::uint32_t i = 0; i < settings.clients; ++i) clients.push_back(std::make_shared<Client>(io, run));
    run.start(settings.clients);
    for (const auto& client : clients) client->next();
    clients.clear();  // the pending operations keep each client alive until it finishes
    io.run();
    return run.take_result();
}

}  // namespace rq::rqbench
