#include "cmd/rqlite/statement_splitter.h"

namespace rq::shell {
namespace {

bool is_word_char(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
           byte >= 0x80;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string upper_ascii(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return out;
}

std::string trimmed(std::string_view text) {
    std::size_t begin = 0;
    std::size_t end = text.size();
    while (begin < end && is_space(text[begin])) ++begin;
    while (end > begin && is_space(text[end - 1])) --end;
    return std::string(text.substr(begin, end - begin));
}

}  // namespace

std::vector<std::string> StatementSplitter::add_line(std::string_view line) {
    buffer_.append(line);
    buffer_.push_back('\n');
    std::vector<std::string> out;
    scan(out);
    return out;
}

std::optional<std::string> StatementSplitter::finish() {
    end_word();
    std::optional<std::string> out;
    if (has_sql_) out = trimmed(buffer_);
    clear();
    return out;
}

void StatementSplitter::clear() {
    buffer_.clear();
    scan_ = 0;
    state_ = State::sql;
    has_sql_ = false;
    word_.clear();
    leading_words_.clear();
    last_word_is_end_ = false;
}

void StatementSplitter::scan(std::vector<std::string>& out) {
    while (scan_ < buffer_.size()) {
        const char c = buffer_[scan_];
        const char next = scan_ + 1 < buffer_.size() ? buffer_[scan_ + 1] : '\0';
        switch (state_) {
            case State::sql: on_sql_char(scan_, out); continue;  // sets scan_ itself
            case State::single_quote: if (c == '\'') state_ = State::sql; break;
            case State::double_quote: if (c == '"') state_ = State::sql; break;
            case State::backtick: if (c == '`') state_ = State::sql; break;
            case State::bracket: if (c == ']') state_ = State::sql; break;
            case State::line_comment: if (c == '\n') state_ = State::sql; break;
            case State::block_comment:
                if (c == '*' && next == '/') {
                    state_ = State::sql;
                    ++scan_;
                }
                break;
        }
        ++scan_;
    }
}

void StatementSplitter::on_sql_char(std::size_t at, std::vector<std::string>& out) {
    const char c = buffer_[at];
    const char next = at + 1 < buffer_.size() ? buffer_[at + 1] : '\0';
    scan_ = at + 1;
    if (is_word_char(c)) {
        word_ += c;
        has_sql_ = true;
        return;
    }
    end_word();
    if (is_space(c)) return;
    if (c == '-' && next == '-') {
        state_ = State::line_comment;
        scan_ = at + 2;
        return;
    }
    if (c == '/' && next == '*') {
        state_ = State::block_comment;
        scan_ = at + 2;
        return;
    }
    if (c == ';') return end_statement(at, out);
    has_sql_ = true;
    last_word_is_end_ = false;
    if (c == '\'') state_ = State::single_quote;
    if (c == '"') state_ = State::double_quote;
    if (c == '`') state_ = State::backtick;
    if (c == '[') state_ = State::bracket;
}

void StatementSplitter::end_word() {
    if (word_.empty()) return;
    std::string upper = upper_ascii(word_);
    word_.clear();
    last_word_is_end_ = upper == "END";
    if (leading_words_.size() < 3) leading_words_.push_back(std::move(upper));
}

void StatementSplitter::end_statement(std::size_t semicolon, std::vector<std::string>& out) {
    const auto word = [this](std::size_t i) { return i < leading_words_.size() ? leading_words_[i] : std::string(); };
    const bool temporary = word(1) == "TEMP" || word(1) == "TEMPORARY";
    const bool trigger = word(0) == "CREATE" && (word(1) == "TRIGGER" || (temporary && word(2) == "TRIGGER"));
    if (trigger && !last_word_is_end_) {
        // A ';' inside the trigger's body: part of the statement.
        has_sql_ = true;
        return;
    }
    if (has_sql_) out.push_back(trimmed(std::string_view(buffer_).substr(0, semicolon)));
    buffer_.erase(0, semicolon + 1);
    scan_ = 0;
    has_sql_ = false;
    leading_words_.clear();
    last_word_is_end_ = false;
}

}  // namespace rq::shell
