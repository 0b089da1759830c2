#include "store/sql_lexer.h"

namespace rq::store {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex_digit(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
// SQLite treats every byte >= 0x80 as part of an identifier, so UTF-8 names work.
bool is_identifier_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
bool is_identifier_char(char c) { return is_identifier_start(c) || is_digit(c) || c == '$'; }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

class Scanner {
public:
    explicit Scanner(std::string_view sql) : sql_(sql) {}

    Token next() {
        const std::size_t start = pos_;
        const TokenKind kind = scan();
        return Token{kind, start, pos_ - start};
    }
    [[nodiscard]] bool done() const { return pos_ >= sql_.size(); }

private:
    [[nodiscard]] char at(std::size_t i) const { return i < sql_.size() ? sql_[i] : '\0'; }
    [[nodiscard]] bool has(std::size_t i) const { return i < sql_.size(); }

    TokenKind scan() {
        const char c = sql_[pos_];
        if (is_space(c)) {
            while (has(pos_) && is_space(sql_[pos_])) ++pos_;
            return TokenKind::space;
        }
        if (c == '-' && at(pos_ + 1) == '-') {
            while (has(pos_) && sql_[pos_] != '\n') ++pos_;
            return TokenKind::comment;
        }
        if (c == '/' && at(pos_ + 1) == '*') return scan_block_comment();
        if (c == '\'' || c == '"' || c == '`') return scan_quoted(c);
        if (c == '[') return scan_bracketed();
        if ((c == 'x' || c == 'X') && at(pos_ + 1) == '\'') return scan_blob();
        if (is_digit(c) || (c == '.' && is_digit(at(pos_ + 1)))) return scan_number();
        if (is_identifier_start(c)) {
            while (has(pos_) && is_identifier_char(sql_[pos_])) ++pos_;
            return TokenKind::word;
        }
        if (c == '?' || c == ':' || c == '@' || c == '$' || c == '#') return scan_variable(c);
        ++pos_;
        switch (c) {
            case '(': return TokenKind::left_paren;
            case ')': return TokenKind::right_paren;
            case ',': return TokenKind::comma;
            case ';': return TokenKind::semicolon;
            case '.': return TokenKind::dot;
            case '-': case '+': case '*': case '/': case '%': case '&': case '~': return TokenKind::op;
            case '=': if (at(pos_) == '=') ++pos_; return TokenKind::op;
            case '<': if (at(pos_) == '=' || at(pos_) == '>' || at(pos_) == '<') ++pos_; return TokenKind::op;
            case '>': if (at(pos_) == '=' || at(pos_) == '>') ++pos_; return TokenKind::op;
            case '|': if (at(pos_) == '|') ++pos_; return TokenKind::op;
            case '!':
                if (at(pos_) == '=') { ++pos_; return TokenKind::op; }
                return TokenKind::illegal;
            default: return TokenKind::illegal;
        }
    }

    TokenKind scan_block_comment() {
        pos_ += 2;
        while (has(pos_) && !(sql_[pos_] == '*' && at(pos_ + 1) == '/')) ++pos_;
        pos_ = has(pos_) ? pos_ + 2 : sql_.size();
        return TokenKind::comment;
    }

    // '...', "..." or `...`; a doubled quote inside stands for one.
    TokenKind scan_quoted(char quote) {
        ++pos_;
        while (has(pos_)) {
            if (sql_[pos_] == quote) {
                if (at(pos_ + 1) == quote) {
                    pos_ += 2;
                    continue;
                }
                ++pos_;
                return quote == '\'' ? TokenKind::string : TokenKind::quoted_identifier;
            }
            ++pos_;
        }
        return TokenKind::illegal;
    }

    TokenKind scan_bracketed() {
        while (has(pos_) && sql_[pos_] != ']') ++pos_;
        if (!has(pos_)) return TokenKind::illegal;
        ++pos_;
        return TokenKind::quoted_identifier;
    }

    TokenKind scan_blob() {
        pos_ += 2;
        std::size_t digits = 0;
        while (has(pos_) && is_hex_digit(sql_[pos_])) {
            ++pos_;
            ++digits;
        }
        if (at(pos_) != '\'' || digits % 2 != 0) {
            // SQLite swallows the rest of a malformed blob literal up to its quote.
            while (has(pos_) && sql_[pos_] != '\'') ++pos_;
            if (has(pos_)) ++pos_;
            return TokenKind::illegal;
        }
        ++pos_;
        return TokenKind::blob;
    }

    TokenKind scan_number() {
        if (sql_[pos_] == '0' && (at(pos_ + 1) == 'x' || at(pos_ + 1) == 'X') && is_hex_digit(at(pos_ + 2))) {
            pos_ += 2;
            while (has(pos_) && is_hex_digit(sql_[pos_])) ++pos_;
        } else {
            while (has(pos_) && is_digit(sql_[pos_])) ++pos_;
            if (at(pos_) == '.') {
                ++pos_;
                while (has(pos_) && is_digit(sql_[pos_])) ++pos_;
            }
            const bool exponent = at(pos_) == 'e' || at(pos_) == 'E';
            const std::size_t digit_at = (at(pos_ + 1) == '+' || at(pos_ + 1) == '-') ? pos_ + 2 : pos_ + 1;
            if (exponent && is_digit(at(digit_at))) {
                pos_ = digit_at;
                while (has(pos_) && is_digit(sql_[pos_])) ++pos_;
            }
        }
        // "12abc" is one illegal token in SQLite.
        if (has(pos_) && is_identifier_char(sql_[pos_])) {
            while (has(pos_) && is_identifier_char(sql_[pos_])) ++pos_;
            return TokenKind::illegal;
        }
        return TokenKind::number;
    }

    TokenKind scan_variable(char sigil) {
        ++pos_;
        if (sigil == '?') {
            while (has(pos_) && is_digit(sql_[pos_])) ++pos_;
            return TokenKind::variable;
        }
        const std::size_t name_start = pos_;
        while (has(pos_)) {
            const char c = sql_[pos_];
            if (is_identifier_char(c)) {
                ++pos_;
            } else if (sigil == '$' && c == ':' && at(pos_ + 1) == ':') {
                pos_ += 2;  // TCL namespace separator
            } else if (sigil == '$' && c == '(' && pos_ > name_start) {
                while (has(pos_) && sql_[pos_] != ')') ++pos_;
                if (!has(pos_)) return TokenKind::illegal;
                ++pos_;
                break;
            } else {
                break;
            }
        }
        return pos_ > name_start ? TokenKind::variable : TokenKind::illegal;
    }

    std::string_view sql_;
    std::size_t pos_ = 0;
};

}  // namespace

std::vector<Token> tokenize(std::string_view sql) {
    std::vector<Token> tokens;
    Scanner scanner(sql);
    while (!scanner.done()) tokens.push_back(scanner.next());
    return tokens;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

bool is_keyword(std::string_view sql, const Token& token, std::string_view keyword) {
    return token.kind == TokenKind::word && equals_ignoring_case(token.text(sql), keyword);
}

std::string_view unquoted(std::string_view token_text) {
    if (token_text.size() >= 2) {
        const char first = token_text.front();
        if (first == '\'' || first == '"' || first == '`' || first == '[') {
            return token_text.substr(1, token_text.size() - 2);
        }
    }
    return token_text;
}

}  // namespace rq::store
