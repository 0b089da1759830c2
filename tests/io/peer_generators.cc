#include "tests/io/peer_generators.h"

#include <set>

#include "raft/codec.h"

namespace rq::io::testing {

namespace {

using rc::gen::arbitrary;

template <typename Strong>
rc::Gen<Strong> gen_number() {
    return rc::gen::map(arbitrary<std::uint64_t>(), [](std::uint64_t v) { return Strong(v); });
}

raft::Configuration gen_configuration_now() {
    const auto voters = *rc::gen::container<std::set<std::uint64_t>>(arbitrary<std::uint64_t>());
    const auto learners = *rc::gen::container<std::set<std::uint64_t>>(arbitrary<std::uint64_t>());
    raft::Configuration config;
    for (auto v : voters) config.voters.emplace_back(v);
    for (auto l : learners) {
        if (!voters.contains(l)) config.learners.emplace_back(l);
    }
    return config;
}

raft::SnapshotMetadata gen_metadata_now() {
    return {*gen_number<raft::Index>(), *gen_number<raft::Term>(), gen_configuration_now()};
}

raft::Entry gen_entry_now() {
    raft::Entry entry;
    entry.term = *gen_number<raft::Term>();
    entry.index = *gen_number<raft::Index>();
    entry.type = *rc::gen::element(raft::EntryType::normal, raft::EntryType::config, raft::EntryType::noop);
    if (entry.type == raft::EntryType::config) {
        raft::ConfigChangeRecord record;
        record.change.type = *rc::gen::element(raft::ConfigChangeType::add_voter, raft::ConfigChangeType::add_learner,
                                               raft::ConfigChangeType::remove_node);
        record.change.node = *gen_number<raft::NodeId>();
        record.change.context = *arbitrary<std::string>();
        record.config = gen_configuration_now();
        entry.data = raft::encode_config_record(record);
    } else if (entry.type == raft::EntryType::normal) {
        entry.data = *arbitrary<std::string>();
    }
    return entry;
}

raft::MessagePayload gen_payload_now() {
    switch (*rc::gen::inRange<std::size_t>(0, std::variant_size_v<raft::MessagePayload>)) {
        case 0: return raft::VoteRequest{*arbitrary<bool>(), *arbitrary<bool>(), *gen_number<raft::Index>(), *gen_number<raft::Term>()};
        case 1: return raft::VoteResponse{*arbitrary<bool>(), *arbitrary<bool>()};
        case 2: {
            raft::AppendRequest request{*gen_number<raft::Index>(), *gen_number<raft::Term>(), {}, *gen_number<raft::Index>()};
            const auto count = *rc::gen::inRange<std::size_t>(0, 6);
            for (std::size_t i = 0; i < count; ++i) request.entries.push_back(gen_entry_now());
            return request;
        }
        case 3: return raft::AppendResponse{*arbitrary<bool>(), *gen_number<raft::Index>(), *gen_number<raft::Index>(), *gen_number<raft::Term>()};
        case 4: return raft::Heartbeat{*gen_number<raft::Index>(), *arbitrary<std::uint64_t>()};
        case 5: return raft::HeartbeatResponse{*arbitrary<std::uint64_t>()};
        case 6: return raft::SnapshotChunk{gen_metadata_now(), *arbitrary<std::uint64_t>(), *arbitrary<std::uint64_t>(), *arbitrary<std::string>()};
        case 7:
            return raft::SnapshotResponse{*gen_number<raft::Index>(), *arbitrary<std::uint64_t>(), *arbitrary<bool>(),
                                          *arbitrary<bool>(), *arbitrary<bool>(), *gen_number<raft::Index>()};
        case 8: return raft::TimeoutNow{};
        case 9: return raft::ReadIndexRequest{*arbitrary<std::uint64_t>()};
        default: return raft::ReadIndexResponse{*arbitrary<std::uint64_t>(), *gen_number<raft::Index>()};
    }
}

node::NodeMeta gen_meta_now() { return {*arbitrary<std::string>(), *arbitrary<std::string>(), *arbitrary<std::string>()}; }

}  // namespace

rc::Gen<raft::Message> gen_raft_message() {
    return rc::gen::exec([] {
        return raft::Message{*gen_number<raft::NodeId>(), *gen_number<raft::NodeId>(), *gen_number<raft::Term>(),
                             gen_payload_now()};
    });
}

rc::Gen<ClusterRequest> gen_cluster_request() {
    return rc::gen::exec([]() -> ClusterRequest {
        switch (*rc::gen::inRange<std::size_t>(0, std::variant_size_v<ClusterRequest>)) {
            case 0: return JoinRequest{gen_meta_now(), *arbitrary<bool>()};
            case 1: return NotifyRequest{gen_meta_now()};
            case 2:
                return ForwardRequest{*arbitrary<std::string>(), *arbitrary<std::string>(), *arbitrary<std::string>(),
                                      *arbitrary<std::string>(), *arbitrary<std::string>()};
            case 3: return MetadataRequest{};
            case 4: return RemoveRequest{*arbitrary<std::string>()};
            default: return TransferRequest{*arbitrary<std::string>()};
        }
    });
}

rc::Gen<ClusterResponse> gen_cluster_response() {
    return rc::gen::exec([] {
        ClusterResponse response;
        response.error = *arbitrary<std::string>();
        response.leader_raft_address = *arbitrary<std::string>();
        response.http_status = *arbitrary<unsigned>();
        response.http_headers = *arbitrary<std::vector<std::pair<std::string, std::string>>>();
        response.http_body = *arbitrary<std::string>();
        response.meta = gen_meta_now();
        response.version = *arbitrary<std::string>();
        return response;
    });
}

rc::Gen<PeerFrame> gen_peer_frame() {
    return rc::gen::exec([]() -> PeerFrame {
        switch (*rc::gen::inRange<std::size_t>(0, std::variant_size_v<PeerFrame>)) {
            case 0: return Hello{*arbitrary<std::uint32_t>(), *arbitrary<std::string>(), *arbitrary<std::string>()};
            case 1: return RaftBatch{*rc::gen::container<std::vector<raft::Message>>(gen_raft_message())};
            case 2: return Ping{*arbitrary<std::uint64_t>()};
            case 3: return Pong{*arbitrary<std::uint64_t>()};
            case 4: return CallRequest{*arbitrary<std::uint64_t>(), *gen_cluster_request()};
            default: return CallResponse{*arbitrary<std::uint64_t>(), *gen_cluster_response()};
        }
    });
}

}  // namespace rq::io::testing
