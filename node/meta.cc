#include "node/meta.h"

#include <cstdint>

namespace rq::node {

namespace {

constexpr char meta_version = 1;

void put_string(std::string& out, std::string_view value) {
    const auto size = static_cast<std::uint32_t>(value.size());
    for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<char>((size >> shift) & 0xff));
    out.append(value);
}

bool take_string(std::string_view& in, std::string& value) {
    if (in.size() < 4) return false;
    std::uint32_t size = 0;
    for (int i = 0; i < 4; ++i) size |= static_cast<std::uint32_t>(static_cast<unsigned char>(in[static_cast<std::size_t>(i)])) << (8 * i);
    in.remove_prefix(4);
    if (in.size() < size) return false;
    value.assign(in.substr(0, size));
    in.remove_prefix(size);
    return true;
}

}  // namespace

raft::NodeId raft_id_of(std::string_view node_id) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (char c : node_id) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return raft::NodeId(hash == 0 ? 1 : hash);
}

std::string encode_meta(const NodeMeta& meta) {
    std::string out(1, meta_version);
    put_string(out, meta.id);
    put_string(out, meta.raft_address);
    put_string(out, meta.http_address);
    return out;
}

Result<NodeMeta> decode_meta(std::string_view bytes) {
    if (bytes.empty() || bytes[0] != meta_version) return Error(ErrorCode::corrupt, "node metadata: unknown version");
    bytes.remove_prefix(1);
    NodeMeta meta;
    if (!take_string(bytes, meta.id) || !take_string(bytes, meta.raft_address) ||
        !take_string(bytes, meta.http_address) || !bytes.empty()) {
        return Error(ErrorCode::corrupt, "node metadata: truncated or trailing bytes");
    }
    return meta;
}

}  // namespace rq::node
