#pragma once
// "host:port" as rqlited's -raft-addr takes it ("[::1]:4002" for IPv6), split for the resolver.

#include <cstdint>
#include <string>

#include "base/result.h"

namespace rq::io {

struct HostPort {
    std::string host;  // without brackets; may be empty (all interfaces, when listening)
    std::uint16_t port = 0;
};

[[nodiscard]] Result<HostPort> split_host_port(const std::string& address);

}  // namespace rq::io
