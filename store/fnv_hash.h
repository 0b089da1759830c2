#pragma once
// A streaming 64-bit FNV-1a hash: deterministic on every platform, for comparing replicas' contents
// and for checking a database file against its clean-shutdown record. Not cryptographic.

#include <cstdint>
#include <string_view>

namespace rq::store {

class FnvHash {
public:
    void add_bytes(const void* data, std::size_t size) {
        const auto* bytes = static_cast<const unsigned char*>(data);
        for (std::size_t i = 0; i < size; ++i) {
            state_ ^= bytes[i];
            state_ *= prime;
        }
    }
    // Little-endian bytes, so the hash does not depend on the machine.
    void add_u64(std::uint64_t value) {
        for (int i = 0; i < 8; ++i) {
            const auto byte = static_cast<unsigned char>(value >> (8 * i));
            add_bytes(&byte, 1);
        }
    }
    // Length first, so ("ab", "c") and ("a", "bc") differ.
    void add_string(std::string_view text) {
        add_u64(text.size());
        add_bytes(text.data(), text.size());
    }
    [[nodiscard]] std::uint64_t digest() const { return state_; }

private:
    static constexpr std::uint64_t offset_basis = 0xcbf29ce484222325ULL;
    static constexpr std::uint64_t prime = 0x100000001b3ULL;
    std::uint64_t state_ = offset_basis;
};

}  // namespace rq::store
