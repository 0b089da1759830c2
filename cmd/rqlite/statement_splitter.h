#pragma once
// Splits the shell's input into SQL statements. A statement ends at a ';' that is outside string
// literals, quoted identifiers ("x", `x`, [x]) and comments (-- to end of line, /* */), so one
// statement may span lines and one line may hold several. Inside CREATE TRIGGER the ';' that end
// the body's statements do not end the trigger: only a ';' right after END does (the rule of
// sqlite3_complete()). At the end of input whatever remains is a statement too, so
// `echo "SELECT 1" | rqlite` works without a ';'.
//
// Statements come out trimmed and without their terminating ';'; a statement that holds only
// whitespace and comments is dropped.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rq::shell {

class StatementSplitter {
public:
    // Adds one line of input (without its line break) and returns the statements it completed.
    std::vector<std::string> add_line(std::string_view line);

    // Ends the input: the unterminated statement, if it has any SQL in it. Clears the buffer.
    std::optional<std::string> finish();

    // True when a statement has begun (SQL seen) or a /* comment is open, and has not ended: the
    // shell then shows its continuation prompt and does not treat the next line as a dot command.
    [[nodiscard]] bool in_statement() const { return has_sql_ || state_ == State::block_comment; }

    // Forgets any unterminated input.
    void clear();

private:
    enum class State { sql, single_quote, double_quote, backtick, bracket, line_comment, block_comment };

    // Scans buffer_ from scan_ to its end, cutting complete statements into `out`.
    void scan(std::vector<std::string>& out);
    void on_sql_char(std::size_t at, std::vector<std::string>& out);
    void end_word();
    void end_statement(std::size_t semicolon, std::vector<std::string>& out);

    std::string buffer_;
    std::size_t scan_ = 0;
    State state_ = State::sql;
    bool has_sql_ = false;
    // Words of the current statement, for the CREATE [TEMP|TEMPORARY] TRIGGER rule.
    std::string word_;
    std::vector<std::string> leading_words_;  // the first three words, upper-cased
    bool last_word_is_end_ = false;           // the last token was the word END
};

}  // namespace rq::shell
