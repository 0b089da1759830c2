#pragma once
// A SQL tokenizer following SQLite's own rules (tokenize.c), enough to find statement boundaries,
// function calls, keywords and literals without ever looking inside a string literal, a quoted
// identifier or a comment. It never fails: malformed input yields `illegal` tokens and SQLite itself
// reports the error when the statement is prepared.

#include <cstddef>
#include <string_view>
#include <vector>

namespace rq::store {

enum class TokenKind {
    space,              // whitespace
    comment,            // -- to end of line, or /* ... */ (possibly unterminated)
    word,               // bare identifier or keyword
    quoted_identifier,  // "...", `...` or [...]
    string,             // '...'
    blob,               // x'...'
    number,             // 12, 1.5e3, 0x1F, .5
    variable,           // ?, ?NNN, :name, @name, $name
    left_paren,
    right_paren,
    comma,
    semicolon,
    dot,
    op,                 // any other operator (=, ||, <>, ...)
    illegal,            // an unterminated quote or a byte SQLite rejects
};

struct Token {
    TokenKind kind;
    std::size_t offset;  // into the tokenized text
    std::size_t length;

    [[nodiscard]] std::string_view text(std::string_view sql) const { return sql.substr(offset, length); }
    // Whitespace and comments carry no meaning between other tokens.
    [[nodiscard]] bool is_trivia() const { return kind == TokenKind::space || kind == TokenKind::comment; }
};

// Every token of `sql`, trivia included, in order; their lengths add up to sql.size().
[[nodiscard]] std::vector<Token> tokenize(std::string_view sql);

// True when `token` is a bare word equal to `keyword` ignoring ASCII case.
[[nodiscard]] bool is_keyword(std::string_view sql, const Token& token, std::string_view keyword);

// ASCII case-insensitive equality.
[[nodiscard]] bool equals_ignoring_case(std::string_view a, std::string_view b);

// The content of a quoted identifier or string token without its quotes, doubled quotes left as they
// are (callers only compare against plain names).
[[nodiscard]] std::string_view unquoted(std::string_view token_text);

}  // namespace rq::store
