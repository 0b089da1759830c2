// Histories in memory and in files: the JSON-lines reader and writer, and the readers of the
// Jepsen etcd and EDN formats with Porcupine's conventions.

#include <gtest/gtest.h>

#include "check/foreign_formats.h"
#include "check/history.h"
#include "check/history_json.h"

namespace rq::check {
namespace {

std::string error_of(const Result<History>& history) {
    return history.ok() ? std::string("(no error)") : history.error().message();
}

TEST(CheckHistory, PairsInvocationsWithCompletionsInInvocationOrder) {
    History history;
    ASSERT_TRUE(history.invoke(1, 10, "write", "x", 5).ok());
    ASSERT_TRUE(history.invoke(2, 11, "read", "x").ok());
    ASSERT_TRUE(history.complete(2, 12, Outcome::ok, 5).ok());
    ASSERT_TRUE(history.complete(1, 13, Outcome::ok).ok());
    ASSERT_TRUE(history.invoke(3, 14, "cas", "x", Value(Value::List{5, 6})).ok());
    ASSERT_TRUE(history.complete(3, 15, Outcome::fail).ok());
    std::vector<Operation> ops = history.operations();
    ASSERT_EQ(ops.size(), 3U);
    EXPECT_EQ(ops[0].f, "write");
    EXPECT_EQ(ops[0].invoke_event, 0U);
    EXPECT_EQ(ops[0].complete_event, 3U);
    EXPECT_EQ(ops[1].output, Value(5));
    EXPECT_EQ(ops[1].complete_time, 12);
    EXPECT_EQ(ops[2].outcome, Outcome::fail);
    EXPECT_TRUE(ops[1].precedes(ops[2]));
    EXPECT_FALSE(ops[0].precedes(ops[1]));  // they overlap
    EXPECT_EQ(history.events()[2].f, "read");  // completions inherit f and key
    EXPECT_EQ(history.events()[2].key, "x");
}

TEST(CheckHistory, AnInvocationNeverCompletedIsUnknown) {
    History history;
    ASSERT_TRUE(history.invoke(1, 1, "write", "x", 5).ok());
    ASSERT_TRUE(history.invoke(2, 2, "read", "x").ok());
    ASSERT_TRUE(history.complete(2, 3, Outcome::ok, 5).ok());
    EXPECT_EQ(history.in_flight(), 1U);
    std::vector<Operation> ops = history.operations();
    EXPECT_EQ(ops[0].outcome, Outcome::unknown);
    EXPECT_EQ(ops[0].complete_event, kNoEvent);
    EXPECT_FALSE(ops[0].precedes(ops[1]));
}

TEST(CheckHistory, AProcessMayInvokeAgainAfterAnUnknownOutcome) {
    History history;
    ASSERT_TRUE(history.invoke(1, 1, "write", "x", 5).ok());
    ASSERT_TRUE(history.complete(1, 2, Outcome::unknown).ok());
    ASSERT_TRUE(history.invoke(1, 3, "read", "x").ok());
    ASSERT_TRUE(history.complete(1, 4, Outcome::ok, 5).ok());
    std::vector<Operation> ops = history.operations();
    EXPECT_FALSE(ops[0].precedes(ops[1]));  // unknown: may take effect after its completion event
}

TEST(CheckHistory, RejectsCompletionWithoutInvocation) {
    History history;
    Status status = history.complete(7, 1, Outcome::ok);
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.error().message().find("without invocation"), std::string::npos);
}

TEST(CheckHistory, RejectsASecondInvocationInFlight) {
    History history;
    ASSERT_TRUE(history.invoke(1, 1, "read", "x").ok());
    EXPECT_FALSE(history.invoke(1, 2, "read", "x").ok());
}

TEST(CheckHistory, RejectsTimeGoingBackAndCompletionOfAnotherOperation) {
    History history;
    ASSERT_TRUE(history.invoke(1, 5, "read", "x").ok());
    EXPECT_FALSE(history.invoke(2, 4, "read", "x").ok());
    Event wrong;
    wrong.type = EventType::ok;
    wrong.process = 1;
    wrong.time = 6;
    wrong.f = "write";
    EXPECT_FALSE(history.add(wrong).ok());
}

History sample_history() {
    History history;
    EXPECT_TRUE(history.invoke(0, 100, "cas", "row \"1\"", Value(Value::List{1, 2})).ok());
    EXPECT_TRUE(history.invoke(1, 101, "read", "row \"1\"").ok());
    EXPECT_TRUE(history.complete(0, 102, Outcome::ok, true).ok());
    EXPECT_TRUE(history.complete(1, 103, Outcome::ok, Value(Value::List{"a\nb", -3, nullptr, false})).ok());
    EXPECT_TRUE(history.invoke(1, 104, "write", "", "x").ok());
    Event unknown;
    unknown.type = EventType::unknown;
    unknown.process = 1;
    unknown.time = 105;
    unknown.note = "timed out after 5 s";
    EXPECT_TRUE(history.add(unknown).ok());
    EXPECT_TRUE(history.invoke(2, 106, "write", "", 9).ok());
    return history;
}

TEST(CheckHistoryJson, WritesOneDeterministicLinePerEvent) {
    const std::string text = history_to_jsonl(sample_history());
    EXPECT_EQ(text,
              "{\"type\":\"invoke\",\"process\":0,\"time\":100,\"f\":\"cas\",\"key\":\"row \\\"1\\\"\",\"input\":[1,2]}\n"
              "{\"type\":\"invoke\",\"process\":1,\"time\":101,\"f\":\"read\",\"key\":\"row \\\"1\\\"\",\"input\":null}\n"
              "{\"type\":\"ok\",\"process\":0,\"time\":102,\"f\":\"cas\",\"key\":\"row \\\"1\\\"\",\"output\":true}\n"
              "{\"type\":\"ok\",\"process\":1,\"time\":103,\"f\":\"read\",\"key\":\"row \\\"1\\\"\",\"output\":[\"a\\nb\",-3,null,false]}\n"
              "{\"type\":\"invoke\",\"process\":1,\"time\":104,\"f\":\"write\",\"key\":\"\",\"input\":\"x\"}\n"
              "{\"type\":\"unknown\",\"process\":1,\"time\":105,\"f\":\"write\",\"key\":\"\",\"note\":\"timed out after 5 s\"}\n"
              "{\"type\":\"invoke\",\"process\":2,\"time\":106,\"f\":\"write\",\"key\":\"\",\"input\":9}\n");
}

TEST(CheckHistoryJson, ReadsBackWhatItWrites) {
    const History original = sample_history();
    Result<History> read = parse_history_jsonl(history_to_jsonl(original));
    ASSERT_TRUE(read.ok()) << read.error().message();
    ASSERT_EQ(read->size(), original.size());
    for (std::size_t i = 0; i < original.size(); ++i) {
        const Event& a = original.events()[i];
        const Event& b = read->events()[i];
        EXPECT_EQ(a.type, b.type);
        EXPECT_EQ(a.process, b.process);
        EXPECT_EQ(a.time, b.time);
        EXPECT_EQ(a.f, b.f);
        EXPECT_EQ(a.key, b.key);
        EXPECT_EQ(a.input, b.input);
        EXPECT_EQ(a.output, b.output);
        EXPECT_EQ(a.note, b.note);
        EXPECT_EQ(b.line, i + 1);
    }
    EXPECT_EQ(history_to_jsonl(*read), history_to_jsonl(original));
}

TEST(CheckHistoryJson, CompletionsNeedOnlyTypeProcessAndTime) {
    Result<History> read = parse_history_jsonl(
        "# a comment\n"
        "{\"type\":\"invoke\",\"process\":1,\"time\":1,\"f\":\"read\",\"key\":\"k\"}\n"
        "\n"
        "{\"type\":\"ok\",\"process\":1,\"time\":2,\"output\":3}\r\n");
    ASSERT_TRUE(read.ok()) << read.error().message();
    std::vector<Operation> ops = read->operations();
    ASSERT_EQ(ops.size(), 1U);
    EXPECT_EQ(ops[0].key, "k");
    EXPECT_EQ(ops[0].output, Value(3));
    EXPECT_EQ(ops[0].complete_line, 4U);
}

TEST(CheckHistoryJson, BadInputNamesTheLine) {
    const std::string invoke = "{\"type\":\"invoke\",\"process\":1,\"time\":1,\"f\":\"read\"}\n";
    struct Case {
        std::string text;
        std::string expected;
    };
    const Case cases[] = {
        {invoke + "{\"type\":\"ok\",\"process\":1,\"time\":2,\n", "line 2: malformed JSON"},
        {invoke + "[1,2]\n", "line 2: an event must be a JSON object"},
        {invoke + "{\"type\":\"ok\",\"process\":2,\"time\":2}\n", "line 2: completion (ok) without invocation"},
        {invoke + "{\"type\":\"done\",\"process\":1,\"time\":2}\n", "line 2: unknown event type \"done\""},
        {invoke + "{\"type\":\"ok\",\"process\":1,\"time\":2,\"ouptut\":1}\n", "line 2: unknown field \"ouptut\""},
        {invoke + "{\"type\":\"ok\",\"process\":1,\"time\":0}\n", "line 2: time 0 is before"},
        {invoke + "{\"type\":\"ok\",\"process\":1,\"time\":2,\"output\":1.5}\n", "line 2: output: numbers must be integers"},
        {invoke + "{\"type\":\"ok\",\"process\":1}\n", "line 2: missing field \"time\""},
        {invoke + "{\"type\":\"fail\",\"process\":1,\"time\":2,\"output\":1}\n", "line 2: only an ok completion has an output"},
        {"{\"type\":\"invoke\",\"process\":1,\"time\":1}\n", "line 1: invocation without an operation name"},
        {invoke + invoke, "line 2: process 1 invokes while its operation invoked at line 1 is in flight"},
    };
    for (const Case& c : cases) {
        Result<History> read = parse_history_jsonl(c.text);
        EXPECT_NE(error_of(read).find(c.expected), std::string::npos) << "got: " << error_of(read);
    }
}

TEST(CheckEtcdLog, FollowsPorcupineConventions) {
    Result<History> history = parse_jepsen_etcd_log(
        "INFO  jepsen.util - 0\t:invoke\t:read\tnil\n"
        "INFO  jepsen.util - 1\t:invoke\t:cas\t[3 0]\n"
        "INFO  jepsen.util - 2\t:invoke\t:write\t4\n"
        "INFO  jepsen.util - 3\t:invoke\t:read\tnil\n"
        "INFO  jepsen.util - 0\t:ok\t:read\tnil\n"
        "INFO  jepsen.util - 1\t:fail\t:cas\t[3 0]\n"
        "INFO  jepsen.util - 2\t:info\t:write\t:timed-out\n"
        "INFO  jepsen.util - 3\t:fail\t:read\t:timed-out\n"
        "INFO  jepsen.util - 4\t:invoke\t:cas\t[1 2]\n"
        "INFO  jepsen.util - 4\t:ok\t:cas\t[1 2]\n"
        "INFO  jepsen.util - 5\t:invoke\t:read\tnil\n"
        "INFO  jepsen.util - 5\t:ok\t:read\t7\n");
    ASSERT_TRUE(history.ok()) << history.error().message();
    std::vector<Operation> ops = history->operations();
    ASSERT_EQ(ops.size(), 6U);
    EXPECT_EQ(ops[0].output, Value());                    // read nil
    EXPECT_EQ(ops[1].input, Value(Value::List{3, 0}));
    EXPECT_EQ(ops[1].outcome, Outcome::ok);               // a failed cas returned false
    EXPECT_EQ(ops[1].output, Value(false));
    EXPECT_EQ(ops[2].outcome, Outcome::unknown);          // :info
    EXPECT_EQ(ops[3].outcome, Outcome::unknown);          // a timed-out read
    EXPECT_EQ(ops[4].output, Value(true));
    EXPECT_EQ(ops[5].output, Value(7));
    EXPECT_EQ(ops[5].complete_line, 12U);
}

TEST(CheckEtcdLog, BadLinesAreNamed) {
    Result<History> history = parse_jepsen_etcd_log("INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - x\n");
    EXPECT_NE(error_of(history).find("line 2:"), std::string::npos) << error_of(history);
    history = parse_jepsen_etcd_log("INFO  jepsen.util - 0\t:ok\t:read\tnil\n");
    EXPECT_NE(error_of(history).find("line 1: completion (ok) without invocation"), std::string::npos);
}

TEST(CheckEdnHistory, ReadsKvMaps) {
    Result<History> history = parse_edn_history(
        "{:process 0, :type :invoke, :f :append, :key \"0\", :value \"x 0 0 y\"}\n"
        "{:process 1, :type :invoke, :f :get, :key \"0\", :value nil}\n"
        "{:process 0, :type :ok, :f :append, :key \"0\", :value \"x 0 0 y\"}\n"
        "{:process 1, :type :ok, :f :get, :key \"0\", :value \"x 0 0 y\"}\n"
        "{:process 2, :type :invoke, :f :put, :key \"1\", :value \"a\\\"b\"}\n"
        "{:process 2, :type :info, :f :put, :key \"1\", :value \"a\\\"b\"}\n");
    ASSERT_TRUE(history.ok()) << history.error().message();
    std::vector<Operation> ops = history->operations();
    ASSERT_EQ(ops.size(), 3U);
    EXPECT_EQ(ops[0].input, Value("x 0 0 y"));
    EXPECT_EQ(ops[1].input, Value());
    EXPECT_EQ(ops[1].output, Value("x 0 0 y"));
    EXPECT_EQ(ops[2].key, "1");
    EXPECT_EQ(ops[2].input, Value("a\"b"));
    EXPECT_EQ(ops[2].outcome, Outcome::unknown);
    EXPECT_NE(error_of(parse_edn_history("{:process 0 :type}\n")).find("line 1:"), std::string::npos);
}

TEST(CheckFormats, AreDetectedFromTheFirstLine) {
    EXPECT_EQ(*detect_history_format("\n{\"type\":\"invoke\"}"), HistoryFormat::jsonl);
    EXPECT_EQ(*detect_history_format("{:process 0}"), HistoryFormat::edn);
    EXPECT_EQ(*detect_history_format("INFO  jepsen.util - 0"), HistoryFormat::jepsen_etcd);
    EXPECT_FALSE(detect_history_format("hello").ok());
    EXPECT_EQ(default_model_name(HistoryFormat::jepsen_etcd), "register");
    EXPECT_EQ(default_model_name(HistoryFormat::edn), "kv");
}

}  // namespace
}  // namespace rq::check
