#include "sim/raft_oracle.h"

#include <algorithm>

namespace rq::sim {

RaftOracle::RaftOracle(Cluster& cluster) : cluster_(cluster), seen_(cluster.size()) {}

std::optional<std::string> RaftOracle::after_event() {
    for (std::size_t i = 0; i < cluster_.size(); ++i) {
        Process& p = cluster_.process(i);
        if (!p.up()) continue;
        const raft::Node& node = p.driver()->raft();
        if (node.role() == raft::Role::leader) {
            const auto [it, inserted] = leaders_by_term_.try_emplace(node.term(), i);  // no node built when known
            if (!inserted && it->second != i) {
                return "election safety: " + cluster_.process(it->second).id() + " and " + p.id() + " both lead term " +
                       std::to_string(node.term().value());
            }
        }
        Seen& seen = seen_[i];
        if (seen.generation != p.generation()) seen = Seen{p.generation(), raft::Index(0)};
        const raft::RaftLog& log = node.log();
        const raft::Index committed = log.committed();
        if (committed <= seen.committed) continue;
        for (raft::Index index = std::max(seen.committed + 1, log.first_index()); index <= committed; ++index) {
            const auto term = log.term(index);
            if (!term) continue;  // compacted into a snapshot
            const auto slot = static_cast<std::size_t>(index.value());
            if (committed_terms_.size() <= slot) committed_terms_.resize(slot + 1, raft::Term(0));
            if (committed_terms_[slot] == raft::Term(0)) {
                committed_terms_[slot] = *term;
            } else if (committed_terms_[slot] != *term) {
                return "commit safety: " + p.id() + " committed term " + std::to_string(term->value()) + " at index " +
                       std::to_string(index.value()) + " where term " + std::to_string(committed_terms_[slot].value()) +
                       " was committed before";
            }
        }
        seen.committed = committed;
    }
    return std::nullopt;
}

std::optional<std::string> RaftOracle::check_log_matching() {
    std::vector<std::size_t> up;
    for (std::size_t i = 0; i < cluster_.size(); ++i) {
        if (cluster_.process(i).up()) up.push_back(i);
    }
    for (std::size_t a = 0; a < up.size(); ++a) {
        for (std::size_t b = a + 1; b < up.size(); ++b) {
            const raft::RaftLog& x = cluster_.process(up[a]).driver()->raft().log();
            const raft::RaftLog& y = cluster_.process(up[b]).driver()->raft().log();
            const raft::Index low = std::max(x.first_index(), y.first_index());
            const raft::Index high = std::min(x.last_index(), y.last_index());
            bool matched = false;  // walking down: once two entries agree, every earlier one must
            for (raft::Index i = high; i >= low && i > raft::Index(0); --i) {
                const bool same = x.term(i) == y.term(i);
                if (matched && !same) {
                    return "log matching: " + cluster_.process(up[a]).id() + " and " + cluster_.process(up[b]).id() +
                           " agree above index " + std::to_string(i.value()) + " but differ at it";
                }
                matched = matched || same;
            }
        }
    }
    return std::nullopt;
}

std::optional<std::string> RaftOracle::check_replicas() {
    // Replicas at one applied index, with the hash the first of them had.
    std::map<raft::Index, std::pair<std::size_t, std::uint64_t>> by_index;
    for (std::size_t i = 0; i < cluster_.size(); ++i) {
        Process& p = cluster_.process(i);
        if (!p.up() || p.driver()->failure()) continue;
        const raft::Index applied = p.driver()->applied_index();
        auto hash = p.driver()->store().content_hash();
        if (!hash.ok()) {
            // A running node whose database cannot be read holds no replica at all: rotten bytes
            // got past the checksums (it must stop or repair instead).
            return "replica agreement: " + p.id() + " applied index " + std::to_string(applied.value()) +
                   " but cannot read its database: " + hash.error().message();
        }
        const auto [it, inserted] = by_index.emplace(applied, std::make_pair(i, *hash));
        if (inserted) continue;
        ++replica_comparisons_;
        if (it->second.second != *hash) {
            return "replica agreement: " + cluster_.process(it->second.first).id() + " and " + p.id() +
                   " both applied index " + std::to_string(applied.value()) + " but their databases differ";
        }
    }
    return std::nullopt;
}

}  // namespace rq::sim
