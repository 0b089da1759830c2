#include "raft/printer.h"

#include <sstream>

#include "raft/codec.h"

namespace rq::raft {

namespace {

template <typename... Handlers>
struct Overloaded : Handlers... {
    using Handlers::operator()...;
};
template <typename... Handlers>
Overloaded(Handlers...) -> Overloaded<Handlers...>;

const char* entry_type_name(EntryType type) {
    switch (type) {
        case EntryType::normal: return "normal";
        case EntryType::config: return "config";
        case EntryType::noop: return "noop";
    }
    return "?";
}

const char* change_type_name(ConfigChangeType type) {
    switch (type) {
        case ConfigChangeType::add_voter: return "add-voter";
        case ConfigChangeType::add_learner: return "add-learner";
        case ConfigChangeType::remove_node: return "remove";
    }
    return "?";
}

// Printable bytes as they are; anything else as \xNN, so binary data cannot break a trace line.
std::string quote(std::string_view data) {
    static constexpr std::size_t limit = 48;
    std::string out = "\"";
    for (std::size_t i = 0; i < data.size() && i < limit; ++i) {
        const auto c = static_cast<unsigned char>(data[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 0xf];
        }
    }
    if (data.size() > limit) out += "...(" + std::to_string(data.size()) + " bytes)";
    return out + "\"";
}

void print_ids(std::ostringstream& out, const std::vector<NodeId>& ids) {
    out << '[';
    for (std::size_t i = 0; i < ids.size(); ++i) out << (i ? " " : "") << ids[i];
    out << ']';
}

std::string describe_entries(const std::vector<Entry>& entries) {
    std::string out = "[";
    for (std::size_t i = 0; i < entries.size(); ++i) out += (i ? ", " : "") + describe(entries[i]);
    return out + "]";
}

}  // namespace

std::string describe(const Entry& entry) {
    std::ostringstream out;
    out << entry.term << '/' << entry.index << ' ' << entry_type_name(entry.type);
    if (entry.type == EntryType::config) {
        auto record = decode_config_record(entry.data);
        if (record.ok()) {
            out << ' ' << change_type_name(record->change.type) << ' ' << record->change.node << " -> "
                << describe(record->config);
        } else {
            out << " <" << record.error().message() << '>';
        }
    } else if (entry.type == EntryType::normal) {
        out << ' ' << quote(entry.data);
    }
    return out.str();
}

std::string describe(const HardState& state) {
    std::ostringstream out;
    out << "term=" << state.term << " vote=" << state.vote << " commit=" << state.commit;
    return out.str();
}

std::string describe(const Configuration& config) {
    std::ostringstream out;
    out << "voters=";
    print_ids(out, config.voters);
    if (!config.learners.empty()) {
        out << " learners=";
        print_ids(out, config.learners);
    }
    return out.str();
}

std::string describe(const SnapshotMetadata& snapshot) {
    std::ostringstream out;
    out << snapshot.term << '/' << snapshot.index << ' ' << describe(snapshot.config);
    return out.str();
}

std::string describe(const Message& message) {
    std::ostringstream out;
    out << message.from << "->" << message.to << ' ';
    std::visit(
        Overloaded{
            [&](const VoteRequest& m) {
                out << (m.pre_vote ? "PreVote" : "Vote") << " term=" << message.term << " last=" << m.last_log_term
                    << '/' << m.last_log_index << (m.leadership_transfer ? " transfer" : "");
            },
            [&](const VoteResponse& m) {
                out << (m.pre_vote ? "PreVoteResponse" : "VoteResponse") << " term=" << message.term
                    << (m.granted ? " granted" : " rejected");
            },
            [&](const AppendRequest& m) {
                out << "Append term=" << message.term << " prev=" << m.prev_term << '/' << m.prev_index
                    << " commit=" << m.commit << " entries=" << describe_entries(m.entries);
            },
            [&](const AppendResponse& m) {
                out << "AppendResponse term=" << message.term;
                if (m.rejected) {
                    out << " rejected index=" << m.index << " hint=" << m.hint_term << '/' << m.hint_index;
                } else {
                    out << " index=" << m.index;
                }
            },
            [&](const Heartbeat& m) {
                out << "Heartbeat term=" << message.term << " commit=" << m.commit << " round=" << m.read_round;
            },
            [&](const HeartbeatResponse& m) {
                out << "HeartbeatResponse term=" << message.term << " round=" << m.read_round;
            },
            [&](const SnapshotChunk& m) {
                out << "SnapshotChunk term=" << message.term << " snapshot=" << describe(m.metadata)
                    << " offset=" << m.offset << " bytes=" << m.data.size() << " total=" << m.total_bytes
                    << (m.is_last() ? " last" : "");
            },
            [&](const SnapshotResponse& m) {
                out << "SnapshotResponse term=" << message.term << " snapshot=" << m.snapshot_index;
                if (m.rejected) {
                    out << " rejected index=" << m.index;
                } else if (m.installed) {
                    out << " installed";
                } else {
                    out << " next=" << m.next_offset << (m.rewind ? " rewind" : "");
                }
            },
            [&](const TimeoutNow&) { out << "TimeoutNow term=" << message.term; },
            [&](const ReadIndexRequest& m) { out << "ReadIndex term=" << message.term << " id=" << m.read_id; },
            [&](const ReadIndexResponse& m) {
                out << "ReadIndexResponse term=" << message.term << " id=" << m.read_id << " index=" << m.index;
            },
        },
        message.payload);
    return out.str();
}

std::string describe(const Ready& ready) {
    std::ostringstream out;
    if (ready.soft_state) {
        out << "  soft: leader=" << ready.soft_state->leader << ' ' << role_name(ready.soft_state->role) << '\n';
    }
    if (ready.hard_state) out << "  hard: " << describe(*ready.hard_state) << '\n';
    for (const SnapshotChunk& chunk : ready.snapshot_chunks) {
        out << "  snapshot chunk: " << describe(chunk.metadata) << " offset=" << chunk.offset
            << " bytes=" << chunk.data.size() << '\n';
    }
    if (ready.snapshot) out << "  install snapshot: " << describe(*ready.snapshot) << '\n';
    for (const Entry& entry : ready.entries) out << "  persist: " << describe(entry) << '\n';
    if (ready.must_sync) out << "  sync\n";
    for (const Message& message : ready.messages) out << "  send: " << describe(message) << '\n';
    for (const Entry& entry : ready.committed_entries) out << "  apply: " << describe(entry) << '\n';
    for (const ReadState& read : ready.read_states) {
        out << "  read: id=" << read.read_id << " index=" << read.index << '\n';
    }
    return out.str();
}

std::string describe(const NodeStatus& status) {
    std::ostringstream out;
    out << status.id << ' ' << role_name(status.role) << " leader=" << status.leader << ' '
        << describe(status.hard_state) << " applied=" << status.applied << " log=" << status.first_index << ".."
        << status.last_index << ' ' << describe(status.config);
    for (const auto& progress : status.progress) {
        out << "\n  " << progress.id << ": match=" << progress.match << " next=" << progress.next << ' '
            << progress_state_name(progress.state) << (progress.recent_active ? " active" : "");
    }
    if (status.transfer_target != no_node) out << "\n  transferring to " << status.transfer_target;
    return out.str();
}

std::uint64_t Message::size_bytes() const {
    std::uint64_t bytes = 32;
    if (const auto* append = std::get_if<AppendRequest>(&payload)) {
        for (const Entry& entry : append->entries) bytes += entry.size_bytes();
    } else if (const auto* chunk = std::get_if<SnapshotChunk>(&payload)) {
        bytes += chunk->data.size();
    }
    return bytes;
}

}  // namespace rq::raft
