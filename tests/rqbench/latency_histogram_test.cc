#include "cmd/rqbench/latency_histogram.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <vector>

namespace rq::rqbench {
namespace {

using H = LatencyHistogram;

TEST(LatencyHistogramBins, SmallValuesAreExact) {
    for (std::uint64_t v = 0; v < H::kBinsPerOctave * 2; ++v) {
        const std::size_t bin = H::bin_index(v);
        EXPECT_EQ(H::bin_lowest(bin), v);
        EXPECT_EQ(H::bin_highest(bin), v);
    }
}

TEST(LatencyHistogramBins, CoverEverySixtyFourBitValueWithoutGapsOrOverlaps) {
    EXPECT_EQ(H::bin_lowest(0), 0u);
    EXPECT_EQ(H::bin_highest(H::kBinCount - 1), UINT64_MAX);
    EXPECT_EQ(H::bin_index(UINT64_MAX), H::kBinCount - 1);
    for (std::size_t i = 0; i + 1 < H::kBinCount; ++i) {
        ASSERT_EQ(H::bin_lowest(i + 1), H::bin_highest(i) + 1) << "bin " << i;
        ASSERT_EQ(H::bin_index(H::bin_lowest(i)), i);
        ASSERT_EQ(H::bin_index(H::bin_highest(i)), i);
    }
}

TEST(LatencyHistogramBins, WidthIsAtMostA128thOfTheLowestValue) {
    for (std::size_t i = H::kBinsPerOctave; i < H::kBinCount; ++i) {
        const std::uint64_t width = H::bin_highest(i) - H::bin_lowest(i) + 1;
        ASSERT_LE(width, H::bin_lowest(i) / H::kBinsPerOctave) << "bin " << i;
    }
}

TEST(LatencyHistogramRank, IsTheNearestRank) {
    EXPECT_EQ(H::rank_for(50, 100), 50u);
    EXPECT_EQ(H::rank_for(99, 100), 99u);
    EXPECT_EQ(H::rank_for(99.9, 100), 100u);
    EXPECT_EQ(H::rank_for(99.9, 1000), 999u);  // not 1000: 99.9 is taken exactly
    EXPECT_EQ(H::rank_for(99.9, 1001), 1000u);
    EXPECT_EQ(H::rank_for(50, 3), 2u);
    EXPECT_EQ(H::rank_for(50, 1), 1u);
    EXPECT_EQ(H::rank_for(0, 5), 1u);
    EXPECT_EQ(H::rank_for(100, 5), 5u);
    EXPECT_EQ(H::rank_for(99.9, 1'000'000'000'000'000'000), 999'000'000'000'000'000u);  // no overflow
}

TEST(LatencyHistogram, EmptyReportsZeros) {
    const H histogram;
    EXPECT_EQ(histogram.count(), 0u);
    EXPECT_EQ(histogram.min(), 0u);
    EXPECT_EQ(histogram.max(), 0u);
    EXPECT_EQ(histogram.mean(), 0.0);
    EXPECT_EQ(histogram.percentile(50), 0u);
}

TEST(LatencyHistogram, KnownSamples) {
    H histogram;
    for (std::uint64_t v = 1; v <= 100; ++v) histogram.record(v * 1000);  // 1 us .. 100 us
    EXPECT_EQ(histogram.count(), 100u);
    EXPECT_EQ(histogram.min(), 1000u);
    EXPECT_EQ(histogram.max(), 100'000u);
    EXPECT_DOUBLE_EQ(histogram.mean(), 50'500.0);
    // 50'000 lies in the bin [49'920, 50'175] (width 256 between 2^15 and 2^16): reported as its top.
    EXPECT_EQ(histogram.percentile(50), H::bin_highest(H::bin_index(50'000)));
    EXPECT_GE(histogram.percentile(50), 50'000u);
    EXPECT_LE(histogram.percentile(50), 50'000u + 50'000u / 128);
    EXPECT_EQ(histogram.percentile(100), 100'000u);  // capped at the exact maximum
}

// Values over many orders of magnitude: each a random 64-bit number shifted right by 0..63 bits.
rc::Gen<std::vector<std::uint64_t>> samples() {
    return rc::gen::nonEmpty(rc::gen::container<std::vector<std::uint64_t>>(
        rc::gen::apply([](std::uint64_t raw, int shift) { return raw >> shift; }, rc::gen::arbitrary<std::uint64_t>(),
                       rc::gen::inRange(0, 64))));
}

RC_GTEST_PROP(LatencyHistogramProperty, PercentilesMatchASortedVectorWithinOneBin, ()) {
    std::vector<std::uint64_t> values = *samples();
    const double percent = *rc::gen::inRange(0, 100'001) / 1000.0;
    H histogram;
    for (std::uint64_t v : values) histogram.record(v);
    std::sort(values.begin(), values.end());

    RC_ASSERT(histogram.count() == values.size());
    RC_ASSERT(histogram.min() == values.front());
    RC_ASSERT(histogram.max() == values.back());
    for (double p : {percent, 50.0, 99.0, 99.9, 0.0, 100.0}) {
        const std::uint64_t truth = values[H::rank_for(p, values.size()) - 1];
        const std::uint64_t reported = histogram.percentile(p);
        RC_ASSERT(reported >= truth);
        RC_ASSERT(reported <= values.back());
        RC_ASSERT(H::bin_index(reported) == H::bin_index(truth));
        RC_ASSERT(reported - truth <= truth / H::kBinsPerOctave);
    }
}

RC_GTEST_PROP(LatencyHistogramProperty, RankCountsAsASortedVectorDoes, ()) {
    const auto count = *rc::gen::inRange<std::uint64_t>(1, 5000);
    const double percent = *rc::gen::inRange(0, 100'001) / 1000.0;
    const std::uint64_t rank = H::rank_for(percent, count);
    RC_ASSERT(rank >= 1);
    RC_ASSERT(rank <= count);
    // The nearest rank: at least percent% of the samples are at or below it, and one fewer is not.
    const std::uint64_t millionths = static_cast<std::uint64_t>(std::llround(percent * 1'000'000));
    RC_ASSERT(rank * 100'000'000 >= millionths * count);
    if (rank > 1) RC_ASSERT((rank - 1) * 100'000'000 < millionths * count);
}

RC_GTEST_PROP(LatencyHistogramProperty, MergeEqualsRecordingEverything, ()) {
    const std::vector<std::uint64_t> first = *samples();
    const std::vector<std::uint64_t> second = *samples();
    H a;
    H b;
    H both;
    for (std::uint64_t v : first) {
        a.record(v);
        both.record(v);
    }
    for (std::uint64_t v : second) {
        b.record(v);
        both.record(v);
    }
    a.merge(b);
    RC_ASSERT(a.count() == both.count());
    RC_ASSERT(a.min() == both.min());
    RC_ASSERT(a.max() == both.max());
    for (double p : {0.0, 25.0, 50.0, 90.0, 99.0, 99.9, 100.0}) RC_ASSERT(a.percentile(p) == both.percentile(p));
}

}  // namespace
}  // namespace rq::rqbench
