#include "base/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define RQ_CRC32C_X86 1
#include <nmmintrin.h>
#endif

namespace rq {
namespace {

constexpr std::uint32_t castagnoli_reflected = 0x82F63B78u;

// tables[k][b]: the CRC of byte b followed by k zero bytes; slicing-by-8 folds 8 bytes per step.
using Tables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr Tables make_tables() {
    Tables tables{};
    for (std::uint32_t byte = 0; byte < 256; ++byte) {
        std::uint32_t crc = byte;
        for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) ? castagnoli_reflected : 0u);
        tables[0][byte] = crc;
    }
    for (std::size_t k = 1; k < 8; ++k) {
        for (std::size_t byte = 0; byte < 256; ++byte) {
            const std::uint32_t previous = tables[k - 1][byte];
            tables[k][byte] = (previous >> 8) ^ tables[0][previous & 0xFFu];
        }
    }
    return tables;
}

constexpr Tables tables = make_tables();

std::uint64_t load_u64_little_endian(const unsigned char* bytes) {
    std::uint64_t value = 0;
    std::memcpy(&value, bytes, sizeof value);  // x86_64 and arm64 Linux are little-endian
    return value;
}

std::uint32_t extend_table(std::uint32_t state, const unsigned char* bytes, std::size_t length) {
    while (length >= 8) {
        const std::uint64_t word = load_u64_little_endian(bytes) ^ state;
        state = tables[7][word & 0xFFu] ^ tables[6][(word >> 8) & 0xFFu] ^ tables[5][(word >> 16) & 0xFFu] ^
                tables[4][(word >> 24) & 0xFFu] ^ tables[3][(word >> 32) & 0xFFu] ^
                tables[2][(word >> 40) & 0xFFu] ^ tables[1][(word >> 48) & 0xFFu] ^ tables[0][word >> 56];
        bytes += 8;
        length -= 8;
    }
    while (length > 0) {
        state = (state >> 8) ^ tables[0][(state ^ *bytes) & 0xFFu];
        ++bytes;
        --length;
    }
    return state;
}

#if RQ_CRC32C_X86
__attribute__((target("sse4.2"))) std::uint32_t extend_sse42(std::uint32_t state, const unsigned char* bytes,
                                                             std::size_t length) {
    std::uint64_t wide = state;
    while (length >= 8) {
        wide = _mm_crc32_u64(wide, load_u64_little_endian(bytes));
        bytes += 8;
        length -= 8;
    }
    auto narrow = static_cast<std::uint32_t>(wide);
    while (length > 0) {
        narrow = _mm_crc32_u8(narrow, *bytes);
        ++bytes;
        --length;
    }
    return narrow;
}

bool detect_sse42() {
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse4.2");
}
#endif

}  // namespace

std::uint32_t crc32c_extend_portable(std::uint32_t crc, const void* data, std::size_t length) {
    return ~extend_table(~crc, static_cast<const unsigned char*>(data), length);
}

bool crc32c_uses_hardware() {
#if RQ_CRC32C_X86
    static const bool has_sse42 = detect_sse42();
    return has_sse42;
#else
    return false;
#endif
}

std::uint32_t crc32c_extend(std::uint32_t crc, const void* data, std::size_t length) {
#if RQ_CRC32C_X86
    if (crc32c_uses_hardware()) return ~extend_sse42(~crc, static_cast<const unsigned char*>(data), length);
#endif
    return crc32c_extend_portable(crc, data, length);
}

}  // namespace rq
