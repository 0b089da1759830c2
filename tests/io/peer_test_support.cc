#include "tests/io/peer_test_support.h"

#include "node/meta.h"

namespace rq::io::testing {

namespace asio = boost::asio;

bool run_until(asio::io_context& io, const std::function<bool()>& done, std::chrono::milliseconds cap) {
    const auto deadline = std::chrono::steady_clock::now() + cap;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        io.run_one_for(10ms);
        if (io.stopped()) io.restart();
    }
    return true;
}

void run_for(asio::io_context& io, std::chrono::milliseconds duration) {
    io.run_for(duration);
    if (io.stopped()) io.restart();
}

PeerNetworkOptions fast_options(const std::string& node_id, const std::string& listen_address) {
    PeerNetworkOptions options;
    options.node_id = node_id;
    options.listen_address = listen_address;
    options.dial_timeout = 500ms;
    options.backoff_min = 10ms;
    options.backoff_max = 100ms;
    options.ping_interval = 50ms;
    options.idle_timeout = 300ms;
    return options;
}

TestNode::TestNode(asio::io_context& io, const std::string& node_id, const std::string& listen_address,
                   const std::function<void(PeerNetworkOptions&)>& adjust)
    : raft_id(node::raft_id_of(node_id)) {
    PeerNetworkOptions options = fast_options(node_id, listen_address);
    if (adjust) adjust(options);
    network = std::make_unique<PeerNetwork>(io, options);
    auto listening = network->listen();
    if (!listening.ok()) throw std::runtime_error(listening.error().message());
    address = network->advertised_address();
    network->on_raft_message([this](raft::Message message) { inbox.push_back(std::move(message)); });
    network->on_cluster_request([this, node_id](const PeerIdentity&, ClusterRequest request, ClusterResponder respond) {
        requests.push_back(request);
        ClusterResponse response;
        response.meta = node::NodeMeta{node_id, address, "http-of-" + node_id};
        if (auto* forward = std::get_if<ForwardRequest>(&request)) {
            response.http_status = 200;
            response.http_body = "echo:" + forward->body;
        }
        respond(std::move(response));
    });
}

raft::Message heartbeat(raft::NodeId from, raft::NodeId to, std::uint64_t round) {
    return raft::Message{from, to, raft::Term(3), raft::Heartbeat{raft::Index(7), round}};
}

std::uint16_t unused_port(asio::io_context& io) {
    asio::ip::tcp::acceptor acceptor(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    return acceptor.local_endpoint().port();
}

RawServer::RawServer(asio::io_context& io, OnAccept on_accept)
    : acceptor_(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)), on_accept_(std::move(on_accept)) {
    accept_next();
}

std::string RawServer::address() const { return "127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()); }

void RawServer::accept_next() {
    acceptor_.async_accept([this](const boost::system::error_code& error, asio::ip::tcp::socket socket) {
        if (error) return;
        auto shared = std::make_shared<asio::ip::tcp::socket>(std::move(socket));
        sockets_.push_back(shared);
        on_accept_(shared);
        accept_next();
    });
}

}  // namespace rq::io::testing
