#pragma once
// CRC32C (Castagnoli), the checksum on every WAL record and snapshot block.
//
// crc32c_extend(crc32c(a), b) == crc32c(a + b), so a checksum can be computed over data that arrives
// in pieces. Uses the SSE4.2 crc32 instruction when the CPU has it (detected at run time, so the
// build needs no special flags) and a slicing-by-8 table otherwise; both give the same values.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rq {

// Continues a checksum: `crc` is the value returned for the bytes before `data` (0 for none).
std::uint32_t crc32c_extend(std::uint32_t crc, const void* data, std::size_t length);

inline std::uint32_t crc32c_extend(std::uint32_t crc, std::string_view data) {
    return crc32c_extend(crc, data.data(), data.size());
}

inline std::uint32_t crc32c(std::string_view data) { return crc32c_extend(0, data); }

// The portable implementation, exposed so tests can compare it with the hardware one.
std::uint32_t crc32c_extend_portable(std::uint32_t crc, const void* data, std::size_t length);

// Whether crc32c_extend uses the SSE4.2 instruction on this machine.
bool crc32c_uses_hardware();

}  // namespace rq
