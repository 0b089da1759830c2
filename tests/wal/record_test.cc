// Record framing and the torn-versus-corrupt rule: a crash may cut the last write short (or zero-fill
// its end), and that is truncated; bytes that were written whole and then changed are corruption.

#include "wal/record.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "base/crc32c.h"
#include "wal/segment_format.h"

namespace rq::wal {
namespace {

std::string three_records() {
    std::string bytes;
    encode_record(RecordType::entry, "first payload", bytes);
    encode_record(RecordType::hard_state, std::string(100, 'h'), bytes);
    encode_record(RecordType::entry, "third", bytes);
    return bytes;
}

void flip(std::string& bytes, std::size_t offset) { bytes[offset] = static_cast<char>(~bytes[offset]); }

TEST(Record, RoundTripsAndIsAligned) {
    const std::string bytes = three_records();
    EXPECT_EQ(bytes.size() % record_alignment, 0u);
    const ScanResult scan = scan_records(bytes);
    ASSERT_EQ(scan.tail, TailState::clean);
    ASSERT_EQ(scan.records.size(), 3u);
    EXPECT_EQ(scan.records[0].payload, "first payload");
    EXPECT_EQ(scan.records[1].type, RecordType::hard_state);
    EXPECT_EQ(scan.records[2].payload, "third");
    EXPECT_EQ(scan.valid_bytes, bytes.size());
    std::string empty_payload;
    encode_record(RecordType::base_complete, {}, empty_payload);
    EXPECT_EQ(scan_records(empty_payload).records.size(), 1u);
}

TEST(Record, EveryCutOfTheLastRecordIsATornTail) {
    const std::string bytes = three_records();
    const std::size_t last_start = static_cast<std::size_t>(scan_records(bytes).records[2].offset);
    for (std::size_t cut = last_start + 1; cut < bytes.size(); ++cut) {
        const ScanResult scan = scan_records(std::string_view(bytes).substr(0, cut));
        EXPECT_EQ(scan.tail, TailState::torn) << cut;
        EXPECT_EQ(scan.valid_bytes, last_start);
        EXPECT_EQ(scan.records.size(), 2u);
    }
}

TEST(Record, AZeroFilledEndIsATornTail) {
    const std::string bytes = three_records();
    const std::size_t second_start = static_cast<std::size_t>(scan_records(bytes).records[1].offset);
    for (std::size_t cut = second_start; cut < bytes.size(); ++cut) {
        std::string zero_filled = bytes.substr(0, cut) + std::string(bytes.size() - cut, '\0');
        const ScanResult scan = scan_records(zero_filled);
        ASSERT_NE(scan.tail, TailState::corrupt) << cut << ": " << scan.problem;
    }
}

TEST(Record, ABadRecordFollowedByValidOnesIsCorruption) {
    std::string bytes = three_records();
    const ScanResult clean = scan_records(bytes);
    // Flip a payload byte, then a header byte, of the middle record.
    for (std::size_t offset : {static_cast<std::size_t>(clean.records[1].offset) + 20,
                               static_cast<std::size_t>(clean.records[1].offset) + 9}) {
        std::string rotten = bytes;
        flip(rotten, offset);
        const ScanResult scan = scan_records(rotten);
        EXPECT_EQ(scan.tail, TailState::corrupt) << offset;
        EXPECT_EQ(scan.valid_bytes, clean.records[1].offset);
        EXPECT_NE(scan.problem.find("valid records follow"), std::string::npos) << scan.problem;
    }
}

TEST(Record, AWholeLastRecordThatRottedIsCorruptionNotATear) {
    std::string bytes = three_records();
    const std::size_t last_start = static_cast<std::size_t>(scan_records(bytes).records[2].offset);
    for (std::size_t offset = last_start; offset < bytes.size(); ++offset) {
        std::string rotten = bytes;
        flip(rotten, offset);
        EXPECT_EQ(scan_records(rotten).tail, TailState::corrupt) << offset;
    }
}

// Payloads of every length around the alignment, of every record type: the bytes a WAL writes.
std::string many_records() {
    std::string bytes;
    for (std::size_t length = 0; length < 70; ++length) {
        std::string payload;
        for (std::size_t i = 0; i < length; ++i) payload.push_back(static_cast<char>(length * 31 + i * 7));
        const auto type = static_cast<RecordType>(1 + length % 4);
        encode_record(type, payload, bytes);
    }
    return bytes;
}

// The framing is an on-disk format: these figures are those of the first encoder (a string per
// header, appended piece by piece); a faster encoder must write exactly the same bytes.
TEST(Record, TheEncodingIsPinned) {
    const std::string bytes = many_records();
    EXPECT_EQ(bytes.size(), 3856u);
    EXPECT_EQ(crc32c(bytes), 2214168350u);
}

TEST(Record, APayloadInTwoPiecesIsFramedAsTheJoinedPayload) {
    const std::string payload = "0123456789abcdefghijklmnopqrstuvwxyz";
    for (std::size_t split = 0; split <= payload.size(); ++split) {
        std::string joined = "already here";
        std::string pieces = joined;
        encode_record(RecordType::entry, payload, joined);
        encode_record(RecordType::entry, std::string_view(payload).substr(0, split),
                      std::string_view(payload).substr(split), pieces);
        EXPECT_EQ(pieces, joined) << split;
    }
}

// Segment names are "%016llx.wal", written by hand: they must stay exactly what snprintf gave.
TEST(SegmentFileName, IsTheSequenceInSixteenLowerCaseHexDigits) {
    for (std::uint64_t sequence : {0ULL, 1ULL, 9ULL, 10ULL, 0xabcdefULL, 0x0123456789abcdefULL, ~0ULL}) {
        char expected[32];
        std::snprintf(expected, sizeof expected, "%016llx.wal", static_cast<unsigned long long>(sequence));
        EXPECT_EQ(segment_file_name(sequence), expected);
        EXPECT_EQ(parse_segment_file_name(segment_file_name(sequence)), sequence);
    }
}

TEST(Record, GarbageAndZerosNeverParse) {
    EXPECT_EQ(scan_records(std::string(64, '\0')).records.size(), 0u);
    EXPECT_EQ(scan_records(std::string(64, '\0')).tail, TailState::torn);
    EXPECT_EQ(scan_records(std::string(64, 'x')).tail, TailState::corrupt);
}

}  // namespace
}  // namespace rq::wal
