#pragma once
// Latencies in nanoseconds, counted in log-bucketed bins as HdrHistogram counts them: values below
// 2^kPrecisionBits are kept exactly; above that every power of two is split into 2^kPrecisionBits
// equal bins, so a reported percentile is never below the true sample and at most 1/128 (0.8%)
// above it. Fixed memory (about 58 KiB), constant-time record(), no allocation after construction.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace rq::rqbench {

class LatencyHistogram {
public:
    static constexpr unsigned kPrecisionBits = 7;
    static constexpr std::uint64_t kBinsPerOctave = std::uint64_t{1} << kPrecisionBits;
    // Bins for every 64-bit value: the exact range, then one group per remaining power of two.
    static constexpr std::size_t kBinCount = (64 - kPrecisionBits + 1) * kBinsPerOctave;

    LatencyHistogram();

    void record(std::uint64_t value);
    void merge(const LatencyHistogram& other);

    [[nodiscard]] std::uint64_t count() const { return count_; }
    // Exact, as recorded; 0 when empty.
    [[nodiscard]] std::uint64_t min() const { return count_ == 0 ? 0 : min_; }
    [[nodiscard]] std::uint64_t max() const { return max_; }
    [[nodiscard]] double mean() const;

    // Nearest-rank percentile, `percent` in [0, 100]: the bin holding the sample of rank
    // rank_for(percent, count()) in sorted order, reported as the highest value that bin can hold
    // but never above max(). 0 when empty.
    [[nodiscard]] std::uint64_t percentile(double percent) const;

    // The 1-based rank of the nearest-rank percentile among `count` sorted samples:
    // ceil(percent / 100 * count), at least 1. `percent` is resolved to a millionth of a percent, so
    // that 99.9 means exactly 999/1000 and not its nearest double.
    static std::uint64_t rank_for(double percent, std::uint64_t count);

    static std::size_t bin_index(std::uint64_t value);
    static std::uint64_t bin_lowest(std::size_t index);
    static std::uint64_t bin_highest(std::size_t index);

private:
    std::vector<std::uint64_t> bins_;
    std::uint64_t count_ = 0;
    std::uint64_t min_ = UINT64_MAX;
    std::uint64_t max_ = 0;
    long double sum_ = 0;  // wide enough that a long run's sum of nanoseconds stays exact in practice
};

}  // namespace rq::rqbench
