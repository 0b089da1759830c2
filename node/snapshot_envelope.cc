#include "node/snapshot_envelope.h"

#include <cstdint>

namespace rq::node {

namespace {

constexpr std::string_view magic = "rqsnap1\n";

void put_u64(std::string& out, std::uint64_t value) {
    for (int shift = 0; shift < 64; shift += 8) out.push_back(static_cast<char>((value >> shift) & 0xff));
}

bool take_u64(std::string_view& in, std::uint64_t& value) {
    if (in.size() < 8) return false;
    value = 0;
    for (std::size_t i = 0; i < 8; ++i) value |= static_cast<std::uint64_t>(static_cast<unsigned char>(in[i])) << (8 * i);
    in.remove_prefix(8);
    return true;
}

Error corrupt(const char* what) { return Error(ErrorCode::corrupt, std::string("node snapshot: ") + what); }

}  // namespace

std::string encode_snapshot(const std::map<raft::NodeId, NodeMeta>& members, std::string_view database_image) {
    std::string out(magic);
    put_u64(out, members.size());
    for (const auto& [id, meta] : members) {
        put_u64(out, id.value());
        const std::string encoded = encode_meta(meta);
        put_u64(out, encoded.size());
        out += encoded;
    }
    out.append(database_image);
    return out;
}

Result<SnapshotContents> decode_snapshot(std::string_view bytes) {
    if (bytes.substr(0, magic.size()) != magic) return corrupt("bad magic");
    bytes.remove_prefix(magic.size());
    SnapshotContents contents;
    std::uint64_t count = 0;
    if (!take_u64(bytes, count) || count > bytes.size()) return corrupt("bad member count");
    for (std::uint64_t i = 0; i < count; ++i) {
        std::uint64_t id = 0;
        std::uint64_t size = 0;
        if (!take_u64(bytes, id) || !take_u64(bytes, size) || size > bytes.size()) return corrupt("truncated member");
        auto meta = decode_meta(bytes.substr(0, size));
        if (!meta.ok()) return meta.error().with_context("node snapshot");
        contents.members.emplace(raft::NodeId(id), std::move(meta).value());
        bytes.remove_prefix(size);
    }
    contents.database_image.assign(bytes);
    return contents;
}

}  // namespace rq::node
