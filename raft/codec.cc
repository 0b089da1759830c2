#include "raft/codec.h"

#include <cstdint>

namespace rq::raft {

namespace {

constexpr std::uint8_t config_record_version = 1;

void put_varint(std::string& out, std::uint64_t value) {
    while (value >= 0x80) {
        out.push_back(static_cast<char>((value & 0x7f) | 0x80));
        value >>= 7;
    }
    out.push_back(static_cast<char>(value));
}

void put_ids(std::string& out, const std::vector<NodeId>& ids) {
    put_varint(out, ids.size());
    for (NodeId id : ids) put_varint(out, id.value());
}

class Reader {
public:
    explicit Reader(std::string_view bytes) : bytes_(bytes) {}

    bool varint(std::uint64_t& value) {
        value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (position_ >= bytes_.size()) return false;
            const auto byte = static_cast<std::uint8_t>(bytes_[position_++]);
            value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
            if ((byte & 0x80) == 0) return true;
        }
        return false;
    }

    bool ids(std::vector<NodeId>& out) {
        std::uint64_t count = 0;
        if (!varint(count) || count > bytes_.size()) return false;
        out.clear();
        for (std::uint64_t i = 0; i < count; ++i) {
            std::uint64_t id = 0;
            if (!varint(id)) return false;
            out.emplace_back(id);
        }
        return true;
    }

    bool bytes(std::string& out) {
        std::uint64_t size = 0;
        if (!varint(size) || size > bytes_.size() - position_) return false;
        out.assign(bytes_.substr(position_, size));
        position_ += size;
        return true;
    }

    [[nodiscard]] bool at_end() const { return position_ == bytes_.size(); }

private:
    std::string_view bytes_;
    std::size_t position_ = 0;
};

Error corrupt(const char* what) { return Error(ErrorCode::corrupt, std::string("config record: ") + what); }

}  // namespace

std::string encode_config_record(const ConfigChangeRecord& record) {
    std::string out;
    out.push_back(static_cast<char>(config_record_version));
    put_varint(out, static_cast<std::uint64_t>(record.change.type));
    put_varint(out, record.change.node.value());
    put_varint(out, record.change.context.size());
    out += record.change.context;
    put_ids(out, record.config.voters);
    put_ids(out, record.config.learners);
    return out;
}

Result<ConfigChangeRecord> decode_config_record(std::string_view bytes) {
    if (bytes.empty() || static_cast<std::uint8_t>(bytes[0]) != config_record_version) {
        return corrupt("unknown version");
    }
    Reader reader(bytes.substr(1));
    ConfigChangeRecord record;
    std::uint64_t type = 0;
    std::uint64_t node = 0;
    if (!reader.varint(type) || type > static_cast<std::uint64_t>(ConfigChangeType::remove_node)) {
        return corrupt("bad change type");
    }
    if (!reader.varint(node)) return corrupt("truncated node id");
    record.change.type = static_cast<ConfigChangeType>(type);
    record.change.node = NodeId(node);
    if (!reader.bytes(record.change.context)) return corrupt("truncated context");
    if (!reader.ids(record.config.voters) || !reader.ids(record.config.learners)) return corrupt("truncated ids");
    if (!reader.at_end()) return corrupt("trailing bytes");
    return record;
}

Entry bootstrap_entry(const Configuration& config, std::string context) {
    ConfigChangeRecord record;
    record.change.type = ConfigChangeType::add_voter;
    record.change.node = config.voters.empty() ? no_node : config.voters.front();
    record.change.context = std::move(context);
    record.config = config;
    return Entry{Term(1), Index(1), EntryType::config, encode_config_record(record)};
}

}  // namespace rq::raft
