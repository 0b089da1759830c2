#include "cmd/rqbench/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "base/assert.h"

namespace rq::rqbench {

LatencyHistogram::LatencyHistogram() : bins_(kBinCount, 0) {}

std::size_t LatencyHistogram::bin_index(std::uint64_t value) {
    if (value < kBinsPerOctave) return static_cast<std::size_t>(value);
    const auto top_bit = static_cast<unsigned>(63 - std::countl_zero(value));  // >= kPrecisionBits
    const unsigned shift = top_bit - kPrecisionBits;
    const std::uint64_t within_octave = (value >> shift) - kBinsPerOctave;  // in [0, kBinsPerOctave)
    return static_cast<std::size_t>((std::uint64_t{shift} + 1) * kBinsPerOctave + within_octave);
}

std::uint64_t LatencyHistogram::bin_lowest(std::size_t index) {
    RQ_ASSERT(index < kBinCount, index);
    if (index < kBinsPerOctave) return index;
    const std::uint64_t shift = index / kBinsPerOctave - 1;
    const std::uint64_t within_octave = index % kBinsPerOctave;
    return (kBinsPerOctave + within_octave) << shift;
}

std::uint64_t LatencyHistogram::bin_highest(std::size_t index) {
    RQ_ASSERT(index < kBinCount, index);
    if (index < kBinsPerOctave) return index;
    const std::uint64_t shift = index / kBinsPerOctave - 1;
    return bin_lowest(index) + ((std::uint64_t{1} << shift) - 1);
}

void LatencyHistogram::record(std::uint64_t value) {
    ++bins_[bin_index(value)];
    ++count_;
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
    sum_ += static_cast<long double>(value);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
    for (std::size_t i = 0; i < kBinCount; ++i) bins_[i] += other.bins_[i];
    count_ += other.count_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
    sum_ += other.sum_;
}

double LatencyHistogram::mean() const {
    return count_ == 0 ? 0.0 : static_cast<double>(sum_ / static_cast<long double>(count_));
}

std::uint64_t LatencyHistogram::rank_for(double percent, std::uint64_t count) {
    RQ_ASSERT(percent >= 0.0 && percent <= 100.0, percent);
    constexpr std::uint64_t kMillionths = 100'000'000;  // 100 percent in millionths of a percent
    const auto millionths = static_cast<std::uint64_t>(std::llround(percent * 1'000'000.0));
    // ceil(millionths * count / kMillionths) without overflow: split count by kMillionths.
    const std::uint64_t whole = count / kMillionths;
    const std::uint64_t part = count % kMillionths;
    const std::uint64_t rank = millionths * whole + (millionths * part + kMillionths - 1) / kMillionths;
    return std::max<std::uint64_t>(rank, 1);
}

std::uint64_t LatencyHistogram::percentile(double percent) const {
    if (count_ == 0) return 0;
    const std::uint64_t rank = rank_for(percent, count_);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < kBinCount; ++i) {
        seen += bins_[i];
        if (seen >= rank) return std::min(bin_highest(i), max_);
    }
    RQ_UNREACHABLE("histogram bins add up to less than its count", seen, count_);
}

}  // namespace rq::rqbench
