#include "store/rewrite.h"

#include <array>
#include <limits>
#include <optional>
#include <vector>

#include "store/ascii_search.h"
#include "store/civil_time.h"
#include "store/sql_lexer.h"

namespace rq::store {
namespace {

constexpr std::int64_t nanos_per_milli = 1'000'000;
constexpr std::int64_t millis_per_day = 86'400'000;
// Milliseconds from the Julian day epoch (noon, 24 November 4714 BC) to the Unix epoch.
constexpr std::int64_t julian_millis_at_unix_epoch = 210'866'760'000'000;

std::int64_t unix_millis(env::Duration unix_now) { return unix_now.count() / nanos_per_milli; }

std::string random_integer_literal(Random& random) {
    const auto value = static_cast<std::int64_t>(random.next_u64());
    if (value >= 0) return std::to_string(value);
    // Parenthesised so that "5-RANDOM()" cannot turn into the comment "5--123".
    if (value == std::numeric_limits<std::int64_t>::min()) return "(-9223372036854775807-1)";
    std::string literal = "(";  // built by appending: GCC 12 misreports "(" + string (-Wrestrict)
    literal += std::to_string(value);
    literal += ')';
    return literal;
}

std::string random_blob_literal(std::int64_t byte_count, Random& random) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string literal = "x'";
    literal.reserve(static_cast<std::size_t>(byte_count) * 2 + 3);
    std::uint64_t bits = 0;
    for (std::int64_t i = 0; i < byte_count; ++i) {
        if (i % 8 == 0) bits = random.next_u64();
        const auto byte = static_cast<unsigned>(bits & 0xff);
        bits >>= 8;
        literal += hex[byte >> 4];
        literal += hex[byte & 0xf];
    }
    literal += '\'';
    return literal;
}

// SQLite's CURRENT_TIMESTAMP, CURRENT_DATE and CURRENT_TIME texts, in UTC, to the second.
std::string current_time_literal(std::string_view keyword, env::Duration unix_now) {
    const CivilTime t = civil_from_unix_nanos(unix_millis(unix_now) * nanos_per_milli);
    const std::string date = zero_padded(t.year, 4) + "-" + zero_padded(t.month, 2) + "-" + zero_padded(t.day, 2);
    const std::string time = zero_padded(t.hour, 2) + ":" + zero_padded(t.minute, 2) + ":" + zero_padded(t.second, 2);
    if (equals_ignoring_case(keyword, "CURRENT_DATE")) return "'" + date + "'";
    if (equals_ignoring_case(keyword, "CURRENT_TIME")) return "'" + time + "'";
    return "'" + date + " " + time + "'";
}

struct Edit {
    std::size_t offset;
    std::size_t length;
    std::string replacement;
};

// Rewrites one statement: the significant tokens between two semicolons.
class StatementRewriter {
public:
    StatementRewriter(std::string_view sql, const std::vector<Token>& tokens, const RewriteOptions& options,
                      env::Duration unix_now, Random& random, std::vector<Edit>& edits)
        : sql_(sql), tokens_(tokens), options_(options), unix_now_(unix_now), random_(random), edits_(edits) {}

    void run(std::size_t begin, std::size_t end) {
        end_ = end;
        if (is_schema_statement(begin)) return;
        order_by_frames_.assign(1, false);
        for (std::size_t i = begin; i < end; ++i) i = visit(i);
    }

private:
    [[nodiscard]] const Token* at(std::size_t i) const { return i < end_ ? &tokens_[i] : nullptr; }
    [[nodiscard]] bool kind_at(std::size_t i, TokenKind kind) const { return i < end_ && tokens_[i].kind == kind; }
    [[nodiscard]] bool keyword_at(std::size_t i, std::string_view word) const {
        return i < end_ && is_keyword(sql_, tokens_[i], word);
    }

    // CREATE and ALTER statements store expressions in the schema for later evaluation.
    [[nodiscard]] bool is_schema_statement(std::size_t i) const {
        if (keyword_at(i, "EXPLAIN")) {
            ++i;
            if (keyword_at(i, "QUERY") && keyword_at(i + 1, "PLAN")) i += 2;
        }
        return keyword_at(i, "CREATE") || keyword_at(i, "ALTER");
    }

    [[nodiscard]] bool in_order_by() const {
        for (bool frame : order_by_frames_) {
            if (frame) return true;
        }
        return false;
    }

    // Handles token i; returns the last token index it consumed.
    std::size_t visit(std::size_t i) {
        const Token& token = tokens_[i];
        switch (token.kind) {
            case TokenKind::left_paren: order_by_frames_.push_back(false); return i;
            case TokenKind::right_paren:
                if (order_by_frames_.size() > 1) order_by_frames_.pop_back();
                return i;
            case TokenKind::word: break;
            default: return i;
        }
        if (keyword_at(i, "ORDER") && keyword_at(i + 1, "BY")) {
            order_by_frames_.back() = true;
            return i + 1;
        }
        if (keyword_at(i, "LIMIT") || keyword_at(i, "ROWS") || keyword_at(i, "RANGE") || keyword_at(i, "GROUPS")) {
            order_by_frames_.back() = false;  // the ordering terms ended
            return i;
        }
        if (kind_at(i + 1, TokenKind::left_paren) && is_function_position(i)) return visit_call(i);
        if (options_.rewrite_time && (keyword_at(i, "CURRENT_TIMESTAMP") || keyword_at(i, "CURRENT_DATE") ||
                                      keyword_at(i, "CURRENT_TIME"))) {
            add_edit(i, i, current_time_literal(token.text(sql_), unix_now_));
        }
        return i;
    }

    // A word followed by "(" is a function call unless it names a table: "INSERT INTO date(now)" or a
    // schema-qualified name (functions never are).
    [[nodiscard]] bool is_function_position(std::size_t i) const {
        if (i == 0) return true;
        const Token& previous = tokens_[i - 1];
        return previous.kind != TokenKind::dot && !is_keyword(sql_, previous, "INTO");
    }

    std::size_t visit_call(std::size_t name) {
        const std::string_view function = tokens_[name].text(sql_);
        if (options_.rewrite_random && !in_order_by()) {
            if (equals_ignoring_case(function, "random") && kind_at(name + 2, TokenKind::right_paren)) {
                add_edit(name, name + 2, random_integer_literal(random_));
                return name + 2;
            }
            if (equals_ignoring_case(function, "randomblob")) {
                if (auto byte_count = small_integer_at(name + 2); byte_count && kind_at(name + 3, TokenKind::right_paren)) {
                    add_edit(name, name + 3, random_blob_literal(std::max<std::int64_t>(*byte_count, 1), random_));
                    return name + 3;
                }
            }
        }
        if (!options_.rewrite_time) return name;
        static constexpr std::array<std::string_view, 5> now_first = {"date", "time", "datetime", "julianday",
                                                                       "unixepoch"};
        for (std::string_view candidate : now_first) {
            if (equals_ignoring_case(function, candidate)) maybe_rewrite_now(name + 2);
        }
        if (equals_ignoring_case(function, "strftime")) maybe_rewrite_now(next_argument(name + 2));
        if (equals_ignoring_case(function, "timediff")) {
            maybe_rewrite_now(name + 2);
            maybe_rewrite_now(next_argument(name + 2));
        }
        return name;  // the arguments are visited as usual
    }

    // A plain decimal literal no larger than the rewrite limit.
    [[nodiscard]] std::optional<std::int64_t> small_integer_at(std::size_t i) const {
        if (!kind_at(i, TokenKind::number)) return std::nullopt;
        std::int64_t value = 0;
        for (char c : tokens_[i].text(sql_)) {
            if (c < '0' || c > '9') return std::nullopt;
            value = value * 10 + (c - '0');
            if (value > randomblob_rewrite_bytes_max) return std::nullopt;
        }
        return value;
    }

    // The first token of the argument after the one starting at `argument`, or end_ if none.
    [[nodiscard]] std::size_t next_argument(std::size_t argument) const {
        int depth = 0;
        for (std::size_t i = argument; i < end_; ++i) {
            const TokenKind kind = tokens_[i].kind;
            if (kind == TokenKind::left_paren) ++depth;
            if (kind == TokenKind::right_paren && depth-- == 0) return end_;
            if (kind == TokenKind::comma && depth == 0) return i + 1;
        }
        return end_;
    }

    // Replaces the argument at i if it is exactly 'now' (a string, or a bare or double-quoted word).
    void maybe_rewrite_now(std::size_t i) {
        const Token* token = at(i);
        if (token == nullptr || !(kind_at(i + 1, TokenKind::comma) || kind_at(i + 1, TokenKind::right_paren))) return;
        const std::string_view text = token->text(sql_);
        const bool is_now = (token->kind == TokenKind::word && equals_ignoring_case(text, "now")) ||
                            ((token->kind == TokenKind::string || (token->kind == TokenKind::quoted_identifier &&
                                                                   text.front() == '"')) &&
                             equals_ignoring_case(unquoted(text), "now"));
        if (is_now) add_edit(i, i, julian_day_literal(unix_now_));
    }

    void add_edit(std::size_t first, std::size_t last, std::string replacement) {
        const std::size_t offset = tokens_[first].offset;
        edits_.push_back(Edit{offset, tokens_[last].offset + tokens_[last].length - offset, std::move(replacement)});
    }

    std::string_view sql_;
    const std::vector<Token>& tokens_;
    const RewriteOptions& options_;
    env::Duration unix_now_;
    Random& random_;
    std::vector<Edit>& edits_;
    std::size_t end_ = 0;
    // One entry per open parenthesis (plus the statement level): inside ORDER BY terms there?
    std::vector<bool> order_by_frames_;
};

bool might_need_rewriting(std::string_view sql, const RewriteOptions& options) {
    if (options.rewrite_random && contains_ignoring_case(sql, "random")) return true;
    return options.rewrite_time && (contains_ignoring_case(sql, "now") || contains_ignoring_case(sql, "current_"));
}

}  // namespace

std::string julian_day_literal(env::Duration unix_now) {
    const std::int64_t julian_millis = unix_millis(unix_now) + julian_millis_at_unix_epoch;
    std::int64_t whole_days = julian_millis / millis_per_day;
    const std::int64_t remainder = julian_millis % millis_per_day;
    // Nine decimals: 0.0864 ms resolution, so SQLite's rounding to the millisecond recovers it exactly.
    std::int64_t fraction = (remainder * 1'000'000'000 + millis_per_day / 2) / millis_per_day;
    if (fraction == 1'000'000'000) {
        ++whole_days;
        fraction = 0;
    }
    return std::to_string(whole_days) + "." + zero_padded(fraction, 9);
}

namespace {

// The rewritten text, or nullopt when `sql` has nothing to rewrite (nearly always: then nothing is
// copied).
std::optional<std::string> rewritten_sql(std::string_view sql, const RewriteOptions& options, env::Duration unix_now,
                                         Random& random) {
    if (!might_need_rewriting(sql, options)) return std::nullopt;

    std::vector<Token> significant;
    for (const Token& token : tokenize(sql)) {
        if (!token.is_trivia()) significant.push_back(token);
    }
    std::vector<Edit> edits;
    StatementRewriter rewriter(sql, significant, options, unix_now, random, edits);
    std::size_t begin = 0;
    for (std::size_t i = 0; i <= significant.size(); ++i) {
        if (i == significant.size() || significant[i].kind == TokenKind::semicolon) {
            rewriter.run(begin, i);
            begin = i + 1;
        }
    }
    if (edits.empty()) return std::nullopt;

    std::string rewritten;
    rewritten.reserve(sql.size() + edits.size() * 24);
    std::size_t copied = 0;
    for (const Edit& edit : edits) {
        rewritten.append(sql.substr(copied, edit.offset - copied));
        rewritten.append(edit.replacement);
        copied = edit.offset + edit.length;
    }
    rewritten.append(sql.substr(copied));
    return rewritten;
}

}  // namespace

std::string rewrite_sql(std::string_view sql, const RewriteOptions& options, env::Duration unix_now, Random& random) {
    std::optional<std::string> rewritten = rewritten_sql(sql, options, unix_now, random);
    return rewritten ? std::move(*rewritten) : std::string(sql);
}

void rewrite_batch(StatementBatch& batch, const RewriteOptions& options, env::Duration unix_now, Random& random) {
    for (Statement& statement : batch.statements) {
        if (auto rewritten = rewritten_sql(statement.sql, options, unix_now, random)) statement.sql = std::move(*rewritten);
    }
}

}  // namespace rq::store
