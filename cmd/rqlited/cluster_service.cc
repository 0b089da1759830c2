#include "cmd/rqlited/cluster_service.h"

#include <spdlog/spdlog.h>

namespace rq::cmd {
namespace {

io::ClusterResponse error_response(std::string message) {
    io::ClusterResponse response;
    response.error = std::move(message);
    return response;
}

}  // namespace

ClusterService::ClusterService(io::PeerNetwork& network, node::NodeMeta self, std::string version)
    : network_(network), self_(std::move(self)), version_(std::move(version)) {
    announced_.emplace(self_.id, self_);
}

void ClusterService::handle(const io::PeerIdentity& from, io::ClusterRequest request, io::ClusterResponder respond) {
    spdlog::debug("cluster request {} from {} ({})", io::request_kind_name(request), from.node_id, from.raft_address);
    if (auto* join_request = std::get_if<io::JoinRequest>(&request)) return join(*join_request, std::move(respond));
    if (auto* notify = std::get_if<io::NotifyRequest>(&request)) {
        learn_announced(notify->meta);
        // The answer names this node, so the announcer learns of it even if this node's own
        // announcements reached it before it listened.
        io::ClusterResponse response;
        response.meta = self_;
        return respond(std::move(response));
    }
    if (auto* forwarded = std::get_if<io::ForwardRequest>(&request)) return relay(*forwarded, std::move(respond));
    if (std::holds_alternative<io::MetadataRequest>(request)) {
        io::ClusterResponse response;
        response.meta = self_;
        response.version = version_;
        return respond(std::move(response));
    }
    if (auto* removal = std::get_if<io::RemoveRequest>(&request)) return remove(*removal, std::move(respond));
    if (auto* handover = std::get_if<io::TransferRequest>(&request)) return transfer(*handover, std::move(respond));
    respond(error_response("unknown cluster request"));
}

void ClusterService::learn_announced(const node::NodeMeta& meta) {
    if (meta.id.empty() || meta.raft_address.empty()) return;
    if (announced_.emplace(meta.id, meta).second) {
        spdlog::info("node {} at {} is ready to bootstrap", meta.id, meta.raft_address);
    }
}

std::optional<io::ClusterResponse> ClusterService::refusal_unless_leader() const {
    if (driver_ == nullptr) return error_response("store not open");
    if (driver_->is_leader()) return std::nullopt;
    io::ClusterResponse response;
    const auto leader = driver_->leader();
    response.error = leader ? "not leader" : "leader not found";
    if (leader) response.leader_raft_address = leader->raft_address;
    return response;
}

// rqlite's join rules (API.md 10): the same id at the same address is already a member (a no-op);
// the same id or the same address alone is a member that moved or was replaced, removed first.
void ClusterService::join(const io::JoinRequest& request, io::ClusterResponder respond) {
    if (auto refusal = refusal_unless_leader()) return respond(std::move(*refusal));
    const node::NodeMeta& joiner = request.meta;
    if (joiner.id.empty() || joiner.raft_address.empty()) return respond(error_response("join request without id or address"));
    const raft::NodeStatus status = driver_->raft_status();
    for (const auto& [id, member] : driver_->members()) {
        const bool same_id = member.id == joiner.id;
        const bool same_address = member.raft_address == joiner.raft_address;
        if (!same_id && !same_address) continue;
        const bool voter = status.config.is_voter(id);
        if (same_id && same_address && voter == request.voter) {
            spdlog::info("node {} at {} is already a member; join ignored", joiner.id, joiner.raft_address);
            return respond(io::ClusterResponse{});
        }
        if (member.id == self_.id) return respond(error_response("a joining node cannot replace the leader"));
        spdlog::info("node {} at {} replaces member {} at {}: removing the old member first", joiner.id,
                     joiner.raft_address, member.id, member.raft_address);
        driver_->remove_member(member.id, [this, request, respond = std::move(respond)](node::Reply reply) mutable {
            if (!reply.ok()) return respond(error_response("removing the replaced member failed: " + reply.message));
            // The removal committed; the next change may go (one at a time).
            add_member(request, std::move(respond));
        });
        return;
    }
    add_member(request, std::move(respond));
}

void ClusterService::add_member(const io::JoinRequest& request, io::ClusterResponder respond) {
    if (auto refusal = refusal_unless_leader()) return respond(std::move(*refusal));
    network_.set_peer_address(node::raft_id_of(request.meta.id), request.meta.raft_address);
    driver_->add_member(request.meta, request.voter, [meta = request.meta, voter = request.voter,
                                                      respond = std::move(respond)](node::Reply reply) {
        if (!reply.ok()) {
            spdlog::warn("adding node {} at {} failed: {}", meta.id, meta.raft_address, reply.message);
            return respond(error_response(reply.message.empty() ? node::failure_name(reply.failure) : reply.message));
        }
        spdlog::info("node {} at {} joined as a {}", meta.id, meta.raft_address, voter ? "voter" : "non-voter");
        respond(io::ClusterResponse{});
    });
}

void ClusterService::remove(const io::RemoveRequest& request, io::ClusterResponder respond) {
    if (auto refusal = refusal_unless_leader()) return respond(std::move(*refusal));
    driver_->remove_member(request.node_id, [respond = std::move(respond)](node::Reply reply) {
        if (!reply.ok()) return respond(error_response(reply.message.empty() ? node::failure_name(reply.failure) : reply.message));
        respond(io::ClusterResponse{});
    });
}

void ClusterService::transfer(const io::TransferRequest& request, io::ClusterResponder respond) {
    if (auto refusal = refusal_unless_leader()) return respond(std::move(*refusal));
    const raft::Refusal refused = driver_->transfer_leadership(request.target_id);
    if (refused != raft::Refusal::none) {
        return respond(error_response(std::string("cannot transfer leadership: ") + raft::refusal_name(refused)));
    }
    respond(io::ClusterResponse{});
}

// The leader side of forwarding: the request runs through this node's HTTP service as if a client
// had sent it here, marked so that it is never forwarded again.
void ClusterService::relay(const io::ForwardRequest& request, io::ClusterResponder respond) {
    if (service_ == nullptr) return respond(error_response("HTTP service not running"));
    http::HttpRequest http_request;
    http_request.method = request.method;
    http_request.target = request.target;
    http_request.content_type = request.content_type;
    http_request.authorization = request.authorization;
    http_request.body = request.body;
    http_request.forwarded = true;
    service_->handle(std::move(http_request), [respond = std::move(respond)](http::HttpResponse answer) {
        io::ClusterResponse response;
        response.http_status = answer.status;
        response.http_headers = std::move(answer.headers);
        response.http_body = std::move(answer.body);
        respond(std::move(response));
    });
}

void ClusterService::forward(const http::HttpRequest& request, env::Duration timeout, Done done) {
    const auto leader = driver_ != nullptr ? driver_->leader() : std::nullopt;
    if (!leader || leader->id == self_.id) return done(Error(ErrorCode::closed, "leader not found"));
    io::ForwardRequest forwarded{request.method, request.target, request.content_type, request.authorization, request.body};
    network_.call(leader->raft_address, std::move(forwarded), timeout,
                  [leader = *leader, done = std::move(done)](Result<io::ClusterResponse> answer) {
                      if (!answer.ok()) {
                          return done(answer.error().with_context("forwarding to leader " + leader.id + " at " +
                                                                  leader.raft_address + " failed"));
                      }
                      if (!answer->error.empty()) return done(Error(ErrorCode::closed, answer->error));
                      http::HttpResponse response;
                      response.status = answer->http_status;
                      response.headers = std::move(answer->http_headers);
                      response.body = std::move(answer->http_body);
                      done(std::move(response));
                  });
}

void ClusterService::sync_peer_addresses() {
    if (driver_ == nullptr || driver_->members() == known_addresses_) return;
    for (const auto& [id, meta] : driver_->members()) {
        if (meta.id != self_.id) network_.set_peer_address(id, meta.raft_address);
    }
    known_addresses_ = driver_->members();
}

}  // namespace rq::cmd
