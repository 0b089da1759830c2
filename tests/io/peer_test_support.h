#pragma once
// Loopback helpers for the PeerNetwork tests: nodes on 127.0.0.1 with an ephemeral port and short
// timeouts, a loop runner that stops as soon as a condition holds, and raw TCP servers that
// misbehave in chosen ways.

// Boost 1.74's asio needs <utility> before it under C++20.
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "io/peer_network.h"

namespace rq::io::testing {

using namespace std::chrono_literals;

// Runs the loop until `done` holds or `cap` passes; returns whether `done` held.
bool run_until(boost::asio::io_context& io, const std::function<bool()>& done, std::chrono::milliseconds cap = 5s);
// Runs the loop for `duration` (to check that something does not happen).
void run_for(boost::asio::io_context& io, std::chrono::milliseconds duration);

PeerNetworkOptions fast_options(const std::string& node_id, const std::string& listen_address = "127.0.0.1:0");

// A PeerNetwork listening on loopback that records what it receives and answers metadata calls.
struct TestNode {
    TestNode(boost::asio::io_context& io, const std::string& node_id, const std::string& listen_address = "127.0.0.1:0",
             const std::function<void(PeerNetworkOptions&)>& adjust = {});

    raft::NodeId raft_id;
    std::string address;
    std::unique_ptr<PeerNetwork> network;
    std::vector<raft::Message> inbox;
    std::vector<ClusterRequest> requests;
};

raft::Message heartbeat(raft::NodeId from, raft::NodeId to, std::uint64_t round);

// A port on which nothing listens (bound, then closed).
std::uint16_t unused_port(boost::asio::io_context& io);

// A TCP server on loopback that accepts connections and hands each socket to `on_accept`, keeping
// the sockets open until it is destroyed.
class RawServer {
public:
    using OnAccept = std::function<void(std::shared_ptr<boost::asio::ip::tcp::socket>)>;
    RawServer(boost::asio::io_context& io, OnAccept on_accept);
    [[nodiscard]] std::string address() const;
    [[nodiscard]] std::size_t accepted() const { return sockets_.size(); }

private:
    void accept_next();
    boost::asio::ip::tcp::acceptor acceptor_;
    OnAccept on_accept_;
    std::vector<std::shared_ptr<boost::asio::ip::tcp::socket>> sockets_;
};

}  // namespace rq::io::testing
