#include "store/pragma_guard.h"

#include <array>
#include <vector>

#include "store/ascii_search.h"
#include "store/sql_lexer.h"

namespace rq::store {
namespace {

constexpr std::array<std::string_view, 4> pragmas_refused_when_set = {
    "journal_mode", "wal_autocheckpoint", "synchronous", "query_only"};

// The significant tokens of one statement, trivia dropped.
using Significant = std::vector<Token>;

std::string_view name_of(std::string_view sql, const Token& token) {
    if (token.kind == TokenKind::quoted_identifier || token.kind == TokenKind::string) {
        return unquoted(token.text(sql));
    }
    return token.kind == TokenKind::word ? token.text(sql) : std::string_view{};
}

bool is_disallowed_statement(std::string_view sql, const Significant& tokens) {
    std::size_t i = 0;
    if (i < tokens.size() && is_keyword(sql, tokens[i], "EXPLAIN")) {
        ++i;
        if (i + 1 < tokens.size() && is_keyword(sql, tokens[i], "QUERY") && is_keyword(sql, tokens[i + 1], "PLAN")) {
            i += 2;
        }
    }
    if (i >= tokens.size() || !is_keyword(sql, tokens[i], "PRAGMA")) return false;
    ++i;
    if (i >= tokens.size()) return false;
    std::string_view name = name_of(sql, tokens[i]);
    ++i;
    if (i < tokens.size() && tokens[i].kind == TokenKind::dot) {  // schema-qualified
        ++i;
        if (i >= tokens.size()) return false;
        name = name_of(sql, tokens[i]);
        ++i;
    }
    if (equals_ignoring_case(name, "wal_checkpoint")) return true;
    const bool sets_value =
        i < tokens.size() && (tokens[i].kind == TokenKind::left_paren ||
                              (tokens[i].kind == TokenKind::op && tokens[i].text(sql) == "="));
    if (!sets_value) return false;
    for (std::string_view refused : pragmas_refused_when_set) {
        if (equals_ignoring_case(name, refused)) return true;
    }
    return false;
}

}  // namespace

bool is_disallowed_pragma(std::string_view sql) {
    // Cheap pre-filter: nearly every statement has no PRAGMA at all.
    if (!contains_ignoring_case(sql, "pragma")) return false;

    Significant statement;
    for (const Token& token : tokenize(sql)) {
        if (token.is_trivia()) continue;
        if (token.kind == TokenKind::semicolon) {
            if (is_disallowed_statement(sql, statement)) return true;
            statement.clear();
            continue;
        }
        statement.push_back(token);
    }
    return is_disallowed_statement(sql, statement);
}

Status check_pragmas(const StatementBatch& batch) {
    for (const Statement& statement : batch.statements) {
        if (is_disallowed_pragma(statement.sql)) {
            return Error(ErrorCode::invalid_argument, std::string(disallowed_pragma_message));
        }
    }
    return ok_status();
}

}  // namespace rq::store
