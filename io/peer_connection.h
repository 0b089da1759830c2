#pragma once
// One TCP connection of the node-to-node network (io/peer_network.h): the hello exchange, reading
// and checking frames, batched writes, pings, and the idle timeout that detects a half-open link.
// It knows nothing of peers or queues: PeerNetwork's Impl decides which connection carries what, and
// hears about everything through PeerConnectionOwner.
//
// Lifetime: held by shared_ptr; every pending handler holds one, so the socket outlives its
// operations. The owner's pointer is used only while `alive` is true, so the network may be destroyed
// with handlers still queued.

// Boost 1.74's asio needs <utility> before it under C++20.
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "env/clock.h"
#include "io/peer_codec.h"
#include "io/peer_frame.h"

namespace rq::io {

class PeerConnection;

class PeerConnectionOwner {
public:
    // The remote's hello arrived (version already checked).
    virtual void on_established(const std::shared_ptr<PeerConnection>& connection) = 0;
    // A frame after the hello, other than ping and pong.
    virtual void on_frame(const std::shared_ptr<PeerConnection>& connection, PeerFrame frame) = 0;
    // The connection is closed; `reason` is for people.
    virtual void on_closed(const std::shared_ptr<PeerConnection>& connection, const std::string& reason) = 0;
    // Encoded frames the connection may write now: its peer's send queue, if it carries that peer.
    virtual std::vector<std::string> take_frames(const PeerConnection& connection) = 0;
    // A write completed: `count` frames left.
    virtual void on_frames_sent(std::size_t count) = 0;

protected:
    ~PeerConnectionOwner() = default;
};

struct PeerConnectionSettings {
    Hello own_hello;
    std::uint32_t max_frame_bytes = 0;
    env::Duration handshake_timeout{};  // connect and hello exchange
    env::Duration ping_interval{};
    env::Duration idle_timeout{};
};

class PeerConnection : public std::enable_shared_from_this<PeerConnection> {
public:
    enum class Direction { outbound, inbound };

    PeerConnection(boost::asio::io_context& io, Direction direction, std::string peer_key,
                   const PeerConnectionSettings& settings, PeerConnectionOwner* owner, std::shared_ptr<bool> alive);

    // Outbound: resolves and connects to `address` (host:port), then starts.
    void dial(const std::string& address);
    // Inbound: takes an accepted socket and starts.
    void accept(boost::asio::ip::tcp::socket socket);

    // Queues a frame of this connection's own (a reply) and writes when the socket is free.
    void send(std::string frame);
    // The owner has frames for this connection: write them if no write is in progress.
    void wake();
    // Gracefully leave: stop carrying the peer's queue, finish writing, half-close, and read what the
    // remote still sends until it half-closes too (so no frame in flight is lost).
    void retire();
    // Closes now without telling the owner (the owner is stopping).
    void abort();

    [[nodiscard]] Direction direction() const { return direction_; }
    [[nodiscard]] bool established() const { return established_; }
    [[nodiscard]] bool retiring() const { return retiring_; }
    [[nodiscard]] bool can_send() const { return open_ && !send_shut_; }
    [[nodiscard]] const Hello& remote() const { return remote_; }
    // The address of the peer this connection belongs to: the one dialled, or the one the remote's
    // hello advertised. Set by the owner; empty for connections that carry no peer's queue.
    [[nodiscard]] const std::string& peer_key() const { return peer_key_; }
    void set_peer_key(std::string key) { peer_key_ = std::move(key); }

private:
    using Clock = std::chrono::steady_clock;

    void start();
    void arm_handshake_timer();
    void arm_ping_timer();
    void on_ping_timer();
    void read_header();
    void read_payload(FrameHeader header);
    void handle_frame(PeerFrame frame);
    void handle_hello(const Hello& hello);
    void write_pending();
    void on_written(const boost::system::error_code& error);
    void on_remote_finished();
    void close(const std::string& reason);
    [[nodiscard]] bool active() const { return open_ && *alive_; }

    boost::asio::ip::tcp::socket socket_;
    boost::asio::ip::tcp::resolver resolver_;
    boost::asio::steady_timer handshake_timer_;
    boost::asio::steady_timer ping_timer_;
    Direction direction_;
    std::string peer_key_;
    PeerConnectionSettings settings_;
    PeerConnectionOwner* owner_;
    std::shared_ptr<bool> alive_;

    Hello remote_;
    bool open_ = true;
    bool established_ = false;
    bool retiring_ = false;
    bool send_shut_ = false;
    bool remote_finished_ = false;  // read end of stream (while retiring)
    bool writing_ = false;
    std::uint64_t ping_nonce_ = 0;
    Clock::time_point last_received_ = Clock::now();

    std::array<char, frame_header_bytes> header_{};
    std::string payload_;
    std::vector<std::string> own_queue_;
    std::vector<std::string> in_flight_;
};

}  // namespace rq::io
