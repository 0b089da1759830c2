#pragma once
// The bytes of a node snapshot: the members' metadata as of the snapshot index, then the SQLite
// database image. (The snapshot file around it carries index, term, configuration and checksums:
// wal/snapshot_format.h.)

#include <map>
#include <string>
#include <string_view>

#include "base/result.h"
#include "node/meta.h"

namespace rq::node {

struct SnapshotContents {
    std::map<raft::NodeId, NodeMeta> members;
    std::string database_image;
};

[[nodiscard]] std::string encode_snapshot(const std::map<raft::NodeId, NodeMeta>& members,
                                          std::string_view database_image);
[[nodiscard]] Result<SnapshotContents> decode_snapshot(std::string_view bytes);

}  // namespace rq::node
