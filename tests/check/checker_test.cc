// The checker on small histories written by hand: verdicts, the treatment of unknown and failed
// outcomes, keys checked independently, explanations, and the budget.

#include <gtest/gtest.h>

#include "check/checker.h"
#include "check/report.h"
#include "tests/check/builder.h"

namespace rq::check {
namespace {

using testing::Builder;
using testing::check;
using testing::pair;
using testing::verdict;

TEST(Checker, SequentialRegisterHistoryIsLinearizable) {
    Builder b;
    b.call(1, "read", {}, nullptr).call(1, "write", 1).call(2, "read", {}, 1).call(2, "cas", pair(1, 2), true);
    b.call(1, "cas", pair(1, 3), false).call(1, "read", {}, 2);
    EXPECT_EQ(verdict("register", b), Verdict::ok);
}

TEST(Checker, StaleReadAfterACompletedWriteIsCaught) {
    Builder b;
    b.call(1, "write", 1).call(2, "read", {}, nullptr);
    EXPECT_EQ(verdict("register", b), Verdict::illegal);
}

TEST(Checker, ConcurrentOperationsMayTakeEffectInEitherOrder) {
    // The 6.824 example: a write overlapping two reads that saw different values.
    Builder b;
    b.invoke(0, "write", 100).invoke(1, "read").invoke(2, "read").ok(2, nullptr).ok(1, 100).ok(0);
    EXPECT_EQ(verdict("register", b), Verdict::ok);
    Builder bad;
    bad.invoke(0, "write", 200).invoke(1, "read").ok(1, 200).invoke(2, "read").ok(2, nullptr).ok(0);
    EXPECT_EQ(verdict("register", bad), Verdict::illegal);
}

TEST(Checker, UnknownOutcomeMayTakeEffectLaterOrNever) {
    Builder later;  // timed out, then observed: it happened after its completion event
    later.invoke(1, "write", 1).unknown(1).call(2, "read", {}, nullptr).call(2, "read", {}, 1);
    EXPECT_EQ(verdict("register", later), Verdict::ok);
    Builder never;
    never.invoke(1, "write", 1).unknown(1).call(2, "read", {}, nullptr);
    EXPECT_EQ(verdict("register", never), Verdict::ok);
    Builder crashed;  // never completed at all
    crashed.invoke(1, "write", 1).call(2, "read", {}, 1).call(2, "read", {}, 1);
    EXPECT_EQ(verdict("register", crashed), Verdict::ok);
    Builder once;  // but at most once: it cannot be undone
    once.invoke(1, "write", 1).unknown(1).call(2, "read", {}, 1).call(3, "write", 2).call(2, "read", {}, 1);
    EXPECT_EQ(verdict("register", once), Verdict::illegal);
}

TEST(Checker, FailedOperationsNeverTookEffect) {
    Builder b;
    b.invoke(1, "write", 1).fail(1).call(2, "read", {}, 1);
    EXPECT_EQ(verdict("register", b), Verdict::illegal);
    Builder unseen;
    unseen.invoke(1, "write", 1).fail(1).call(2, "read", {}, nullptr);
    EXPECT_EQ(verdict("register", unseen), Verdict::ok);
}

TEST(Checker, KeysAreIndependentObjects) {
    Builder b;
    b.call(1, "write", 1, {}, "x").call(1, "read", {}, nullptr, "y").call(1, "read", {}, 1, "x");
    b.call(2, "write", 2, {}, "y").call(2, "read", {}, 1, "y");
    CheckResult result = check("register", b.operations());
    EXPECT_EQ(result.verdict, Verdict::illegal);
    ASSERT_EQ(result.keys.size(), 2U);
    EXPECT_EQ(result.keys[0].key, "x");
    EXPECT_EQ(result.keys[0].result.verdict, Verdict::ok);
    EXPECT_EQ(result.keys[1].key, "y");
    EXPECT_EQ(result.keys[1].result.verdict, Verdict::illegal);
}

TEST(Checker, ExplanationGivesLongestPrefixAndWhatCouldNotBePlaced) {
    Builder b;
    b.call(1, "write", 1).call(1, "write", 2).invoke(2, "read").invoke(3, "read").ok(2, 2).ok(3, 1);
    const std::vector<Operation> ops = b.operations();
    CheckResult result = check("register", ops);
    ASSERT_EQ(result.verdict, Verdict::illegal);
    const Explanation& e = result.keys[0].result.explanation;
    EXPECT_EQ(e.longest_prefix, (std::vector<std::size_t>{0, 1, 2}));
    EXPECT_EQ(e.state_after_prefix, Value(2));
    EXPECT_EQ(e.unplaceable, (std::vector<std::size_t>{3}));
    EXPECT_EQ(e.blocking, 3U);
    const std::string text = describe_key(*find_model("register"), ops, result.keys[0]);
    EXPECT_NE(text.find("longest linearizable prefix: 3 of 4 operations"), std::string::npos) << text;
    EXPECT_NE(text.find("process 3, t=6..8: read() -> 1  [rejected in this state]  [blocking]"), std::string::npos) << text;
}

TEST(Checker, CasFailureMeansTheValueDiffered) {
    Builder b;
    b.call(1, "write", 1).call(2, "cas", pair(1, 2), false);
    EXPECT_EQ(verdict("register", b), Verdict::illegal);
    Builder unknown;  // an unknown cas swaps if the value matched when it took effect
    unknown.call(1, "write", 1).invoke(2, "cas", pair(1, 2)).unknown(2).call(3, "read", {}, 2);
    EXPECT_EQ(verdict("register", unknown), Verdict::ok);
}

TEST(Checker, RowModelInsertsAndDeletes) {
    Builder b;
    b.call(1, "insert", 5, true).call(2, "insert", 6, false).call(1, "read", {}, 5);
    b.call(2, "delete", {}, true).call(1, "delete", {}, false).call(1, "read", {}, nullptr);
    EXPECT_EQ(verdict("row", b), Verdict::ok);
    Builder bad;
    bad.call(1, "insert", 5, true).call(2, "delete", {}, true).call(1, "read", {}, 5);
    EXPECT_EQ(verdict("row", bad), Verdict::illegal);
}

TEST(Checker, KvAppendsConcatenate) {
    Builder b;
    b.invoke(1, "append", "a", "k").invoke(2, "append", "b", "k").ok(2).ok(1).call(3, "get", {}, "ba", "k");
    b.call(3, "put", "z", {}, "k").call(1, "get", {}, "z", "k");
    EXPECT_EQ(verdict("kv", b), Verdict::ok);
    Builder bad;
    bad.call(1, "append", "a", {}, "k").call(2, "append", "b", {}, "k").call(3, "get", {}, "ba", "k");
    EXPECT_EQ(verdict("kv", bad), Verdict::illegal);
}

TEST(Checker, ListReadsMustBePrefixesInVersionOrder) {
    Builder b;
    b.invoke(1, "append", 1).invoke(2, "append", 2).invoke(3, "read").ok(3, Value(Value::List{2}));
    b.ok(1).ok(2).call(3, "read", {}, Value(Value::List{2, 1})).invoke(4, "append", 3).unknown(4);
    EXPECT_EQ(verdict("list", b), Verdict::ok);
    Builder diverged;
    diverged.call(1, "append", 1).call(2, "append", 2).call(3, "read", {}, Value(Value::List{1, 2}));
    diverged.call(4, "read", {}, Value(Value::List{2}));
    CheckResult result = check("list", diverged.operations());
    ASSERT_EQ(result.verdict, Verdict::illegal);
    EXPECT_NE(result.keys[0].result.explanation.reason.find("neither list is a prefix"), std::string::npos);
}

TEST(Checker, ListLostAppendIsCaughtWithRealTimeReason) {
    Builder b;
    b.call(1, "append", 1).call(2, "append", 2).call(3, "read", {}, Value(Value::List{2}));
    CheckResult result = check("list", b.operations());
    ASSERT_EQ(result.verdict, Verdict::illegal);
    EXPECT_NE(result.keys[0].result.explanation.reason.find("completed before"), std::string::npos)
        << result.keys[0].result.explanation.reason;
    Builder phantom;
    phantom.call(1, "append", 1).call(3, "read", {}, Value(Value::List{1, 7}));
    result = check("list", phantom.operations());
    ASSERT_EQ(result.verdict, Verdict::illegal);
    EXPECT_NE(result.keys[0].result.explanation.reason.find("no successful append"), std::string::npos);
}

TEST(Checker, ListWithRepeatedAppendsFallsBackToTheSearch) {
    Builder b;
    b.invoke(1, "append", 1).invoke(2, "append", 1).ok(1).ok(2).call(3, "read", {}, Value(Value::List{1, 1}));
    EXPECT_EQ(verdict("list", b), Verdict::ok);
    Builder bad;
    bad.call(1, "append", 1).call(2, "append", 1).call(3, "read", {}, Value(Value::List{1}));
    EXPECT_EQ(verdict("list", bad), Verdict::illegal);
}

TEST(Checker, OperationsTheModelDoesNotKnowAreBadInputNamingTheLine) {
    Builder b;
    b.call(1, "increment", 1);
    Result<CheckResult> result = check_operations(*find_model("register"), b.operations());
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.error().message().find("operation 0 (process 1): operation \"increment\" is not one of"),
              std::string::npos)
        << result.error().message();
    Builder shape;
    shape.call(1, "cas", 1, true);
    result = check_operations(*find_model("register"), shape.operations());
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.error().message().find("cas needs input [from, to]"), std::string::npos);
}

TEST(Checker, InfersTheModelFromTheOperations) {
    Builder reg, row, kv, list;
    reg.call(1, "write", 1).call(1, "read", {}, 1);
    row.call(1, "insert", 1, true);
    kv.call(1, "append", "x").call(1, "get", {}, "x");
    list.call(1, "append", 1).call(1, "read", {}, Value(Value::List{1}));
    EXPECT_EQ((*infer_model(reg.operations()))->name(), "register");
    EXPECT_EQ((*infer_model(row.operations()))->name(), "row");
    EXPECT_EQ((*infer_model(kv.operations()))->name(), "kv");
    EXPECT_EQ((*infer_model(list.operations()))->name(), "list");
    Builder none;
    none.call(1, "frobnicate");
    EXPECT_FALSE(infer_model(none.operations()).ok());
}

// A history whose search is large: many concurrent writes never completed, then reads that
// contradict each other, so every order must be tried. The cas operations invoked last (never
// completed, so never placed before the reads) compare with every written value, which keeps the
// checker from merging the unread ones (Model::merge_unobserved) and so keeps the search large.
std::vector<Operation> hard_history() {
    Builder b;
    for (ProcessId p = 0; p < 14; ++p) b.invoke(p, "write", p % 7);
    for (int i = 0; i < 30; ++i) b.call(100 + i, "read", {}, i % 2 == 0 ? 1 : 2);
    b.call(200, "read", {}, 99);
    for (ProcessId v = 0; v < 7; ++v) b.invoke(300 + v, "cas", pair(v, -1));
    return b.operations();
}

TEST(Checker, OutOfTimeGivesUnknownNotAHang) {
    int polls = 0;
    CheckOptions options;
    options.out_of_time = [&] { return ++polls >= 2; };
    CheckResult result = check("register", hard_history(), options);
    EXPECT_EQ(result.verdict, Verdict::unknown);
    EXPECT_EQ(result.keys[0].result.unknown_reason, kOutOfTime);
    EXPECT_EQ(polls, 2);
}

TEST(Checker, MemoryLimitGivesUnknown) {
    CheckOptions options;
    options.memory_bytes_max = 64 * 1024;
    CheckResult result = check("register", hard_history(), options);
    EXPECT_EQ(result.verdict, Verdict::unknown);
    EXPECT_NE(result.keys[0].result.unknown_reason.find("memory limit"), std::string::npos);
    EXPECT_EQ(check("register", hard_history()).verdict, Verdict::illegal);
}

TEST(Checker, StopsAtFirstIllegalKeyWhenAsked) {
    Builder b;
    b.call(1, "write", 1, {}, "a").call(2, "read", {}, 2, "a").call(1, "write", 1, {}, "b");
    CheckOptions options;
    options.stop_at_first_illegal = true;
    CheckResult result = check("register", b.operations(), options);
    EXPECT_EQ(result.verdict, Verdict::illegal);
    EXPECT_EQ(result.keys[1].result.verdict, Verdict::unknown);
}

// Timed-out writes of values nobody read, each of which may have happened anywhere after its
// invocation, and cas operations that failed because the value was not what they expected: the
// shape of the simulator's register histories. Every pair "write(k) ok, cas(k, _) -> false" needs
// some unread write between its two operations; `pairs` of them against `unread` timed-out writes.
void add_unread_writes_then_pairs(Builder& b, int unread, int pairs) {
    for (int i = 0; i < unread; ++i) b.invoke(100 + i, "write", 1000 + i).unknown(100 + i);
    for (int k = 1; k <= pairs; ++k) b.call(1, "write", k).call(1, "cas", pair(k, 500 + k), false);
}

std::vector<Operation> unread_writes_history(int unread, int pairs) {
    Builder b;
    add_unread_writes_then_pairs(b, unread, pairs);
    return b.operations();
}

TEST(Checker, UnreadValuesAreInterchangeableSoTimedOutWritesStayCheap) {
    // Told apart, the 30 unread writes would make every subset of them a configuration to try
    // before "illegal" (2^30); to every operation here they are the same value, so they are tried
    // in invocation order only. A budget of two polls (8,192 steps) decides both.
    CheckOptions budget;
    int polls = 0;
    budget.out_of_time = [&] { return ++polls > 2; };
    EXPECT_EQ(check("register", unread_writes_history(30, 30), budget).verdict, Verdict::ok);
    polls = 0;
    const CheckResult illegal = check("register", unread_writes_history(30, 31), budget);
    ASSERT_EQ(illegal.verdict, Verdict::illegal);
    // The explanation speaks of the values the history holds, not the checker's merged stand-in.
    const Explanation& why = illegal.keys[0].result.explanation;
    ASSERT_FALSE(why.longest_prefix.empty());
    EXPECT_EQ(why.state_after_prefix, Value(31)) << why.state_after_prefix.to_json();
    polls = 0;
    EXPECT_EQ(check("row", unread_writes_history(30, 31), budget).verdict, Verdict::illegal);
}

// Timed-out cas operations, each expecting a value that one acknowledged write produced and a later
// read proves gone for good, then a run of "write(k) ok, cas(k, _) -> false" pairs that need the
// unread timed-out writes in between. Told apart, every subset of the cas operations that did or did
// not happen (2^24) multiplies the configurations; once the read that ends its value's time is
// linearized, a cas that never took effect can never take effect, so the checker forgets it.
std::vector<Operation> dead_cas_history(int timed_out, int unread, int pairs) {
    Builder b;
    for (int i = 0; i < timed_out; ++i) {
        const int value = 2000 + i;
        b.call(1, "write", value);
        b.invoke(300 + i, "cas", pair(value, 3000 + i)).unknown(300 + i);
        b.call(1, "write", 4000 + i).call(1, "read", {}, 4000 + i);
    }
    add_unread_writes_then_pairs(b, unread, pairs);
    return b.operations();
}

TEST(Checker, TimedOutCasWhoseValueIsGoneForGoodIsForgotten) {
    CheckOptions budget;
    int polls = 0;
    budget.out_of_time = [&] { return ++polls > 4; };
    EXPECT_EQ(check("register", dead_cas_history(24, 10, 11), budget).verdict, Verdict::illegal);
    polls = 0;
    EXPECT_EQ(check("register", dead_cas_history(24, 10, 10), budget).verdict, Verdict::ok);
    polls = 0;
    EXPECT_EQ(check("row", dead_cas_history(24, 10, 11), budget).verdict, Verdict::illegal);
}

TEST(Checker, ATimedOutCasStaysPossibleWhileItsValueMayReturn) {
    // The value 7 is written again by a write that timed out, so cas(7, 9) may still happen late.
    Builder b;
    b.call(1, "write", 7).invoke(2, "cas", pair(7, 9)).unknown(2);
    b.invoke(3, "write", 7).unknown(3).call(1, "write", 8).call(1, "read", {}, 8).call(1, "read", {}, 9);
    EXPECT_EQ(verdict("register", b), Verdict::ok);
    Builder gone;  // without the second write of 7, the read of 8 ends 7's time: 9 cannot appear
    gone.call(1, "write", 7).invoke(2, "cas", pair(7, 9)).unknown(2);
    gone.call(1, "write", 8).call(1, "read", {}, 8).call(1, "read", {}, 9);
    EXPECT_EQ(verdict("register", gone), Verdict::illegal);
}

TEST(Checker, AValueComparedByACasIsNeverMergedWithUnreadOnes) {
    // 7 is never read, but a cas expects it: writing 7 and writing 8 are different.
    Builder b;
    b.invoke(1, "write", 7).unknown(1).invoke(2, "write", 8).unknown(2);
    b.call(3, "cas", pair(7, 9), true).call(3, "read", {}, 9);
    EXPECT_EQ(verdict("register", b), Verdict::ok);
    Builder without;
    without.invoke(2, "write", 8).unknown(2).call(3, "cas", pair(7, 9), true);
    EXPECT_EQ(verdict("register", without), Verdict::illegal);
}

TEST(Checker, EmptyHistoryIsLinearizable) {
    EXPECT_EQ(check("register", {}).verdict, Verdict::ok);
    EXPECT_TRUE(check("register", {}).keys.empty());
}

}  // namespace
}  // namespace rq::check
