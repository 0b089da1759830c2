// Statement splitting: where a statement ends, across lines, quotes, comments and triggers.

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "cmd/rqlite/statement_splitter.h"

namespace rq::shell {
namespace {

using Statements = std::vector<std::string>;

// Feeds `lines` and then ends the input; returns every statement in order.
Statements split(const std::vector<std::string>& lines) {
    StatementSplitter splitter;
    Statements out;
    for (const std::string& line : lines) {
        for (std::string& statement : splitter.add_line(line)) out.push_back(std::move(statement));
    }
    if (std::optional<std::string> last = splitter.finish()) out.push_back(std::move(*last));
    return out;
}

TEST(ShellStatementSplitter, SemicolonEndsAStatementAndIsDropped) {
    StatementSplitter splitter;
    EXPECT_EQ(splitter.add_line("SELECT 1;"), Statements{"SELECT 1"});
    EXPECT_FALSE(splitter.in_statement());
    EXPECT_EQ(splitter.finish(), std::nullopt);
}

TEST(ShellStatementSplitter, AStatementMaySpanLines) {
    StatementSplitter splitter;
    EXPECT_TRUE(splitter.add_line("CREATE TABLE foo (").empty());
    EXPECT_TRUE(splitter.in_statement());
    EXPECT_TRUE(splitter.add_line("  id INTEGER PRIMARY KEY,").empty());
    EXPECT_EQ(splitter.add_line("  name TEXT);"), Statements{"CREATE TABLE foo (\n  id INTEGER PRIMARY KEY,\n  name TEXT)"});
    EXPECT_FALSE(splitter.in_statement());
}

TEST(ShellStatementSplitter, OneLineMayHoldSeveralStatements) {
    EXPECT_EQ(split({"INSERT INTO t VALUES(1); INSERT INTO t VALUES(2);SELECT * FROM t"}),
              (Statements{"INSERT INTO t VALUES(1)", "INSERT INTO t VALUES(2)", "SELECT * FROM t"}));
}

TEST(ShellStatementSplitter, EndOfInputEndsTheLastStatementWithoutASemicolon) {
    EXPECT_EQ(split({"SELECT * FROM foo"}), Statements{"SELECT * FROM foo"});
    EXPECT_EQ(split({"SELECT *", "FROM foo"}), Statements{"SELECT *\nFROM foo"});
}

TEST(ShellStatementSplitter, SemicolonsInsideQuotesAndCommentsDoNotEndStatements) {
    EXPECT_EQ(split({"INSERT INTO t VALUES('a;b', \"c;d\", `e;f`, [g;h]);"}),
              Statements{"INSERT INTO t VALUES('a;b', \"c;d\", `e;f`, [g;h])"});
    EXPECT_EQ(split({"SELECT 'it''s; fine';"}), Statements{"SELECT 'it''s; fine'"});
    EXPECT_EQ(split({"SELECT 1 -- not here; nor here", "+ 1;"}), Statements{"SELECT 1 -- not here; nor here\n+ 1"});
    EXPECT_EQ(split({"SELECT /* a; b */ 2;"}), Statements{"SELECT /* a; b */ 2"});
    EXPECT_EQ(split({"SELECT 'multi", "line;", "string';"}), Statements{"SELECT 'multi\nline;\nstring'"});
}

TEST(ShellStatementSplitter, CommentsAndEmptyStatementsAloneAreDropped) {
    EXPECT_EQ(split({"-- just a comment"}), Statements{});
    EXPECT_EQ(split({"/* a", "block */"}), Statements{});
    EXPECT_EQ(split({";;", "  ;"}), Statements{});
    EXPECT_EQ(split({"-- note", "SELECT 1;"}), Statements{"-- note\nSELECT 1"});
}

TEST(ShellStatementSplitter, InStatementTracksUnfinishedSqlAndOpenBlockComments) {
    StatementSplitter splitter;
    (void)splitter.add_line("-- a comment only");
    EXPECT_FALSE(splitter.in_statement());
    (void)splitter.add_line("/* open");
    EXPECT_TRUE(splitter.in_statement());
    (void)splitter.add_line("closed */");
    EXPECT_FALSE(splitter.in_statement());
    (void)splitter.add_line("SELECT");
    EXPECT_TRUE(splitter.in_statement());
    splitter.clear();
    EXPECT_FALSE(splitter.in_statement());
    EXPECT_EQ(splitter.finish(), std::nullopt);
}

TEST(ShellStatementSplitter, TriggerBodiesKeepTheirSemicolons) {
    EXPECT_EQ(split({"CREATE TRIGGER t1 AFTER INSERT ON foo BEGIN", "  INSERT INTO log VALUES(new.id);",
                     "  UPDATE c SET n = n + 1;", "END;", "SELECT 1;"}),
              (Statements{"CREATE TRIGGER t1 AFTER INSERT ON foo BEGIN\n  INSERT INTO log VALUES(new.id);\n"
                          "  UPDATE c SET n = n + 1;\nEND",
                          "SELECT 1"}));
    EXPECT_EQ(split({"create temp trigger t2 before delete on foo begin delete from bar; end; select 2;"}),
              (Statements{"create temp trigger t2 before delete on foo begin delete from bar; end", "select 2"}));
    // END inside a string is not the trigger's end.
    EXPECT_EQ(split({"CREATE TEMPORARY TRIGGER t3 AFTER INSERT ON foo BEGIN SELECT 'END'; END;"}),
              Statements{"CREATE TEMPORARY TRIGGER t3 AFTER INSERT ON foo BEGIN SELECT 'END'; END"});
    // Other statements that mention TRIGGER end at their first ';'.
    EXPECT_EQ(split({"DROP TRIGGER t1; SELECT 3;"}), (Statements{"DROP TRIGGER t1", "SELECT 3"}));
}

// Statements built from pieces that may hold ';' (in quotes and comments), joined by ';' and cut
// into lines at arbitrary spaces, come back out exactly as built (with spaces turned into the
// line breaks that cut them).
RC_GTEST_PROP(ShellStatementSplitter, SplitsWhatWasJoined, ()) {
    const std::vector<std::string> pieces = {"SELECT", "x", "'a;b'", "\"c;\"", "[d;]", "/* e; */", "(1)", "'it''s'",
                                             "f_1", "`g;`"};
    const auto statement_count = *rc::gen::inRange<std::size_t>(1, 5);
    Statements expected;
    std::string text;
    for (std::size_t i = 0; i < statement_count; ++i) {
        const auto words = *rc::gen::inRange<std::size_t>(1, 6);
        std::string statement = "SELECT";
        for (std::size_t w = 0; w < words; ++w) statement += " " + *rc::gen::elementOf(pieces);
        expected.push_back(statement);
        text += statement + "; ";
    }
    // Cut lines at some spaces: those spaces become the line breaks.
    std::vector<std::string> lines(1);
    std::string with_breaks;
    for (const char c : text) {
        if (c == ' ' && *rc::gen::arbitrary<bool>()) {
            lines.emplace_back();
            with_breaks += '\n';
        } else {
            lines.back() += c;
            with_breaks += c;
        }
    }
    Statements got = split(lines);
    // The expected statements, re-read from the text with its line breaks.
    Statements expected_with_breaks;
    std::size_t start = 0;
    for (const std::string& statement : expected) {
        while (with_breaks[start] == ' ' || with_breaks[start] == '\n') ++start;
        expected_with_breaks.push_back(with_breaks.substr(start, statement.size()));
        start += statement.size() + 1;
    }
    RC_ASSERT(got == expected_with_breaks);
}

}  // namespace
}  // namespace rq::shell
