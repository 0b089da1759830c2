// Feeds arbitrary bytes to store::decode_command, the decoder of every replicated log entry: it must
// return a clean error or a command, never crash, assert or read out of bounds. A command that
// decodes must survive an encode/decode round trip unchanged (compared as bytes: a NaN parameter is
// not equal to itself).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "store/command.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    auto command = rq::store::decode_command(bytes);
    if (!command.ok()) return 0;
    const std::string encoded = rq::store::encode_command(*command);
    auto again = rq::store::decode_command(encoded);
    if (!again.ok() || rq::store::encode_command(*again) != encoded) std::abort();
    return 0;
}
