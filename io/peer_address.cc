#include "io/peer_address.h"

#include <charconv>

namespace rq::io {

Result<HostPort> split_host_port(const std::string& address) {
    const auto colon = address.rfind(':');
    if (colon == std::string::npos) return Error(ErrorCode::invalid_argument, "address \"" + address + "\" has no port");
    std::string host = address.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    const std::string port_text = address.substr(colon + 1);
    unsigned port = 0;
    const auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || error != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
        return Error(ErrorCode::invalid_argument, "address \"" + address + "\" has an invalid port");
    }
    return HostPort{std::move(host), static_cast<std::uint16_t>(port)};
}

}  // namespace rq::io
