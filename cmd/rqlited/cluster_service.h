#pragma once
// The answering side of the cluster service (io/cluster_messages.h) in rqlited, and the client side
// of forwarding: what a node does when another node asks it to add a member, relay a client's
// request, describe itself, remove a member or step down; and how a follower hands a client's
// request to the leader (http::Forwarder).
//
// Runs on the node's event loop. The driver may not be open yet (nullptr): requests that need it
// answer "store not open" and the caller retries.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "http/service.h"
#include "io/cluster_messages.h"
#include "io/peer_network.h"
#include "node/driver.h"

namespace rq::cmd {

class ClusterService final : public http::Forwarder {
public:
    ClusterService(io::PeerNetwork& network, node::NodeMeta self, std::string version);

    void attach(node::Driver* driver) { driver_ = driver; }
    void set_service(http::Service* service) { service_ = service; }

    // io::ClusterHandler.
    void handle(const io::PeerIdentity& from, io::ClusterRequest request, io::ClusterResponder respond);

    // http::Forwarder: to the leader's Raft address over the cluster service.
    void forward(const http::HttpRequest& request, env::Duration timeout, Done done) override;

    // -bootstrap-expect: the members that announced themselves (this node included), by node id.
    [[nodiscard]] const std::map<std::string, node::NodeMeta>& announced() const { return announced_; }
    // Records a node met while bootstrapping (its announcement, or its answer to ours).
    void learn_announced(const node::NodeMeta& meta);

    // Keeps the network's address book equal to the member table (called as the table may change).
    void sync_peer_addresses();

private:
    void join(const io::JoinRequest& request, io::ClusterResponder respond);
    void add_member(const io::JoinRequest& request, io::ClusterResponder respond);
    void remove(const io::RemoveRequest& request, io::ClusterResponder respond);
    void transfer(const io::TransferRequest& request, io::ClusterResponder respond);
    void relay(const io::ForwardRequest& request, io::ClusterResponder respond);
    // The answer for a request only the leader serves, when this node is not it; nullopt on the leader.
    [[nodiscard]] std::optional<io::ClusterResponse> refusal_unless_leader() const;

    io::PeerNetwork& network_;
    node::NodeMeta self_;
    std::string version_;
    node::Driver* driver_ = nullptr;
    http::Service* service_ = nullptr;
    std::map<std::string, node::NodeMeta> announced_;
    std::map<raft::NodeId, node::NodeMeta> known_addresses_;
};

}  // namespace rq::cmd
