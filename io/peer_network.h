#pragma once
// The node-to-node network of a real rqlited: TCP on the Raft port, carrying both Raft messages
// (env::Transport) and the cluster service (cluster_messages.h).
//
// Wire: every frame is [magic "RQF1"][u32 length][u32 CRC32C of the payload][Cap'n Proto payload],
// little-endian. A connection starts with a hello frame (protocol version, node id, advertised Raft
// address); a peer that sends anything else, a bad checksum, an oversized frame or an unknown
// version is disconnected with a log line (an HTTP server answering our hello is named as such).
// One connection per pair of nodes carries traffic both ways (simultaneous dials are resolved by a
// fixed tie-break); frames queued for a peer go out batched in one write; a per-peer send queue is
// bounded in bytes (Raft messages beyond it are dropped, as a lossy network would; calls fail).
// Dialling retries with exponential backoff; idle connections exchange pings so a half-open one is
// detected and closed.
//
// Threading: everything runs on the io_context's thread (the node's event loop); callbacks too.

// Boost 1.74's asio needs <utility> before it under C++20.
#include <utility>

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/result.h"
#include "env/clock.h"
#include "env/transport.h"
#include "io/cluster_messages.h"
#include "raft/message.h"

namespace rq::io {

struct PeerNetworkOptions {
    std::string node_id;                 // -node-id, sent in the hello
    std::string listen_address;          // -raft-addr (host:port; port 0 picks a free one)
    std::string advertised_address;      // -raft-adv-addr (defaults to listen_address)
    std::uint64_t max_queue_bytes = 64ull << 20;  // per peer
    std::uint32_t max_frame_bytes = 256u << 20;
    env::Duration dial_timeout = std::chrono::seconds(2);
    env::Duration backoff_min = std::chrono::milliseconds(50);
    env::Duration backoff_max = std::chrono::seconds(2);
    env::Duration ping_interval = std::chrono::milliseconds(500);
    env::Duration idle_timeout = std::chrono::seconds(5);  // nothing received for this long: close
};

// Who is calling, as its hello said.
struct PeerIdentity {
    std::string node_id;
    std::string raft_address;
};

// Counters since construction, for /status and tests.
struct PeerNetworkStats {
    std::uint64_t sent_frames = 0;
    std::uint64_t received_frames = 0;
    std::uint64_t dropped_messages = 0;    // Raft messages: unknown address, full queue or too large a frame
    std::uint64_t connections_opened = 0;  // hello exchanges completed
    std::uint64_t connections_closed = 0;  // of those
    std::uint64_t queued_bytes = 0;        // now, over all peers' send queues
};

using RaftHandler = std::function<void(raft::Message)>;
using ClusterResponder = std::function<void(ClusterResponse)>;
// Must call `respond` exactly once, possibly later, on the loop.
using ClusterHandler = std::function<void(const PeerIdentity& from, ClusterRequest request, ClusterResponder respond)>;

class PeerNetwork final : public env::Transport {
public:
    PeerNetwork(boost::asio::io_context& io, PeerNetworkOptions options);
    ~PeerNetwork() override;
    PeerNetwork(const PeerNetwork&) = delete;
    PeerNetwork& operator=(const PeerNetwork&) = delete;

    // Binds and starts accepting. A taken address or an unresolvable host is an error.
    Status listen();
    // The port actually bound (useful with port 0).
    [[nodiscard]] std::uint16_t bound_port() const;

    void on_raft_message(RaftHandler handler);
    void on_cluster_request(ClusterHandler handler);

    // Where Raft messages for `id` go. Also learnt from a peer's hello.
    void set_peer_address(raft::NodeId id, const std::string& raft_address);
    void forget_peer(raft::NodeId id);

    // env::Transport: queued for the destination's connection; dropped when its address is unknown
    // or its queue is full.
    void send(raft::Message message) override;

    // The cluster service client. `done` runs exactly once on the loop: the response, or an error
    // (cannot connect, not an rqlite node, timeout, connection lost before the answer).
    void call(const std::string& raft_address, ClusterRequest request, env::Duration timeout,
              std::function<void(Result<ClusterResponse>)> done);

    // Closes every connection and the listener; pending calls fail. Idempotent.
    void stop();

    [[nodiscard]] PeerNetworkStats stats() const;
    // The address sent in hellos: advertised_address, else listen_address with the bound port.
    [[nodiscard]] std::string advertised_address() const;

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace rq::io
