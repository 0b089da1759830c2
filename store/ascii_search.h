#pragma once
// Case-insensitive search for a short ASCII word in SQL text, for the cheap pre-filters that let
// nearly every statement skip tokenizing (the pragma guard, the rewriter). They run on every
// statement of every request and of every applied entry, so the scan looks at eight bytes at a time
// for the word's first letter and compares the word only where that letter appears.

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace rq::store {

namespace ascii_search_detail {

inline char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Whether `text` (same length) spells `lower_word` in any letter case.
inline bool spells(const char* text, std::string_view lower_word) {
    for (std::size_t i = 0; i < lower_word.size(); ++i) {
        if (lower(text[i]) != lower_word[i]) return false;
    }
    return true;
}

inline constexpr std::uint64_t byte_ones = 0x0101010101010101ULL;
inline constexpr std::uint64_t byte_highs = 0x8080808080808080ULL;

// A mask with the high bit of every byte of `word` that may be `letter` (lower case) in either case:
// no byte that is one is missed; a byte right after one may be flagged too, so the caller checks.
// Setting bit 5 makes an upper-case letter lower case (and never turns anything else into a letter).
inline std::uint64_t candidates(std::uint64_t word, unsigned char letter) {
    const std::uint64_t x = (word | (byte_ones * 0x20u)) ^ (byte_ones * letter);
    return (x - byte_ones) & ~x & byte_highs;  // the high bit of bytes that are zero
}

}  // namespace ascii_search_detail

// Whether `text` contains `lower_word` in any letter case (ASCII). `lower_word` must start with a
// lower-case letter; its other characters are lower-case letters or punctuation, matched as they are.
inline bool contains_ignoring_case(std::string_view text, std::string_view lower_word) {
    using namespace ascii_search_detail;
    if (lower_word.empty()) return true;
    if (lower_word.size() > text.size()) return false;
    const auto letter = static_cast<unsigned char>(lower_word.front());
    const std::size_t starts = text.size() - lower_word.size() + 1;  // positions the word can start at
    std::size_t at = 0;
    if constexpr (std::endian::native == std::endian::little) {
        for (; at + 8 <= starts; at += 8) {
            std::uint64_t word = 0;
            std::memcpy(&word, text.data() + at, sizeof word);
            for (std::uint64_t mask = candidates(word, letter); mask != 0; mask &= mask - 1) {
                const std::size_t start = at + static_cast<std::size_t>(std::countr_zero(mask)) / 8;
                if (spells(text.data() + start, lower_word)) return true;
            }
        }
    }
    for (; at < starts; ++at) {
        if (spells(text.data() + at, lower_word)) return true;
    }
    return false;
}

}  // namespace rq::store
