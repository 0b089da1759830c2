#include "io/peer_network.h"

#include <boost/asio/post.hpp>

#include "io/peer_address.h"
#include "io/peer_log.h"
#include "io/peer_network_impl.h"
#include "node/meta.h"

namespace rq::io {

namespace asio = boost::asio;
using boost::system::error_code;

// Raft messages queued for a peer are packed into batch frames of about this size: large enough to
// amortise the per-frame cost, small enough that one frame never holds up pings for long.
constexpr std::uint64_t raft_batch_target_bytes = 1u << 20;
// Queue accounting per Raft message beyond its own size_bytes(): Cap'n Proto pointers and headers.
constexpr std::uint64_t raft_message_overhead_bytes = 64;

PeerNetwork::Impl::Impl(asio::io_context& context, PeerNetworkOptions network_options)
    : io(context), options(std::move(network_options)), acceptor_(context), accept_pause_(context) {
    if (options.advertised_address.empty()) options.advertised_address = options.listen_address;
    advertised = options.advertised_address;
}

PeerNetwork::Impl::~Impl() {
    stop();
    *alive_ = false;
}

Status PeerNetwork::Impl::listen() {
    auto host_port = split_host_port(options.listen_address);
    if (!host_port.ok()) return host_port.error().with_context("listen");
    error_code error;
    asio::ip::tcp::resolver resolver(io);
    const std::string host = host_port->host.empty() ? "0.0.0.0" : host_port->host;
    auto endpoints = resolver.resolve(host, std::to_string(host_port->port), error);
    if (error || endpoints.empty()) {
        return Error(ErrorCode::invalid_argument, "listen on " + options.listen_address + ": resolve: " + error.message());
    }
    const auto endpoint = endpoints.begin()->endpoint();
    if (acceptor_.open(endpoint.protocol(), error) ||
        acceptor_.set_option(asio::ip::tcp::acceptor::reuse_address(true), error) || acceptor_.bind(endpoint, error) ||
        acceptor_.listen(asio::socket_base::max_listen_connections, error)) {
        acceptor_.close();
        return Error(ErrorCode::io, "listen on " + options.listen_address + ": " + error.message());
    }
    bound_port = acceptor_.local_endpoint().port();
    // With port 0 the advertised address must name the port actually bound, or nobody could dial back.
    auto advertised_parts = split_host_port(advertised);
    if (advertised_parts.ok() && advertised_parts->port == 0) {
        advertised = advertised.substr(0, advertised.rfind(':') + 1) + std::to_string(bound_port);
    }
    accept_next();
    return ok_status();
}

void PeerNetwork::Impl::accept_next() {
    acceptor_.async_accept([this, alive = alive_](const error_code& error, asio::ip::tcp::socket socket) {
        if (!*alive || stopped_) return;
        if (error) {
            // Out of descriptors and the like: pause rather than spin, then keep listening; the
            // remote retries its dial meanwhile.
            peer_log().warn("raft listener: accept: {}", error.message());
            accept_pause_.expires_after(std::chrono::milliseconds(100));
            accept_pause_.async_wait([this, alive](const error_code& wait_error) {
                if (!wait_error && *alive && !stopped_) accept_next();
            });
            return;
        }
        auto connection = std::make_shared<PeerConnection>(io, PeerConnection::Direction::inbound, "",
                                                           connection_settings(), this, alive_);
        connections_.insert(connection);
        connection->accept(std::move(socket));
        accept_next();
    });
}

PeerConnectionSettings PeerNetwork::Impl::connection_settings() const {
    return {Hello{peer_protocol_version, options.node_id, advertised}, options.max_frame_bytes, options.dial_timeout,
            options.ping_interval, options.idle_timeout};
}

Peer& PeerNetwork::Impl::peer_at(const std::string& address) {
    auto& slot = peers_[address];
    if (!slot) {
        slot = std::make_unique<Peer>(io, address);
        slot->backoff = options.backoff_min;
    }
    return *slot;
}

Peer* PeerNetwork::Impl::find_peer(const std::string& address) {
    auto it = peers_.find(address);
    return it == peers_.end() ? nullptr : it->second.get();
}

// --- sending ---

const std::string* PeerNetwork::Impl::address_of(raft::NodeId id) const {
    // An address set explicitly (from the configuration) wins over one a hello advertised.
    for (const auto* addresses : {&explicit_addresses, &learnt_addresses}) {
        auto it = addresses->find(id);
        if (it != addresses->end() && !it->second.empty()) return &it->second;
    }
    return nullptr;
}

void PeerNetwork::Impl::send(raft::Message message) {
    if (stopped_) return;
    const std::string* address = address_of(message.to);
    if (address == nullptr) {
        ++stats.dropped_messages;
        return;
    }
    Peer& peer = peer_at(*address);
    const std::uint64_t bytes = message.size_bytes() + raft_message_overhead_bytes;
    if (peer.queued_bytes + bytes > options.max_queue_bytes) {
        // The network is lossy to Raft anyway; an unbounded queue to a dead peer would not be.
        ++stats.dropped_messages;
        return;
    }
    peer.raft_queue.push_back(std::move(message));
    peer.queued_bytes += bytes;
    stats.queued_bytes += bytes;
    wake(peer);
}

void PeerNetwork::Impl::wake(Peer& peer) {
    if (peer.active) return peer.active->wake();
    connect(peer, false);
}

std::vector<std::string> PeerNetwork::Impl::take_frames(const PeerConnection& connection) {
    std::vector<std::string> frames;
    Peer* peer = find_peer(connection.peer_key());
    if (peer == nullptr || peer->active.get() != &connection) return frames;
    for (auto& frame : peer->reply_frames) frames.push_back(std::move(frame));
    for (auto& [id, frame] : peer->call_frames) frames.push_back(std::move(frame));
    peer->reply_frames.clear();
    peer->call_frames.clear();
    append_raft_batches(*peer, frames);
    stats.queued_bytes -= peer->queued_bytes;
    peer->queued_bytes = 0;
    return frames;
}

void PeerNetwork::Impl::append_raft_batches(Peer& peer, std::vector<std::string>& frames) {
    RaftBatch batch;
    std::uint64_t batch_bytes = 0;
    auto flush = [&] {
        if (batch.messages.empty()) return;
        std::string frame = encode_frame(batch);
        if (frame.size() - frame_header_bytes > options.max_frame_bytes) {
            // Only a single message larger than the limit gets here (a misconfigured chunk size).
            peer_log().error("raft message of {} bytes to {} exceeds the frame limit; dropped", frame.size(), peer.address);
            stats.dropped_messages += batch.messages.size();
        } else {
            frames.push_back(std::move(frame));
        }
        batch.messages.clear();
        batch_bytes = 0;
    };
    for (auto& message : peer.raft_queue) {
        const std::uint64_t bytes = message.size_bytes();
        if (batch_bytes > 0 && batch_bytes + bytes > raft_batch_target_bytes) flush();
        batch.messages.push_back(std::move(message));
        batch_bytes += bytes;
    }
    flush();
    peer.raft_queue.clear();
}

// --- connections ---

void PeerNetwork::Impl::connect(Peer& peer, bool now) {
    if (stopped_ || peer.active || peer.dialling) return;
    if (peer.backing_off) {
        if (!now) return;  // the redial timer will dial
        peer.backing_off = false;
        peer.redial_timer.cancel();
    }
    dial(peer);
}

void PeerNetwork::Impl::dial(Peer& peer) {
    peer.dialling = std::make_shared<PeerConnection>(io, PeerConnection::Direction::outbound, peer.address,
                                                     connection_settings(), this, alive_);
    connections_.insert(peer.dialling);
    peer.dialling->dial(peer.address);
}

void PeerNetwork::Impl::on_established(const std::shared_ptr<PeerConnection>& connection) {
    const Hello& remote = connection->remote();
    ++stats.connections_opened;
    if (connection->direction() == PeerConnection::Direction::inbound) {
        // Our own dial to ourselves (a notify to every address, self included) arrives as an inbound
        // connection from our own id: it only serves requests, the outbound end carries the queue.
        if (remote.node_id == options.node_id || remote.raft_address.empty()) return;
        connection->set_peer_key(remote.raft_address);
    }
    peer_log().debug("connection to {} ({}) established, {}", connection->peer_key(), remote.node_id,
                     connection->direction() == PeerConnection::Direction::outbound ? "dialled" : "accepted");
    // Replies to this node's messages need its address; an address set explicitly takes precedence.
    learnt_addresses[node::raft_id_of(remote.node_id)] = connection->peer_key();
    adopt(peer_at(connection->peer_key()), connection);
}

void PeerNetwork::Impl::adopt(Peer& peer, const std::shared_ptr<PeerConnection>& connection) {
    if (peer.dialling == connection) {
        peer.dialling = nullptr;
        peer.backoff = options.backoff_min;
        peer.failed_dials = 0;
    }
    if (peer.active && peer.active != connection) {
        // Both nodes dialled at once (or the remote reconnected). Both sides must pick the same
        // survivor without talking: the connection dialled by the smaller node id; between two
        // dialled by the same node, its newer one (the older may be stale).
        auto dialler = [&](const PeerConnection& c) -> const std::string& {
            return c.direction() == PeerConnection::Direction::outbound ? options.node_id : c.remote().node_id;
        };
        const std::string& old_dialler = dialler(*peer.active);
        const std::string& new_dialler = dialler(*connection);
        const bool keep_new = old_dialler == new_dialler || new_dialler < old_dialler;
        auto loser = keep_new ? peer.active : connection;
        peer.active = keep_new ? connection : peer.active;
        loser->retire();
    } else {
        peer.active = connection;
    }
    peer.active->wake();
}

void PeerNetwork::Impl::on_closed(const std::shared_ptr<PeerConnection>& connection, const std::string& reason) {
    connections_.erase(connection);
    if (connection->established()) ++stats.connections_closed;
    Peer* peer = find_peer(connection->peer_key());
    if (peer == nullptr) {
        // An inbound connection that never said hello: a port scanner, a misdirected client, a broken peer.
        if (!connection->established()) peer_log().warn("raft connection closed before its hello: {}", reason);
        return;
    }
    if (peer->dialling == connection) return on_dial_failed(*peer, reason);
    if (peer->active == connection) return on_connection_lost(*peer, reason);
    peer_log().debug("connection to {} closed: {}", peer->address, reason);
}

void PeerNetwork::Impl::on_dial_failed(Peer& peer, const std::string& reason) {
    peer.dialling = nullptr;
    if (peer.failed_dials++ == 0) {
        peer_log().warn("cannot connect to {}: {} (retrying with backoff)", peer.address, reason);
    } else {
        peer_log().debug("cannot connect to {}: {}", peer.address, reason);
    }
    peer.backing_off = true;
    peer.redial_timer.expires_after(std::chrono::duration_cast<asio::steady_timer::duration>(peer.backoff));
    peer.backoff = std::min(peer.backoff * 2, options.backoff_max);
    peer.redial_timer.async_wait([this, alive = alive_, address = peer.address](const error_code& error) {
        if (error || !*alive || stopped_) return;
        Peer* waiting = find_peer(address);
        if (waiting == nullptr || !waiting->backing_off) return;
        waiting->backing_off = false;
        if (!waiting->raft_queue.empty() || !waiting->reply_frames.empty()) connect(*waiting, true);
    });
    // Last: a `done` may stop the network and destroy `peer`.
    fail_calls_to(peer.address, Error(ErrorCode::io, "cannot reach " + peer.address + ": " + reason));
}

void PeerNetwork::Impl::on_connection_lost(Peer& peer, const std::string& reason) {
    peer.active = nullptr;
    peer_log().info("connection to {} lost: {}", peer.address, reason);
    if (!peer.raft_queue.empty() || !peer.reply_frames.empty()) connect(peer, true);
    // Last: a `done` may stop the network and destroy `peer`.
    fail_calls_to(peer.address, Error(ErrorCode::io, "connection to " + peer.address + " lost before the answer: " + reason));
}

// --- receiving ---

void PeerNetwork::Impl::on_frame(const std::shared_ptr<PeerConnection>& connection, PeerFrame frame) {
    ++stats.received_frames;
    if (auto* batch = std::get_if<RaftBatch>(&frame)) return deliver_raft(std::move(*batch));
    if (auto* request = std::get_if<CallRequest>(&frame)) return serve_request(connection, std::move(*request));
    if (auto* response = std::get_if<CallResponse>(&frame)) {
        // An answer after its call timed out is normal; there is nobody left to give it to.
        if (calls_.contains(response->call_id)) finish_call(response->call_id, std::move(response->response));
    }
}

void PeerNetwork::Impl::deliver_raft(RaftBatch batch) {
    for (auto& message : batch.messages) {
        if (stopped_ || !raft_handler) return;  // the handler may stop the network
        raft_handler(std::move(message));
    }
}

void PeerNetwork::Impl::serve_request(const std::shared_ptr<PeerConnection>& connection, CallRequest call) {
    std::weak_ptr<PeerConnection> weak_connection = connection;
    ClusterResponder respond = [this, alive = alive_, weak_connection, key = connection->peer_key(),
                                call_id = call.call_id](ClusterResponse response) {
        if (!*alive || stopped_) return;
        std::string frame = encode_frame(CallResponse{call_id, std::move(response)});
        // The answer goes back the way the request came; if that connection is gone or retiring, by
        // whichever connection now carries the caller's queue.
        auto connection_now = weak_connection.lock();
        if (connection_now && connection_now->can_send() && !connection_now->retiring()) {
            return connection_now->send(std::move(frame));
        }
        Peer* peer = find_peer(key);
        if (peer == nullptr) return;  // the caller will time out
        stats.queued_bytes += frame.size();
        peer->queued_bytes += frame.size();
        peer->reply_frames.push_back(std::move(frame));
        wake(*peer);
    };
    if (!cluster_handler) {
        ClusterResponse refusal;
        refusal.error = "this node does not serve cluster requests yet";
        return respond(std::move(refusal));
    }
    cluster_handler(PeerIdentity{connection->remote().node_id, connection->remote().raft_address},
                    std::move(call.request), std::move(respond));
}

// --- calls ---

void PeerNetwork::Impl::call(const std::string& address, ClusterRequest request, env::Duration timeout,
                             std::function<void(Result<ClusterResponse>)> done) {
    auto fail_soon = [&](Error error) {
        asio::post(io, [done = std::move(done), error = std::move(error)] { done(error); });
    };
    const std::string kind = request_kind_name(request);
    if (stopped_) return fail_soon(Error(ErrorCode::closed, kind + " call to " + address + ": the network is stopped"));
    const std::uint64_t call_id = next_call_id_++;
    std::string frame = encode_frame(CallRequest{call_id, std::move(request)});
    Peer& peer = peer_at(address);
    if (peer.queued_bytes + frame.size() > options.max_queue_bytes) {
        return fail_soon(Error(ErrorCode::io, kind + " call to " + address + ": the send queue is full"));
    }
    auto timer = std::make_unique<asio::steady_timer>(io, std::chrono::duration_cast<asio::steady_timer::duration>(timeout));
    timer->async_wait([this, alive = alive_, call_id, kind, address, timeout](const error_code& error) {
        if (error || !*alive || !calls_.contains(call_id)) return;
        const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count();
        finish_call(call_id, Error(ErrorCode::timeout, kind + " call to " + address + ": no answer within " +
                                                           std::to_string(millis) + " ms"));
    });
    calls_.emplace(call_id, PendingCall{address, std::move(done), std::move(timer)});
    stats.queued_bytes += frame.size();
    peer.queued_bytes += frame.size();
    peer.call_frames.emplace_back(call_id, std::move(frame));
    // A call is a person or a retry loop waiting: it dials now rather than after the backoff.
    if (peer.active) return peer.active->wake();
    connect(peer, true);
}

void PeerNetwork::Impl::finish_call(std::uint64_t call_id, Result<ClusterResponse> result) {
    auto it = calls_.find(call_id);
    if (it == calls_.end()) return;
    PendingCall call = std::move(it->second);
    calls_.erase(it);
    call.timer->cancel();
    // An unsent request whose call is over must not be sent any more.
    if (Peer* peer = find_peer(call.address)) {
        std::erase_if(peer->call_frames, [&](auto& queued) {
            if (queued.first != call_id) return false;
            peer->queued_bytes -= queued.second.size();
            stats.queued_bytes -= queued.second.size();
            return true;
        });
    }
    call.done(std::move(result));
}

void PeerNetwork::Impl::fail_calls_to(std::string address, const Error& error) {
    std::vector<std::uint64_t> ids;
    for (const auto& [id, call] : calls_) {
        if (call.address == address) ids.push_back(id);
    }
    // One at a time by id: a `done` may start new calls, which must not be failed with these.
    for (std::uint64_t id : ids) finish_call(id, error);
}

void PeerNetwork::Impl::stop() {
    if (stopped_) return;
    stopped_ = true;
    error_code ignored;
    acceptor_.close(ignored);
    accept_pause_.cancel();
    for (const auto& connection : connections_) connection->abort();
    connections_.clear();
    for (auto& [address, peer] : peers_) peer->redial_timer.cancel();
    peers_.clear();
    stats.queued_bytes = 0;
    // Failed from the loop, not from inside stop(): the callers may be in the middle of tearing down.
    for (auto& [id, call] : calls_) {
        call.timer->cancel();
        asio::post(io, [done = std::move(call.done), address = call.address] {
            done(Error(ErrorCode::closed, "call to " + address + ": the network stopped"));
        });
    }
    calls_.clear();
}

// --- PeerNetwork ---

PeerNetwork::PeerNetwork(asio::io_context& io, PeerNetworkOptions options)
    : impl_(std::make_unique<Impl>(io, std::move(options))) {}

PeerNetwork::~PeerNetwork() = default;

Status PeerNetwork::listen() { return impl_->listen(); }
std::uint16_t PeerNetwork::bound_port() const { return impl_->bound_port; }
void PeerNetwork::on_raft_message(RaftHandler handler) { impl_->raft_handler = std::move(handler); }
void PeerNetwork::on_cluster_request(ClusterHandler handler) { impl_->cluster_handler = std::move(handler); }

void PeerNetwork::set_peer_address(raft::NodeId id, const std::string& raft_address) {
    impl_->explicit_addresses[id] = raft_address;
}

void PeerNetwork::forget_peer(raft::NodeId id) {
    impl_->explicit_addresses.erase(id);
    impl_->learnt_addresses.erase(id);
}

void PeerNetwork::send(raft::Message message) { impl_->send(std::move(message)); }

void PeerNetwork::call(const std::string& raft_address, ClusterRequest request, env::Duration timeout,
                       std::function<void(Result<ClusterResponse>)> done) {
    impl_->call(raft_address, std::move(request), timeout, std::move(done));
}

void PeerNetwork::stop() { impl_->stop(); }
PeerNetworkStats PeerNetwork::stats() const { return impl_->stats; }
std::string PeerNetwork::advertised_address() const { return impl_->advertised; }

}  // namespace rq::io
