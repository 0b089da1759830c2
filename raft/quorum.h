#pragma once
// Majority arithmetic (thesis 3.6: an entry is committed once a majority of voters store it; 3.4: a
// candidate wins with votes from a majority). Pure functions, tested against brute force.

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "raft/types.h"

namespace rq::raft {

[[nodiscard]] constexpr std::size_t majority(std::size_t voters) { return voters / 2 + 1; }

// The highest index stored by a majority of voters, given each voter's match index.
// With no voters the result is 0.
[[nodiscard]] Index quorum_index(std::vector<Index> match_indexes);
// The same, reordering the caller's indexes instead of copying them (the leader asks on every
// acknowledgement, with a buffer it keeps).
[[nodiscard]] Index quorum_index_in_place(std::span<Index> match_indexes);

enum class VoteResult { pending, won, lost };

// votes[i] is the i-th voter's answer, or nullopt when it has not answered.
[[nodiscard]] VoteResult tally_votes(const std::vector<std::optional<bool>>& votes);

}  // namespace rq::raft
