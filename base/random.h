#pragma once
// A small, fast, seeded PRNG (xoshiro256**, seeded through splitmix64). Deterministic across
// platforms and compilers, unlike std:: distributions, so one seed replays one run byte for byte.
// Engine code never creates entropy: every Random is constructed from a seed handed in.

#include <cstdint>

#include "base/assert.h"

namespace rq {

class Random {
public:
    explicit Random(std::uint64_t seed) {
        std::uint64_t s = seed;
        for (auto& word : state_) word = splitmix64(s);
    }

    std::uint64_t next_u64() {
        const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
        const std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotl(state_[3], 45);
        return result;
    }

    // Uniform in [0, bound). Lemire's multiply-shift; the tiny bias is irrelevant for our uses.
    std::uint64_t below(std::uint64_t bound) {
        RQ_ASSERT(bound > 0);
        return static_cast<std::uint64_t>((static_cast<uint128>(next_u64()) * bound) >> 64);
    }

    // Uniform in [low, high], inclusive.
    std::uint64_t between(std::uint64_t low, std::uint64_t high) {
        RQ_ASSERT(low <= high, low, high);
        return low + below(high - low + 1);
    }

    // True with probability numerator / denominator.
    bool chance(std::uint64_t numerator, std::uint64_t denominator) { return below(denominator) < numerator; }

    // A child generator with an independent stream, for splitting one seed per subsystem.
    Random fork() { return Random(next_u64()); }

private:
    __extension__ using uint128 = unsigned __int128;  // GCC/Clang extension; -Wpedantic accepts it so marked

    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    static std::uint64_t splitmix64(std::uint64_t& x) {
        std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    std::uint64_t state_[4];
};

}  // namespace rq
