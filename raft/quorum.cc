#include "raft/quorum.h"

#include <algorithm>
#include <functional>

namespace rq::raft {

Index quorum_index(std::vector<Index> match_indexes) { return quorum_index_in_place(match_indexes); }

Index quorum_index_in_place(std::span<Index> match_indexes) {
    if (match_indexes.empty()) return Index(0);
    // Sorted descending, the majority-th value is stored by at least a majority of voters, and no
    // higher value is.
    const std::size_t position = majority(match_indexes.size()) - 1;
    std::nth_element(match_indexes.begin(), match_indexes.begin() + static_cast<std::ptrdiff_t>(position),
                     match_indexes.end(), std::greater<>());
    return match_indexes[position];
}

VoteResult tally_votes(const std::vector<std::optional<bool>>& votes) {
    std::size_t granted = 0;
    std::size_t rejected = 0;
    for (const auto& vote : votes) {
        if (!vote) continue;
        if (*vote) ++granted; else ++rejected;
    }
    const std::size_t needed = majority(votes.size());
    if (granted >= needed) return VoteResult::won;
    if (rejected > votes.size() - needed) return VoteResult::lost;
    return VoteResult::pending;
}

}  // namespace rq::raft
