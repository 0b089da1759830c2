#pragma once
// Where input lines come from: a terminal, with line editing and history when the shell is built
// with libedit (otherwise a plain prompt), or a stream (piped stdin, a .read file) with no prompt.

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

namespace rq::shell {

class LineReader {
public:
    virtual ~LineReader() = default;
    // The next line without its line break (a trailing '\r' removed too); nullopt at end of input.
    virtual std::optional<std::string> read_line(const std::string& prompt) = 0;
    // Adds a line the user entered to the history.
    virtual void remember(const std::string& line) { (void)line; }
    // Whether the last read_line() ended with Ctrl-C (SIGINT) rather than end of input.
    [[nodiscard]] virtual bool interrupted() const { return false; }
};

// Lines from `in` (not owned), no prompt.
std::unique_ptr<LineReader> make_stream_reader(std::FILE* in);

// Lines typed at the terminal; Ctrl-C while a line is being typed abandons it (read_line() returns
// nullopt and interrupted() is true). History is loaded from `history_path` (when not empty) and saved
// there, at most `history_size` entries, when the reader is destroyed; a size of 0 or less deletes
// the file instead (rqlite's RQLITE_HISTFILESIZE rule).
std::unique_ptr<LineReader> make_terminal_reader(std::string history_path, int history_size);

// ~/.rqlite_history, or "" without a home directory.
std::string default_history_path();
// RQLITE_HISTFILESIZE, 100 by default.
int history_size_from_environment();

}  // namespace rq::shell
