// Rendering of results: rqlite's table layout byte for byte, the other output modes, the
// key-value listing of .status, and decoding of data responses.

#include <gtest/gtest.h>

#include "cmd/rqlite/render.h"
#include "cmd/rqlite/responses.h"

namespace rq::shell {
namespace {

// The first result's row set of a /db/query-shaped body.
RowSet rows_of(std::string_view body) {
    Result<DataResponse> response = decode_data_response(body);
    EXPECT_TRUE(response.ok()) << (response.ok() ? "" : response.error().message());
    if (!response.ok() || response->results.empty()) return {};
    return response->results.front().rows;
}

constexpr std::string_view two_rows =
    R"({"results":[{"columns":["id","name"],"types":["integer","text"],"values":[[1,"fiona"],[2,"declan"]]}]})";

TEST(ShellRender, ColumnModeIsRqlitesTable) {
    EXPECT_EQ(render_rows(rows_of(two_rows), OutputMode::column),
              "+----+--------+\n"
              "| id | name   |\n"
              "+----+--------+\n"
              "| 1  | fiona  |\n"
              "+----+--------+\n"
              "| 2  | declan |\n"
              "+----+--------+\n");
}

TEST(ShellRender, ZeroRowsPrintTheHeaderOnly) {
    EXPECT_EQ(render_rows(rows_of(R"({"results":[{"columns":["name"],"types":["text"]}]})"), OutputMode::column),
              "+------+\n"
              "| name |\n"
              "+------+\n");
}

TEST(ShellRender, ValuesPrintAsGoPrintsDecodedJson) {
    const RowSet rows = rows_of(
        R"({"results":[{"columns":["n","r","big","b","t","blob","none"],"types":["","","","","","",""],)"
        R"("values":[[-7,2.5,1e+21,true,"x y",[222,173,190,239],null],[0]]}]})");
    EXPECT_EQ(render_rows(rows, OutputMode::column),
              "+----+------+-------+------+------+-------------------+-------+\n"
              "| n  | r    | big   | b    | t    | blob              | none  |\n"
              "+----+------+-------+------+------+-------------------+-------+\n"
              "| -7 | 2.5  | 1e+21 | true | x y  | [222 173 190 239] | <nil> |\n"
              "+----+------+-------+------+------+-------------------+-------+\n"
              "| 0  | NULL | NULL  | NULL | NULL | NULL              | NULL  |\n"
              "+----+------+-------+------+------+-------------------+-------+\n");
}

// Widths count bytes but padding counts characters (Go's len vs %-Ns): a column holding
// non-ASCII text is wider than its text, in rqlite and here.
TEST(ShellRender, NonAsciiCellsKeepRqlitesPaddingQuirk) {
    const RowSet rows = rows_of(R"({"results":[{"columns":["name"],"values":[["é"],["ab"]]}]})");
    EXPECT_EQ(render_rows(rows, OutputMode::column),
              "+------+\n"
              "| name |\n"
              "+------+\n"
              "| é    |\n"
              "+------+\n"
              "| ab   |\n"
              "+------+\n");
    const RowSet wide = rows_of(R"({"results":[{"columns":["n"],"values":[["héllo"]]}]})");
    EXPECT_EQ(render_rows(wide, OutputMode::column),
              "+--------+\n"
              "| n      |\n"
              "+--------+\n"
              "| héllo  |\n"
              "+--------+\n");
}

TEST(ShellRender, NoColumnsPrintNothing) {
    EXPECT_EQ(render_rows(RowSet{}, OutputMode::column), "");
    EXPECT_EQ(render_rows(RowSet{}, OutputMode::json), "");
}

TEST(ShellRender, CsvQuotesAsGoEncodingCsv) {
    const RowSet rows = rows_of(
        R"({"results":[{"columns":["id","text"],"values":[[1,"plain"],[2,"a,b"],[3,"say \"hi\""],[4," lead"],[5,null],[6,"two\nlines"],[7,""]]}]})");
    EXPECT_EQ(render_rows(rows, OutputMode::csv),
              "id,text\n"
              "1,plain\n"
              "2,\"a,b\"\n"
              "3,\"say \"\"hi\"\"\"\n"
              "4,\" lead\"\n"
              "5,\n"
              "6,\"two\nlines\"\n"
              "7,\n");
}

TEST(ShellRender, JsonModeIsAnArrayOfObjectsOneRowPerLine) {
    EXPECT_EQ(render_rows(rows_of(two_rows), OutputMode::json), "[{\"id\":1,\"name\":\"fiona\"},\n{\"id\":2,\"name\":\"declan\"}]\n");
    EXPECT_EQ(render_rows(rows_of(R"({"results":[{"columns":["a"],"types":["text"]}]})"), OutputMode::json), "[]\n");
    const RowSet mixed = rows_of(R"({"results":[{"columns":["v","q","b"],"values":[[null,"x\"y\\z\u0001",[1,2]]]}]})");
    EXPECT_EQ(render_rows(mixed, OutputMode::json), "[{\"v\":null,\"q\":\"x\\\"y\\\\z\\u0001\",\"b\":[1,2]}]\n");
}

TEST(ShellRender, LineModeAlignsNamesAndSeparatesRows) {
    EXPECT_EQ(render_rows(rows_of(two_rows), OutputMode::line),
              "  id = 1\n"
              "name = fiona\n"
              "\n"
              "  id = 2\n"
              "name = declan\n");
}

TEST(ShellRender, ModeNamesRoundTrip) {
    for (const OutputMode mode : {OutputMode::column, OutputMode::csv, OutputMode::json, OutputMode::line}) {
        EXPECT_EQ(parse_mode(mode_name(mode)), mode);
    }
    EXPECT_EQ(parse_mode("table"), std::nullopt);
    EXPECT_EQ(parse_mode("CSV"), std::nullopt);
}

TEST(ShellRender, KeyValuesAreSortedIndentedAndSkipNulls) {
    Result<JsonNode> status = parse_json(
        R"({"store":{"raft":{"state":"Leader","term":2},"ready":true,"leader":{"addr":"","node_id":"1"}},)"
        R"("build":{"version":"v1"},"gone":null,"nodes":[{"id":"1","addr":"a"}],"list":["x","y"]})");
    ASSERT_TRUE(status.ok());
    EXPECT_EQ(render_key_values(*status),
              "build:\n"
              "  version: v1\n"
              "list: [x y]\n"
              "nodes: [map[addr:a id:1]]\n"
              "store:\n"
              "  leader:\n"
              "    addr: \n"
              "    node_id: 1\n"
              "  raft:\n"
              "    state: Leader\n"
              "    term: 2\n"
              "  ready: true\n");
}

TEST(ShellRender, RenderTableOfTextCells) {
    EXPECT_EQ(render_table({{"a", "bb"}, {"ccc", ""}}),
              "+-----+----+\n"
              "| a   | bb |\n"
              "+-----+----+\n"
              "| ccc |    |\n"
              "+-----+----+\n");
    EXPECT_EQ(render_table({}), "");
}

TEST(ShellRender, FixedSixDigits) {
    EXPECT_EQ(format_fixed6(0), "0.000000");
    EXPECT_EQ(format_fixed6(0.000123456), "0.000123");
    EXPECT_EQ(format_fixed6(12.5), "12.500000");
}

TEST(ShellResponses, ResultsTellRowSetsFromWrites) {
    Result<DataResponse> response = decode_data_response(
        R"({"results":[{},{"last_insert_id":3,"rows_affected":2,"time":0.5},{"columns":["a"],"types":["integer"]},)"
        R"({"error":"no such table: bar"}],"time":1.25})");
    ASSERT_TRUE(response.ok()) << response.error().message();
    ASSERT_EQ(response->results.size(), 4u);
    EXPECT_FALSE(response->results[0].has_rows);
    EXPECT_EQ(response->results[0].rows_affected, 0);
    EXPECT_FALSE(response->results[1].has_rows);
    EXPECT_EQ(response->results[1].last_insert_id, 3);
    EXPECT_EQ(response->results[1].rows_affected, 2);
    EXPECT_EQ(response->results[1].time_seconds, 0.5);
    EXPECT_TRUE(response->results[2].has_rows);
    EXPECT_TRUE(response->results[2].rows.values.empty());
    EXPECT_EQ(response->results[3].error, "no such table: bar");
    EXPECT_FALSE(response->results[3].has_rows);
}

TEST(ShellResponses, TopLevelErrorAndMalformedBodies) {
    Result<DataResponse> refused = decode_data_response(R"({"results":[],"error":"disallowed pragma"})");
    ASSERT_TRUE(refused.ok());
    EXPECT_EQ(refused->error, "disallowed pragma");
    EXPECT_TRUE(refused->results.empty());
    for (const char* bad : {"", "not json", "[1,2]", R"({"results":{}})", R"({"results":[{"rows_affected":"x"}]})",
                            R"({"results":[{"columns":[1]}]})", R"({"error":5})", R"({"results":[7]})"}) {
        EXPECT_FALSE(decode_data_response(bad).ok()) << bad;
    }
}

}  // namespace
}  // namespace rq::shell
