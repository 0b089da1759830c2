// The JSON writer prints what Go's encoding/json prints (API.md §3.4, §13.2).

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "http/json_writer.h"

namespace rq::http {
namespace {

std::string json_quoted(std::string_view text) {
    std::string out;
    append_json_string(out, text);
    return out;
}

std::string real(double value) {
    std::string out;
    EXPECT_TRUE(append_json_double(out, value));
    return out;
}

TEST(JsonString, PlainTextAndUtf8PassThrough) {
    EXPECT_EQ(json_quoted("fiona"), "\"fiona\"");
    EXPECT_EQ(json_quoted("\xC3\xA9t\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80"), "\"\xC3\xA9t\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80\"");
}

TEST(JsonString, EscapesLikeGo) {
    EXPECT_EQ(json_quoted("a\"b\\c"), R"("a\"b\\c")");
    EXPECT_EQ(json_quoted("\n\r\t\b\f"), R"("\n\r\t\b\f")");
    EXPECT_EQ(json_quoted(std::string("\x01\x1f", 2)), R"("\u0001\u001f")");
    EXPECT_EQ(json_quoted(std::string("\0", 1)), R"("\u0000")");
    EXPECT_EQ(json_quoted("<a href='x'>&</a>"), R"("\u003ca href='x'\u003e\u0026\u003c/a\u003e")");
    EXPECT_EQ(json_quoted("\x7f"), "\"\x7f\"");
    EXPECT_EQ(json_quoted("a\xE2\x80\xA8" "b\xE2\x80\xA9"), R"("a\u2028b\u2029")");
}

TEST(JsonString, InvalidUtf8BecomesReplacementCharacter) {
    EXPECT_EQ(json_quoted("a\xff" "b"), R"("a\ufffdb")");
    EXPECT_EQ(json_quoted("\xC3"), R"("\ufffd")");                 // truncated sequence
    EXPECT_EQ(json_quoted("\xC0\xAF"), R"("\ufffd\ufffd")");       // overlong
    EXPECT_EQ(json_quoted("\xED\xA0\x80"), R"("\ufffd\ufffd\ufffd")");  // surrogate
}

TEST(JsonNumber, GoFloatFormatting) {
    EXPECT_EQ(real(20.0), "20");
    EXPECT_EQ(real(1.5), "1.5");
    EXPECT_EQ(real(-0.25), "-0.25");
    EXPECT_EQ(real(0.1), "0.1");
    EXPECT_EQ(real(123456789.0), "123456789");
    EXPECT_EQ(real(1e20), "100000000000000000000");
    EXPECT_EQ(real(1e21), "1e+21");
    EXPECT_EQ(real(1.5e300), "1.5e+300");
    EXPECT_EQ(real(0.000001), "0.000001");
    EXPECT_EQ(real(1e-7), "1e-7");
    EXPECT_EQ(real(1.25e-10), "1.25e-10");
    EXPECT_EQ(real(0.0), "0");
    EXPECT_EQ(real(3.141592653589793), "3.141592653589793");
}

TEST(JsonNumber, NonFiniteIsRefused) {
    std::string out;
    EXPECT_FALSE(append_json_double(out, std::numeric_limits<double>::infinity()));
    EXPECT_FALSE(append_json_double(out, std::nan("")));
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(go_float_text(-std::numeric_limits<double>::infinity()), "-Inf");
    EXPECT_EQ(go_float_text(std::numeric_limits<double>::infinity()), "+Inf");
    EXPECT_EQ(go_float_text(std::nan("")), "NaN");
}

void write_sample(JsonWriter& writer) {
    writer.begin_object();
    writer.key("results");
    writer.begin_array();
    writer.begin_object();
    writer.key("columns");
    writer.begin_array();
    writer.string("id");
    writer.end_array();
    writer.key("values");
    writer.begin_array();
    writer.begin_array();
    writer.integer(1);
    writer.null();
    writer.end_array();
    writer.end_array();
    writer.key("empty");
    writer.begin_array();
    writer.end_array();
    writer.key("object");
    writer.begin_object();
    writer.end_object();
    writer.end_object();
    writer.end_array();
    writer.end_object();
}

TEST(JsonWriter, CompactHasNoSpaces) {
    std::string out;
    JsonWriter writer(out, JsonStyle::compact);
    write_sample(writer);
    EXPECT_EQ(out, R"({"results":[{"columns":["id"],"values":[[1,null]],"empty":[],"object":{}}]})");
}

TEST(JsonWriter, PrettyMatchesMarshalIndentWithFourSpaces) {
    std::string out;
    JsonWriter writer(out, JsonStyle::pretty);
    write_sample(writer);
    EXPECT_EQ(out,
              "{\n"
              "    \"results\": [\n"
              "        {\n"
              "            \"columns\": [\n"
              "                \"id\"\n"
              "            ],\n"
              "            \"values\": [\n"
              "                [\n"
              "                    1,\n"
              "                    null\n"
              "                ]\n"
              "            ],\n"
              "            \"empty\": [],\n"
              "            \"object\": {}\n"
              "        }\n"
              "    ]\n"
              "}");
}

}  // namespace
}  // namespace rq::http
