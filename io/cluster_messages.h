#pragma once
// The cluster service: requests one rqlited node makes of another over the Raft port, beside the Raft
// traffic (API.md section 10). Plain values; io/peer_codec serialises them as Cap'n Proto.
//
//   join        a new node asks to be added (the receiver adds it if it leads, else names the leader)
//   notify      -bootstrap-expect: "I exist and want to form a cluster with you"
//   forward     a follower hands a client's HTTP request to the leader and relays its answer unchanged
//   metadata    who are you (id, advertised addresses, version)? Also the /nodes reachability probe
//   remove      remove a member (-raft-cluster-remove-shutdown; answered by the leader)
//   transfer    step down in favour of a target (empty: any voter)

#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "node/meta.h"

namespace rq::io {

struct JoinRequest {
    node::NodeMeta meta;
    bool voter = true;
    bool operator==(const JoinRequest&) const = default;
};

struct NotifyRequest {
    node::NodeMeta meta;
    bool operator==(const NotifyRequest&) const = default;
};

struct ForwardRequest {
    std::string method;  // "POST", "GET", ...
    std::string target;  // path and query, percent-encoded as the client sent it
    std::string content_type;
    std::string authorization;
    std::string body;
    bool operator==(const ForwardRequest&) const = default;
};

struct MetadataRequest {
    bool operator==(const MetadataRequest&) const = default;
};

struct RemoveRequest {
    std::string node_id;
    bool operator==(const RemoveRequest&) const = default;
};

struct TransferRequest {
    std::string target_id;  // empty: any voter
    bool operator==(const TransferRequest&) const = default;
};

using ClusterRequest =
    std::variant<JoinRequest, NotifyRequest, ForwardRequest, MetadataRequest, RemoveRequest, TransferRequest>;

// One answer shape for every request; each request kind fills the fields it needs.
struct ClusterResponse {
    // Empty when the request succeeded. Otherwise a message for people (logged, shown to clients).
    std::string error;
    // Set when the receiver is not the leader and knows who is: the joiner (or caller) retries there.
    std::string leader_raft_address;

    // forward: the leader's HTTP answer.
    unsigned http_status = 0;
    std::vector<std::pair<std::string, std::string>> http_headers;
    std::string http_body;

    // metadata: the receiver's own metadata and rqlited version.
    node::NodeMeta meta;
    std::string version;

    bool operator==(const ClusterResponse&) const = default;
};

[[nodiscard]] const char* request_kind_name(const ClusterRequest& request);

}  // namespace rq::io
