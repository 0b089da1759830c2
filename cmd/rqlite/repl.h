#pragma once
// The read-eval-print loop: lines in, statements and dot commands out to the Shell.
//
// A line is a command (dot command, QUIT, EXIT) only when no statement is in progress; otherwise
// lines go to the StatementSplitter and every statement it completes is run in order. At the
// end of input the unterminated statement, if any, runs too.

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "cmd/rqlite/arguments.h"
#include "cmd/rqlite/line_reader.h"
#include "cmd/rqlite/shell.h"
#include "cmd/rqlite/statement_splitter.h"

namespace rq::shell {

class InputProcessor {
public:
    explicit InputProcessor(Shell& shell) : shell_(shell) {}

    Flow add_line(std::string_view line);
    Flow finish();
    void cancel_statement() { splitter_.clear(); }
    [[nodiscard]] bool in_statement() const { return splitter_.in_statement(); }

private:
    Shell& shell_;
    StatementSplitter splitter_;
};

// The prompt for the second and later lines of a statement, as wide as `prompt`.
std::string continuation_prompt(std::string_view prompt);

// Reads lines until end of input or QUIT; prompts (and history) only when `interactive`. Ctrl-C
// abandons the statement being typed, or, at a fresh prompt, ends the session as in rqlite's CLI.
void run_loop(Shell& shell, LineReader& reader, bool interactive);

// The whole program after argument parsing: connect, greet, loop, say goodbye. Returns the
// process's exit status (1 when the node cannot be reached at startup).
int run_shell(const ConnectionOptions& options);

}  // namespace rq::shell
