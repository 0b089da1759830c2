// Disallowed pragmas (API.md §3.5) and the tokenizer underneath them.

#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <string>

#include "store/ascii_search.h"
#include "store/pragma_guard.h"
#include "store/sql_lexer.h"

namespace rq::store {
namespace {

TEST(PragmaGuardTest, RefusesStateChangingPragmas) {
    for (std::string_view sql : {
             "PRAGMA journal_mode=DELETE",
             "pragma JOURNAL_MODE = wal",
             "  \n\tPRAGMA main.journal_mode=WAL",
             "PRAGMA \"journal_mode\"=OFF",
             "PRAGMA [synchronous](0)",
             "PRAGMA synchronous = FULL",
             "PRAGMA wal_autocheckpoint=100",
             "PRAGMA main.wal_autocheckpoint = 1",
             "PRAGMA wal_checkpoint",
             "PRAGMA wal_checkpoint(TRUNCATE)",
             "PRAGMA main.wal_checkpoint(FULL)",
             "PRAGMA query_only=1",
             "PRAGMA query_only(true)",
             "/* hi */ PRAGMA -- there\n synchronous=0",
             "EXPLAIN PRAGMA synchronous=0",
             "EXPLAIN QUERY PLAN PRAGMA journal_mode=DELETE",
             "SELECT 1; PRAGMA synchronous=0",
             "SELECT ';'; PRAGMA wal_checkpoint",
         }) {
        EXPECT_TRUE(is_disallowed_pragma(sql)) << sql;
    }
}

TEST(PragmaGuardTest, AllowsReadingThemAndEverythingElse) {
    for (std::string_view sql : {
             "PRAGMA journal_mode",
             "PRAGMA synchronous",
             "PRAGMA main.query_only",
             "PRAGMA wal_autocheckpoint",
             "PRAGMA foreign_keys=ON",
             "PRAGMA user_version = 3",
             "PRAGMA cache_size = 10000",
             "SELECT * FROM foo WHERE x='PRAGMA wal_checkpoint'",
             "SELECT 1 -- PRAGMA synchronous=0",
             "SELECT 1 /* ; PRAGMA synchronous=0 */",
             "INSERT INTO \"PRAGMA synchronous=0\" VALUES(1)",
             "SELECT * FROM pragma_table_info('foo')",
             "",
         }) {
        EXPECT_FALSE(is_disallowed_pragma(sql)) << sql;
    }
}

TEST(PragmaGuardTest, BatchCheckNamesRqlitesMessage) {
    StatementBatch batch;
    batch.statements.push_back(Statement{"SELECT 1", {}, false});
    EXPECT_TRUE(check_pragmas(batch).ok());
    batch.statements.push_back(Statement{"PRAGMA synchronous=OFF", {}, false});
    Status status = check_pragmas(batch);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().message(), "disallowed pragma");
}

std::vector<TokenKind> kinds(std::string_view sql) {
    std::vector<TokenKind> out;
    for (const Token& token : tokenize(sql)) {
        if (!token.is_trivia()) out.push_back(token.kind);
    }
    return out;
}

TEST(SqlLexerTest, QuotesCommentsAndLiteralsAreSingleTokens) {
    using K = TokenKind;
    EXPECT_EQ(kinds("SELECT 'it''s;', \"a\"\"b\", `c`, [d e] FROM t"),
              (std::vector<K>{K::word, K::string, K::comma, K::quoted_identifier, K::comma, K::quoted_identifier,
                              K::comma, K::quoted_identifier, K::word, K::word}));
    EXPECT_EQ(kinds("x'00ff' X'' 1.5e3 .5 0x1F ?1 :a @b $c::d(e) ;"),
              (std::vector<K>{K::blob, K::blob, K::number, K::number, K::number, K::variable, K::variable, K::variable,
                              K::variable, K::semicolon}));
    EXPECT_EQ(kinds("a--b\nc/*d*/e/*"), (std::vector<K>{K::word, K::word, K::word}));
    EXPECT_EQ(kinds("'open"), (std::vector<K>{K::illegal}));
    EXPECT_EQ(kinds("x'0'"), (std::vector<K>{K::illegal}));
    EXPECT_EQ(kinds("a<>b||c!=d==e"), (std::vector<K>{K::word, K::op, K::word, K::op, K::word, K::op, K::word, K::op, K::word}));
}

// The pre-filters' word search, eight bytes at a time, against the obvious one: texts built from the
// bytes that could confuse it (both cases, the neighbours of letters under bit 5, high bytes whose low
// seven bits spell a letter) at every length and alignment.
bool contains_reference(std::string_view text, std::string_view lower_word) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    for (std::size_t i = 0; i + lower_word.size() <= text.size(); ++i) {
        std::size_t j = 0;
        while (j < lower_word.size() && lower(text[i + j]) == lower_word[j]) ++j;
        if (j == lower_word.size()) return true;
    }
    return false;
}

TEST(AsciiSearchTest, FindsAWordInAnyCaseExactlyWhereTheObviousSearchDoes) {
    const std::string alphabet = std::string("pPrRaAgGmMnNoOwWcCuUeEtT_@`0 ;\x7f") + "\xf0\xd0\xe1";
    std::uint64_t state = 12345;
    auto next = [&state] {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<std::size_t>(state >> 33);
    };
    std::size_t found = 0;
    for (int round = 0; round < 20000; ++round) {
        std::string text(next() % 40, ' ');
        for (char& c : text) c = alphabet[next() % alphabet.size()];
        // Plant a word now and then, in mixed case, so that hits are common too.
        const std::string_view words[] = {"pragma", "random", "now", "current_"};
        const std::string_view word = words[next() % 4];
        if (next() % 3 == 0 && text.size() >= word.size()) {
            const std::size_t at = next() % (text.size() - word.size() + 1);
            for (std::size_t i = 0; i < word.size(); ++i) {
                text[at + i] = next() % 2 ? word[i] : static_cast<char>(std::toupper(word[i]));
            }
        }
        for (std::string_view candidate : words) {
            const bool expected = contains_reference(text, candidate);
            ASSERT_EQ(contains_ignoring_case(text, candidate), expected) << "text '" << text << "' word " << candidate;
            found += expected ? 1 : 0;
        }
    }
    EXPECT_GT(found, 5000u);  // the planted words were found, not just their absence confirmed
}

TEST(SqlLexerTest, TokensCoverTheTextExactly) {
    const std::string sql = "SELECT /* c */ 'a', \"b\" -- x\n FROM t; \xc3\xa9t\xc3\xa9 ?";
    std::size_t expected_offset = 0;
    for (const Token& token : tokenize(sql)) {
        EXPECT_EQ(token.offset, expected_offset);
        expected_offset += token.length;
    }
    EXPECT_EQ(expected_offset, sql.size());
}

}  // namespace
}  // namespace rq::store
