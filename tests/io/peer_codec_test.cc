// The node-to-node codec and framing: every frame round-trips, and bytes from a broken or hostile
// peer (garbage, truncated frames, flipped bits, oversized lengths, rule-breaking contents) give an
// Error and never a crash.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <capnp/message.h>
#include <capnp/serialize.h>

#include "io/peer.capnp.h"
#include "io/peer_frame.h"
#include "tests/io/peer_generators.h"

namespace rq::io {
namespace {

constexpr std::uint32_t max_frame = 256u << 20;

RC_GTEST_PROP(PeerCodec, EveryFrameRoundTrips, ()) {
    const PeerFrame frame = *testing::gen_peer_frame();
    const std::string payload = encode_frame_payload(frame);
    RC_ASSERT(payload.size() % 8 == 0);
    auto decoded = decode_frame_payload(payload);
    RC_ASSERT(decoded.ok());
    RC_ASSERT(*decoded == frame);

    auto framed = decode_frame(encode_frame(frame), max_frame);
    RC_ASSERT(framed.ok());
    RC_ASSERT(*framed == frame);
}

RC_GTEST_PROP(PeerCodec, EveryRaftMessageRoundTripsInABatch, ()) {
    const raft::Message message = *testing::gen_raft_message();
    auto decoded = decode_frame(encode_frame(RaftBatch{{message}}), max_frame);
    RC_ASSERT(decoded.ok());
    const auto& batch = std::get<RaftBatch>(*decoded);
    RC_ASSERT(batch.messages.size() == 1u);
    RC_ASSERT(batch.messages[0] == message);
}

RC_GTEST_PROP(PeerCodec, TruncatedFramesAreErrors, ()) {
    const std::string bytes = encode_frame(*testing::gen_peer_frame());
    const auto cut = *rc::gen::inRange<std::size_t>(0, bytes.size());
    RC_ASSERT(!decode_frame(std::string_view(bytes).substr(0, cut), max_frame).ok());
}

RC_GTEST_PROP(PeerCodec, AnyFlippedBitIsAnError, ()) {
    std::string bytes = encode_frame(*testing::gen_peer_frame());
    const auto bit = *rc::gen::inRange<std::size_t>(0, bytes.size() * 8);
    bytes[bit / 8] = static_cast<char>(bytes[bit / 8] ^ (1 << (bit % 8)));
    RC_ASSERT(!decode_frame(bytes, max_frame).ok());
}

// Past the checksum (as if a peer computed it over garbage): the Cap'n Proto reader itself must
// survive anything. Decoding may succeed or fail; it must not crash, hang or throw.
RC_GTEST_PROP(PeerCodec, MangledPayloadsNeverCrashTheDecoder, ()) {
    std::string payload = encode_frame_payload(*testing::gen_peer_frame());
    const auto changes = *rc::gen::inRange<std::size_t>(1, 16);
    for (std::size_t i = 0; i < changes; ++i) {
        const auto at = *rc::gen::inRange<std::size_t>(0, payload.size());
        payload[at] = *rc::gen::arbitrary<char>();
    }
    (void)decode_frame_payload(payload);
}

RC_GTEST_PROP(PeerCodec, GarbageIsNeverAFrame, (const std::string& garbage)) {
    RC_ASSERT(!decode_frame(garbage, max_frame).ok());
    (void)decode_frame_payload(garbage);  // no checksum in the way: must not crash
}

TEST(PeerCodec, AWholeFrameOfGarbageWithAValidHeaderIsAnError) {
    std::string garbage(4096, '\0');
    for (std::size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<char>((i * 7919u) >> 3);
    FrameHeader header{static_cast<std::uint32_t>(garbage.size()), 0};
    auto decoded = decode_frame_body(header, garbage);
    ASSERT_FALSE(decoded.ok());
    EXPECT_NE(decoded.error().message().find("checksum"), std::string::npos) << decoded.error().message();
}

TEST(PeerFrame, AnHttpAnswerIsNamedAsSuch) {
    auto header = parse_frame_header("HTTP/1.1 400 Bad Request\r\n", max_frame);
    ASSERT_FALSE(header.ok());
    EXPECT_NE(header.error().message().find("HTTP"), std::string::npos) << header.error().message();
    EXPECT_NE(describe_foreign_bytes("HTTP/1.0").find("HTTP"), std::string::npos);
    EXPECT_EQ(describe_foreign_bytes("RQF1"), "");
}

TEST(PeerFrame, OversizedAndForeignHeadersAreRefused) {
    std::string bytes = encode_frame(Ping{7});
    auto too_small_limit = decode_frame(bytes, 8);
    ASSERT_FALSE(too_small_limit.ok());
    EXPECT_NE(too_small_limit.error().message().find("exceeds the limit"), std::string::npos);

    bytes[0] = 'X';
    auto bad_magic = decode_frame(bytes, max_frame);
    ASSERT_FALSE(bad_magic.ok());
    EXPECT_NE(bad_magic.error().message().find("magic"), std::string::npos);
}

TEST(PeerFrame, HeaderIsMagicLengthAndChecksumLittleEndian) {
    const std::string bytes = encode_frame(Pong{1});
    ASSERT_GE(bytes.size(), frame_header_bytes);
    EXPECT_EQ(bytes.substr(0, 4), "RQF1");
    const auto length = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[4])) |
                        static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[5])) << 8;
    EXPECT_EQ(length, bytes.size() - frame_header_bytes);
    EXPECT_EQ(bytes[6], 0);
    EXPECT_EQ(bytes[7], 0);
}

// Contents Cap'n Proto accepts but the protocol does not: built with the schema directly.
std::string payload_of(capnp::MessageBuilder& message) {
    auto words = capnp::messageToFlatArray(message);
    return {reinterpret_cast<const char*>(words.asBytes().begin()), words.asBytes().size()};
}

TEST(PeerCodec, AnUnknownEntryTypeIsAnError) {
    capnp::MallocMessageBuilder message;
    auto batch = message.initRoot<wire::Frame>().initRaftBatch(1);
    auto entries = batch[0].getPayload().initAppendRequest().initEntries(1);
    entries[0].setType(static_cast<wire::EntryType>(9));
    auto decoded = decode_frame_payload(payload_of(message));
    ASSERT_FALSE(decoded.ok());
    EXPECT_NE(decoded.error().message().find("entry type"), std::string::npos) << decoded.error().message();
}

TEST(PeerCodec, AnUnsortedConfigurationIsAnError) {
    capnp::MallocMessageBuilder message;
    auto batch = message.initRoot<wire::Frame>().initRaftBatch(1);
    auto voters = batch[0].getPayload().initSnapshotChunk().initMetadata().initConfig().initVoters(2);
    voters.set(0, 5);
    voters.set(1, 3);
    auto decoded = decode_frame_payload(payload_of(message));
    ASSERT_FALSE(decoded.ok());
    EXPECT_NE(decoded.error().message().find("ascending"), std::string::npos) << decoded.error().message();
}

TEST(PeerCodec, AFrameOfAnUnknownKindIsAnError) {
    // A later protocol version's frame kind arrives as a union discriminant this build does not know.
    std::string payload = encode_frame_payload(Ping{1});
    // The root struct's data section starts at word 1: the ping value (word 1), then the discriminant.
    capnp::MallocMessageBuilder message;
    message.initRoot<wire::Frame>().setPing(1);
    ASSERT_EQ(payload, payload_of(message));
    payload[2 * 8] = 42;  // the discriminant
    auto decoded = decode_frame_payload(payload);
    ASSERT_FALSE(decoded.ok());
    EXPECT_NE(decoded.error().message().find("unknown frame kind"), std::string::npos) << decoded.error().message();
}

TEST(PeerCodec, APayloadThatIsNotWholeWordsIsAnError) {
    EXPECT_FALSE(decode_frame_payload("").ok());
    EXPECT_FALSE(decode_frame_payload("1234567").ok());
}

}  // namespace
}  // namespace rq::io
