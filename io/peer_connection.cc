#include "io/peer_connection.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "io/peer_address.h"
#include "io/peer_log.h"

namespace rq::io {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

asio::steady_timer::duration timer_duration(env::Duration duration) {
    return std::chrono::duration_cast<asio::steady_timer::duration>(duration);
}

std::string millis(env::Duration duration) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(duration).count()) + " ms";
}

}  // namespace

PeerConnection::PeerConnection(asio::io_context& io, Direction direction, std::string peer_key,
                               const PeerConnectionSettings& settings, PeerConnectionOwner* owner,
                               std::shared_ptr<bool> alive)
    : socket_(io),
      resolver_(io),
      handshake_timer_(io),
      ping_timer_(io),
      direction_(direction),
      peer_key_(std::move(peer_key)),
      settings_(settings),
      owner_(owner),
      alive_(std::move(alive)) {}

void PeerConnection::dial(const std::string& address) {
    arm_handshake_timer();
    auto host_port = split_host_port(address);
    if (!host_port.ok()) {
        // Reported from the loop, as every other outcome of a dial is.
        asio::post(socket_.get_executor(), [self = shared_from_this(), error = host_port.error()] {
            if (self->active()) self->close(error.message());
        });
        return;
    }
    resolver_.async_resolve(
        host_port->host, std::to_string(host_port->port),
        [self = shared_from_this(), address](const error_code& error, asio::ip::tcp::resolver::results_type results) {
            if (!self->active()) return;
            if (error) return self->close("resolve " + address + ": " + error.message());
            asio::async_connect(self->socket_, results,
                                [self, address](const error_code& connect_error, const asio::ip::tcp::endpoint&) {
                                    if (!self->active()) return;
                                    if (connect_error) {
                                        return self->close("connect to " + address + ": " + connect_error.message());
                                    }
                                    self->start();
                                });
        });
}

void PeerConnection::accept(asio::ip::tcp::socket socket) {
    socket_ = std::move(socket);
    arm_handshake_timer();
    start();
}

void PeerConnection::start() {
    error_code ignored;
    socket_.set_option(asio::ip::tcp::no_delay(true), ignored);  // Raft messages are latency-bound
    last_received_ = Clock::now();
    send(encode_frame(settings_.own_hello));
    read_header();
}

void PeerConnection::arm_handshake_timer() {
    handshake_timer_.expires_after(timer_duration(settings_.handshake_timeout));
    handshake_timer_.async_wait([self = shared_from_this()](const error_code& error) {
        if (error || !self->active() || self->established_) return;
        self->close("no connection and hello exchange within " + millis(self->settings_.handshake_timeout));
    });
}

void PeerConnection::arm_ping_timer() {
    ping_timer_.expires_after(timer_duration(settings_.ping_interval));
    ping_timer_.async_wait([self = shared_from_this()](const error_code& error) {
        if (error || !self->active()) return;
        self->on_ping_timer();
    });
}

void PeerConnection::on_ping_timer() {
    // TCP alone does not notice a peer that vanished without a FIN or RST (a pulled cable, a frozen
    // process): silence for idle_timeout, despite our pings, is taken as such a half-open link.
    const auto silent = Clock::now() - last_received_;
    if (silent >= settings_.idle_timeout) {
        return close("nothing received for " + millis(silent) + " (idle timeout " + millis(settings_.idle_timeout) +
                     "; peer gone or stuck)");
    }
    if (can_send() && !retiring_) send(encode_frame(Ping{++ping_nonce_}));
    arm_ping_timer();
}

void PeerConnection::read_header() {
    asio::async_read(socket_, asio::buffer(header_),
                     [self = shared_from_this()](const error_code& error, std::size_t bytes) {
                         if (!self->active()) return;
                         if (error) {
                             std::string foreign = describe_foreign_bytes(std::string_view(self->header_.data(), bytes));
                             if (!foreign.empty()) return self->close(foreign);
                             if (error == asio::error::eof && bytes == 0) return self->on_remote_finished();
                             return self->close("read: " + error.message());
                         }
                         auto header = parse_frame_header(std::string_view(self->header_.data(), bytes),
                                                          self->settings_.max_frame_bytes);
                         if (!header.ok()) return self->close(header.error().message());
                         self->read_payload(*header);
                     });
}

void PeerConnection::read_payload(FrameHeader header) {
    payload_.resize(header.payload_bytes);
    asio::async_read(socket_, asio::buffer(payload_), [self = shared_from_this(), header](const error_code& error, std::size_t) {
        if (!self->active()) return;
        if (error) return self->close("read: " + error.message());
        auto frame = decode_frame_body(header, self->payload_);
        if (!frame.ok()) return self->close(frame.error().message());
        self->handle_frame(std::move(*frame));
        if (self->active()) self->read_header();
    });
}

void PeerConnection::handle_frame(PeerFrame frame) {
    last_received_ = Clock::now();
    if (!established_) {
        if (const auto* hello = std::get_if<Hello>(&frame)) return handle_hello(*hello);
        return close(std::string("expected a hello, got a ") + frame_kind_name(frame));
    }
    if (std::holds_alternative<Hello>(frame)) return close("a second hello");
    if (const auto* ping = std::get_if<Ping>(&frame)) {
        if (can_send()) send(encode_frame(Pong{ping->nonce}));
        return;
    }
    if (std::holds_alternative<Pong>(frame)) return;  // its arrival already proved the peer alive
    owner_->on_frame(shared_from_this(), std::move(frame));
}

void PeerConnection::handle_hello(const Hello& hello) {
    if (hello.protocol_version != peer_protocol_version) {
        return close("peer " + hello.node_id + " speaks protocol version " + std::to_string(hello.protocol_version) +
                     ", this node " + std::to_string(peer_protocol_version));
    }
    remote_ = hello;
    established_ = true;
    handshake_timer_.cancel();
    arm_ping_timer();
    owner_->on_established(shared_from_this());
    if (active()) write_pending();
}

void PeerConnection::send(std::string frame) {
    own_queue_.push_back(std::move(frame));
    write_pending();
}

void PeerConnection::wake() { write_pending(); }

void PeerConnection::write_pending() {
    if (writing_ || !can_send()) return;
    // Before the hello exchange only our hello goes out; the peer's queue waits for the connection to
    // be known as the one that carries it.
    std::vector<std::string> frames = std::move(own_queue_);
    own_queue_.clear();
    if (established_ && !retiring_) {
        for (auto& frame : owner_->take_frames(*this)) frames.push_back(std::move(frame));
    }
    if (frames.empty()) {
        if (retiring_) {
            error_code ignored;
            socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
            send_shut_ = true;
            if (remote_finished_) close("retired");
        }
        return;
    }
    in_flight_ = std::move(frames);
    std::vector<asio::const_buffer> buffers;
    buffers.reserve(in_flight_.size());
    for (const auto& frame : in_flight_) buffers.emplace_back(asio::buffer(frame));
    writing_ = true;
    asio::async_write(socket_, buffers, [self = shared_from_this()](const error_code& error, std::size_t) {
        self->on_written(error);
    });
}

void PeerConnection::on_written(const error_code& error) {
    writing_ = false;
    if (!active()) return;
    if (error) return close("write: " + error.message());
    const std::size_t count = in_flight_.size();
    in_flight_.clear();
    owner_->on_frames_sent(count);
    if (active()) write_pending();
}

void PeerConnection::on_remote_finished() {
    // The remote half-closed. A retiring connection waits for its own writes to finish first.
    if (!retiring_) return close("closed by the peer");
    remote_finished_ = true;
    if (send_shut_) close("retired");
}

void PeerConnection::retire() {
    retiring_ = true;
    write_pending();
}

void PeerConnection::close(const std::string& reason) {
    if (!open_) return;
    abort();
    if (*alive_) owner_->on_closed(shared_from_this(), reason);
}

void PeerConnection::abort() {
    open_ = false;
    handshake_timer_.cancel();
    ping_timer_.cancel();
    resolver_.cancel();
    error_code ignored;
    socket_.close(ignored);
}

}  // namespace rq::io
