// Majority arithmetic against brute-force references (etcd's quorum quick tests).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "raft/quorum.h"

namespace rq::raft {
namespace {

// The largest index i such that at least a majority of voters have match >= i.
Index brute_force_quorum_index(const std::vector<Index>& matches) {
    Index best(0);
    for (Index candidate : matches) {
        std::size_t holding = 0;
        for (Index match : matches) holding += match >= candidate ? 1U : 0U;
        if (holding >= majority(matches.size()) && candidate > best) best = candidate;
    }
    return best;
}

RC_GTEST_PROP(Quorum, IndexEqualsBruteForce, (const std::vector<std::uint8_t>& raw)) {
    RC_PRE(raw.size() <= 9);
    std::vector<Index> matches;
    for (auto value : raw) matches.emplace_back(value % 16);
    RC_ASSERT(quorum_index(matches) == brute_force_quorum_index(matches));
}

RC_GTEST_PROP(Quorum, TallyAgreesWithCounting, (const std::vector<std::uint8_t>& raw)) {
    RC_PRE(!raw.empty() && raw.size() <= 9);
    std::vector<std::optional<bool>> votes;
    std::size_t granted = 0;
    std::size_t unanswered = 0;
    for (auto value : raw) {
        if (value % 3 == 0) {
            votes.emplace_back(std::nullopt);
            ++unanswered;
        } else {
            votes.emplace_back(value % 3 == 1);
            granted += value % 3 == 1 ? 1U : 0U;
        }
    }
    const std::size_t needed = majority(votes.size());
    VoteResult expected = VoteResult::pending;
    if (granted >= needed) expected = VoteResult::won;
    else if (granted + unanswered < needed) expected = VoteResult::lost;  // cannot reach a majority
    RC_ASSERT(tally_votes(votes) == expected);
}

TEST(Quorum, ThesisSection3_6_CommitNeedsAMajority) {
    // Five voters, entry 7 stored on three of them: committed; on two: not.
    EXPECT_EQ(quorum_index({Index(7), Index(7), Index(7), Index(3), Index(0)}), Index(7));
    EXPECT_EQ(quorum_index({Index(7), Index(7), Index(3), Index(3), Index(0)}), Index(3));
    EXPECT_EQ(quorum_index({}), Index(0));
}

}  // namespace
}  // namespace rq::raft
