#pragma once
// What the cluster knows about each member beyond its Raft id: rqlite's string node id and its
// advertised addresses. It travels in the context of the config-change entry that adds the member
// and in every snapshot (snapshot_envelope.h), so every replica can map ids to addresses.

#include <string>
#include <string_view>

#include "base/result.h"
#include "raft/types.h"

namespace rq::node {

struct NodeMeta {
    std::string id;            // rqlite's -node-id (defaults to the advertised Raft address)
    std::string raft_address;  // advertised -raft-addr
    std::string http_address;  // advertised -http-addr
    bool operator==(const NodeMeta&) const = default;
};

// The Raft core's numeric id for an rqlite node id: a 64-bit FNV-1a hash, never 0. Every node
// computes the same number from the same string; a collision between two members' ids is refused
// when the second joins.
[[nodiscard]] raft::NodeId raft_id_of(std::string_view node_id);

[[nodiscard]] std::string encode_meta(const NodeMeta& meta);
[[nodiscard]] Result<NodeMeta> decode_meta(std::string_view bytes);

}  // namespace rq::node
