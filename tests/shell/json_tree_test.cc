// The shell's JSON reading: values as Go's %v prints them after decoding with UseNumber.

#include <gtest/gtest.h>

#include "cmd/rqlite/json_tree.h"

namespace rq::shell {
namespace {

JsonNode parse_ok(std::string_view text) {
    Result<JsonNode> node = parse_json(text);
    EXPECT_TRUE(node.ok()) << text;
    return node.ok() ? *node : JsonNode{};
}

TEST(ShellJson, ScalarsPrintAsGoPrintsThem) {
    EXPECT_EQ(go_value_text(parse_ok("null")), "<nil>");
    EXPECT_EQ(go_value_text(parse_ok("true")), "true");
    EXPECT_EQ(go_value_text(parse_ok("\"text \\u00e9\"")), "text é");
    EXPECT_EQ(go_value_text(parse_ok("-12")), "-12");
    EXPECT_EQ(go_value_text(parse_ok("18446744073709551615")), "18446744073709551615");
    EXPECT_EQ(go_value_text(parse_ok("2.5")), "2.5");
    EXPECT_EQ(go_value_text(parse_ok("1e+21")), "1e+21");
    EXPECT_EQ(go_value_text(parse_ok("0.000001")), "0.000001");
    EXPECT_EQ(go_value_text(parse_ok("1e-7")), "1e-7");  // encoding/json trims Go's "e-07"
}

TEST(ShellJson, ContainersPrintAsGoSlicesAndMaps) {
    EXPECT_EQ(go_value_text(parse_ok("[1,\"a b\",null,[2]]")), "[1 a b <nil> [2]]");
    EXPECT_EQ(go_value_text(parse_ok("{\"b\":1,\"a\":{\"z\":true,\"y\":[]}}")), "map[a:map[y:[] z:true] b:1]");
    // A repeated key: Go's decoder keeps the last.
    EXPECT_EQ(go_value_text(parse_ok("{\"k\":1,\"k\":2}")), "map[k:2]");
    EXPECT_EQ(parse_ok("{\"k\":1,\"k\":2}").find("k")->text, "2");
}

TEST(ShellJson, NumbersConvertOnlyWhenTheyFit) {
    EXPECT_EQ(parse_ok("42").as_integer(), 42);
    EXPECT_EQ(parse_ok("1.5").as_integer(), std::nullopt);
    EXPECT_EQ(parse_ok("18446744073709551615").as_integer(), std::nullopt);
    EXPECT_EQ(parse_ok("\"42\"").as_integer(), std::nullopt);
    EXPECT_EQ(parse_ok("1.5").as_double(), 1.5);
}

TEST(ShellJson, CompactJsonEscapesOnlyWhatJsonNeeds) {
    std::string out;
    append_json(out, parse_ok("{\"a<b\":[1,\"x\\n\\\"y\\\"\",null,false,{}]}"));
    EXPECT_EQ(out, "{\"a<b\":[1,\"x\\n\\\"y\\\"\",null,false,{}]}");
}

TEST(ShellJson, InvalidJsonIsAnError) {
    for (const char* bad : {"", "{", "[1,]", "{\"a\":}", "nul", "[1] x", "\"\\x\""}) {
        Result<JsonNode> node = parse_json(bad);
        EXPECT_FALSE(node.ok()) << bad;
        if (!node.ok()) {
            EXPECT_EQ(node.error().message().rfind("invalid JSON: ", 0), 0u);
        }
    }
}

}  // namespace
}  // namespace rq::shell
