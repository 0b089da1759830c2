#pragma once
// The set of search configurations already explored for one key: (linearized set, state id).
//
// The linearized set is stored compactly as a key of 32-bit words (see search.cc for what they
// mean); keys have varying length and live in one arena. Open addressing with linear probing on a
// 64-bit hash; the hash only picks the slot, equality is always checked exactly, so a collision
// can cost time but never a wrong verdict.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace rq::check {

class ConfigurationMemo {
public:
    enum class Insert : std::uint8_t { added, present, full };

    // The memo refuses new entries (returns full) once it would use more than bytes_max.
    explicit ConfigurationMemo(std::size_t bytes_max);

    // Adds (key, state) unless present. `hash` must be a function of (key, state) alone.
    Insert insert(std::uint64_t hash, std::span<const std::uint32_t> key, std::uint32_t state);

    [[nodiscard]] std::size_t size() const { return size_; }
    [[nodiscard]] std::size_t bytes() const;

private:
    static constexpr std::uint32_t kEmpty = 0xffffffffU;
    struct Slot {
        std::uint64_t hash = 0;
        std::uint32_t offset = kEmpty;  // arena index of the key's length word, then its words
        std::uint32_t state = 0;
    };

    [[nodiscard]] bool equal(const Slot& slot, std::span<const std::uint32_t> key, std::uint32_t state) const;
    bool grow();

    std::size_t bytes_max_;
    std::vector<Slot> slots_;
    std::vector<std::uint32_t> arena_;
    std::size_t size_ = 0;
};

}  // namespace rq::check
