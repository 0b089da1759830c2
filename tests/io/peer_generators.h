#pragma once
// RapidCheck generators for every frame of the node-to-node protocol: each Raft message variant
// (entries of every type, with config entries carrying real encoded ConfigChangeRecords; snapshot
// chunks), each cluster request kind and full responses.

#include <rapidcheck.h>

#include "io/peer_codec.h"

namespace rq::io::testing {

rc::Gen<raft::Message> gen_raft_message();
rc::Gen<ClusterRequest> gen_cluster_request();
rc::Gen<ClusterResponse> gen_cluster_response();
rc::Gen<PeerFrame> gen_peer_frame();

}  // namespace rq::io::testing
