#include "io/cluster_messages.h"

namespace rq::io {

const char* request_kind_name(const ClusterRequest& request) {
    static constexpr const char* names[] = {"join", "notify", "forward", "metadata", "remove", "transfer"};
    static_assert(std::size(names) == std::variant_size_v<ClusterRequest>);
    return names[request.index()];
}

}  // namespace rq::io
