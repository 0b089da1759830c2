#pragma once
// Little-endian fixed-width integers for the on-disk formats (WAL records, snapshot headers).
// Readers take a cursor and never read past the end: a short buffer is a decode failure, not UB.
// Also the fixed-width lower-case hex numbers in file names (segments, snapshots).

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace rq::wal {

inline void put_u8(std::string& out, std::uint8_t value) { out.push_back(static_cast<char>(value)); }

inline void put_u32(std::string& out, std::uint32_t value) {
    for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<char>((value >> shift) & 0xFFu));
}

inline void put_u64(std::string& out, std::uint64_t value) {
    for (int shift = 0; shift < 64; shift += 8) out.push_back(static_cast<char>((value >> shift) & 0xFFu));
}

// In place, into bytes the caller already sized (encoders that write a whole record at once). On a
// little-endian machine the value's own bytes are the encoding: one store instead of eight.
template <typename Unsigned>
void store_little_endian(char* out, Unsigned value) {
    if constexpr (std::endian::native == std::endian::little) {
        std::memcpy(out, &value, sizeof value);
    } else {
        for (std::size_t i = 0; i < sizeof value; ++i) out[i] = static_cast<char>((value >> (8 * i)) & 0xFFu);
    }
}

inline void store_u32(char* out, std::uint32_t value) { store_little_endian(out, value); }
inline void store_u64(char* out, std::uint64_t value) { store_little_endian(out, value); }

inline std::uint32_t get_u32_at(std::string_view bytes, std::size_t offset) {
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        value |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[offset + i])) << (8 * i);
    }
    return value;
}

inline std::uint64_t get_u64_at(std::string_view bytes, std::size_t offset) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < 8; ++i) {
        value |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[offset + i])) << (8 * i);
    }
    return value;
}

// Reads fields in order from a buffer; once a read runs past the end, ok() is false for good and
// every further read returns 0.
class ByteReader {
public:
    explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}

    std::uint8_t u8() { return has(1) ? static_cast<std::uint8_t>(bytes_[advance(1)]) : 0; }
    std::uint32_t u32() { return has(4) ? get_u32_at(bytes_, advance(4)) : 0; }
    std::uint64_t u64() { return has(8) ? get_u64_at(bytes_, advance(8)) : 0; }
    // The bytes not read yet.
    std::string_view rest() {
        if (!ok_) return {};
        std::string_view tail = bytes_.substr(position_);
        position_ = bytes_.size();
        return tail;
    }

    [[nodiscard]] bool ok() const { return ok_; }
    [[nodiscard]] bool at_end() const { return ok_ && position_ == bytes_.size(); }
    [[nodiscard]] std::size_t position() const { return position_; }

private:
    bool has(std::size_t count) {
        if (ok_ && bytes_.size() - position_ >= count) return true;
        ok_ = false;
        return false;
    }
    std::size_t advance(std::size_t count) {
        const std::size_t start = position_;
        position_ += count;
        return start;
    }

    std::string_view bytes_;
    std::size_t position_ = 0;
    bool ok_ = true;
};

// Appends `value` as exactly 16 lower-case hex digits, as "%016llx" writes it (without snprintf's
// format parsing: names are made on every snapshot and segment change).
inline void append_hex16(std::string& out, std::uint64_t value) {
    static constexpr char digits[] = "0123456789abcdef";
    const std::size_t start = out.size();
    out.resize(start + 16);
    for (std::size_t i = 16; i-- > 0; value >>= 4) out[start + i] = digits[value & 0xFu];
}

// Exactly 16 lower-case hex digits (as "%016llx" writes them) to their value; anything else is not
// one of our names.
inline std::optional<std::uint64_t> parse_hex16(std::string_view digits) {
    if (digits.size() != 16) return std::nullopt;
    std::uint64_t value = 0;
    for (const char c : digits) {
        std::uint64_t digit = 0;
        if (c >= '0' && c <= '9') {
            digit = static_cast<std::uint64_t>(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            digit = static_cast<std::uint64_t>(c - 'a' + 10);
        } else {
            return std::nullopt;
        }
        value = value * 16 + digit;
    }
    return value;
}

}  // namespace rq::wal
