// CRC32C: the published check value, incremental use, and the hardware path agreeing with the table.

#include "base/crc32c.h"

#include <gtest/gtest.h>

#include "base/random.h"

namespace rq {
namespace {

TEST(Crc32c, MatchesPublishedCheckValues) {
    EXPECT_EQ(crc32c("123456789"), 0xE3069283u);  // the standard CRC-32C check value
    EXPECT_EQ(crc32c(""), 0u);
    EXPECT_EQ(crc32c(std::string(32, '\0')), 0x8A9136AAu);  // RFC 3720 B.4: 32 bytes of zeros
    EXPECT_EQ(crc32c(std::string(32, '\xff')), 0x62A8AB43u);  // RFC 3720 B.4: 32 bytes of 0xff
}

TEST(Crc32c, ExtendingPiecesEqualsTheWhole) {
    const std::string data = "The quick brown fox jumps over the lazy dog, twice over for length.";
    for (std::size_t split = 0; split <= data.size(); ++split) {
        EXPECT_EQ(crc32c_extend(crc32c(data.substr(0, split)), data.substr(split)), crc32c(data)) << split;
    }
}

TEST(Crc32c, HardwareAndPortableAgreeOnEveryLengthAndAlignment) {
    Random random(1);
    std::string data(1000, '\0');
    for (char& c : data) c = static_cast<char>(random.below(256));
    for (std::size_t start = 0; start < 9; ++start) {
        for (std::size_t length = 0; start + length <= data.size(); length += 7) {
            EXPECT_EQ(crc32c_extend(5, data.data() + start, length), crc32c_extend_portable(5, data.data() + start, length));
        }
    }
}

}  // namespace
}  // namespace rq
