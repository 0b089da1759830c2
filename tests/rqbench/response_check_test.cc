#include "cmd/rqbench/response_check.h"

#include <gtest/gtest.h>

#include <string>

namespace rq::rqbench {
namespace {

Verdict check(unsigned status, const std::string& body) {
    ResponseChecker checker;
    return checker.check(status, body);
}

TEST(RqbenchResponseCheck, RqliteSuccessShapes) {
    for (const char* body : {
             R"({"results":[{"last_insert_id":1,"rows_affected":1}]})",
             R"({"results":[{}]})",
             R"({"results":[{"columns":["v"],"types":["text"],"values":[["x"]]}]})",
             R"({"results":[{"columns":["v"],"types":["text"]}]})",
             R"({"results":[],"sequence_number":1700000000000000001})",
             R"({"results":[{"last_insert_id":1,"rows_affected":1,"rows":null}],"time":0.001,"raft_index":5})",
             "{\n    \"results\": [\n        {}\n    ]\n}",
         }) {
        const Verdict verdict = check(200, body);
        EXPECT_EQ(verdict.outcome, Outcome::ok) << body << ": " << verdict.message;
        EXPECT_TRUE(verdict.message.empty());
    }
}

TEST(RqbenchResponseCheck, TheWordErrorInDataIsNotAnError) {
    const Verdict verdict =
        check(200, R"({"results":[{"columns":["error"],"types":["text"],"values":[["\"error\":\"x\""]]}]})");
    EXPECT_EQ(verdict.outcome, Outcome::ok) << verdict.message;
}

TEST(RqbenchResponseCheck, ErrorsInResultsOrAtTopLevelAreSqlErrors) {
    Verdict verdict = check(200, R"({"results":[{"error":"no such table: foo"}]})");
    EXPECT_EQ(verdict.outcome, Outcome::sql_error);
    EXPECT_EQ(verdict.message, "no such table: foo");
    verdict = check(200, R"({"results":[{},{"error":"near \"x\": syntax error"}]})");
    EXPECT_EQ(verdict.outcome, Outcome::sql_error);
    EXPECT_EQ(verdict.message, "near \"x\": syntax error");
    verdict = check(200, R"({"results":[],"error":"disallowed pragma"})");
    EXPECT_EQ(verdict.outcome, Outcome::sql_error);
    EXPECT_EQ(verdict.message, "disallowed pragma");
}

TEST(RqbenchResponseCheck, AnyStatusButOkIsAnError) {
    Verdict verdict = check(503, "leader not found\n");
    EXPECT_EQ(verdict.outcome, Outcome::http_status);
    EXPECT_EQ(verdict.message, "HTTP 503: leader not found");
    verdict = check(301, "");
    EXPECT_EQ(verdict.outcome, Outcome::http_status);
    // A success-shaped body does not rescue a bad status.
    EXPECT_EQ(check(500, R"({"results":[]})").outcome, Outcome::http_status);
}

TEST(RqbenchResponseCheck, BodiesThatAreNotRqlitesShapeAreBadResponses) {
    for (const char* body : {"", "not json", "[1,2]", R"({"foo":1})", R"({"results":[1]})", R"({"results":{}})",
                             R"({"results":[{}])"}) {
        EXPECT_EQ(check(200, body).outcome, Outcome::bad_response) << body;
    }
}

TEST(RqbenchResponseCheck, LongMessagesAreClipped) {
    const std::string long_error(1000, 'e');
    const Verdict verdict = check(200, R"({"results":[{"error":")" + long_error + R"("}]})");
    EXPECT_EQ(verdict.message, std::string(kErrorMessageBytesMax, 'e') + "...");
}

TEST(RqbenchResponseCheck, OneCheckerServesManyResponses) {
    ResponseChecker checker;
    EXPECT_EQ(checker.check(200, R"({"results":[{"error":"x"}]})").outcome, Outcome::sql_error);
    EXPECT_EQ(checker.check(200, R"({"results":[{}]})").outcome, Outcome::ok);
    EXPECT_EQ(checker.check(200, "{").outcome, Outcome::bad_response);
    EXPECT_EQ(checker.check(200, R"({"results":[{}]})").outcome, Outcome::ok);
}

}  // namespace
}  // namespace rq::rqbench
