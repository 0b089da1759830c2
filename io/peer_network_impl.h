#pragma once
// Internal to io/peer_network.cc: the state behind PeerNetwork. See peer_network.h for the behaviour.
//
// A Peer is an address we talk to, with its send queue. Its queue is carried by at most one
// established connection (`active`), whichever side dialled it; our own dial to it is `dialling`
// until its hello arrives. Queues therefore survive reconnections and tie-breaks unchanged.

// Boost 1.74's asio needs <utility> before it under C++20.
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "io/peer_connection.h"
#include "io/peer_network.h"

namespace rq::io {

struct Peer {
    explicit Peer(boost::asio::io_context& io, std::string peer_address)
        : address(std::move(peer_address)), redial_timer(io) {}

    std::string address;
    std::shared_ptr<PeerConnection> active;
    std::shared_ptr<PeerConnection> dialling;

    // The send queue: Raft messages are encoded when a write takes them, so that everything queued
    // meanwhile goes out as one batch frame.
    std::vector<raft::Message> raft_queue;
    std::vector<std::pair<std::uint64_t, std::string>> call_frames;  // call id, encoded request
    std::vector<std::string> reply_frames;  // answers whose request's connection has gone
    std::uint64_t queued_bytes = 0;

    env::Duration backoff{};
    boost::asio::steady_timer redial_timer;
    bool backing_off = false;
    unsigned failed_dials = 0;  // since the last success, to log the first failure loudly and not the rest
};

struct PendingCall {
    std::string address;
    std::function<void(Result<ClusterResponse>)> done;
    std::unique_ptr<boost::asio::steady_timer> timer;
};

class PeerNetwork::Impl final : public PeerConnectionOwner {
public:
    Impl(boost::asio::io_context& io, PeerNetworkOptions options);
    ~Impl();

    Status listen();
    void send(raft::Message message);
    void call(const std::string& address, ClusterRequest request, env::Duration timeout,
              std::function<void(Result<ClusterResponse>)> done);
    void stop();

    // PeerConnectionOwner
    void on_established(const std::shared_ptr<PeerConnection>& connection) override;
    void on_frame(const std::shared_ptr<PeerConnection>& connection, PeerFrame frame) override;
    void on_closed(const std::shared_ptr<PeerConnection>& connection, const std::string& reason) override;
    std::vector<std::string> take_frames(const PeerConnection& connection) override;
    void on_frames_sent(std::size_t count) override { stats.sent_frames += count; }

    boost::asio::io_context& io;
    PeerNetworkOptions options;
    std::uint16_t bound_port = 0;
    std::string advertised;
    RaftHandler raft_handler;
    ClusterHandler cluster_handler;
    std::unordered_map<raft::NodeId, std::string> explicit_addresses;  // set_peer_address
    std::unordered_map<raft::NodeId, std::string> learnt_addresses;    // from hellos
    PeerNetworkStats stats;

private:
    void accept_next();
    [[nodiscard]] PeerConnectionSettings connection_settings() const;
    [[nodiscard]] const std::string* address_of(raft::NodeId id) const;
    Peer& peer_at(const std::string& address);
    [[nodiscard]] Peer* find_peer(const std::string& address);
    void connect(Peer& peer, bool now);
    void dial(Peer& peer);
    void adopt(Peer& peer, const std::shared_ptr<PeerConnection>& connection);
    void on_dial_failed(Peer& peer, const std::string& reason);
    void on_connection_lost(Peer& peer, const std::string& reason);
    void wake(Peer& peer);
    void serve_request(const std::shared_ptr<PeerConnection>& connection, CallRequest call);
    void deliver_raft(RaftBatch batch);
    void append_raft_batches(Peer& peer, std::vector<std::string>& frames);
    void finish_call(std::uint64_t call_id, Result<ClusterResponse> result);
    void fail_calls_to(std::string address, const Error& error);

    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer accept_pause_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    bool stopped_ = false;
    std::map<std::string, std::unique_ptr<Peer>> peers_;
    std::set<std::shared_ptr<PeerConnection>> connections_;
    std::map<std::uint64_t, PendingCall> calls_;
    std::uint64_t next_call_id_ = 1;
};

}  // namespace rq::io
