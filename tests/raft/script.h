#pragma once
// A tiny reader/writer for scripted test files in the style of etcd's datadriven package:
//
//   # comments and blank lines between cases are ignored
//   command arg key=value key=(1,2,3)
//   ----
//   expected output, one or more lines (never blank)
//
// Output ends at the first blank line. Running with RQ_REWRITE=1 in the environment rewrites the
// expected output of every case with what the code printed.

#include <map>
#include <string>
#include <vector>

namespace rq::testing {

struct ScriptCase {
    int line = 0;             // 1-based line of the command
    std::string command;      // the whole command line
    std::string expected;     // expected output, lines joined with '\n', no trailing newline
};

struct ScriptCommand {
    std::string name;
    std::vector<std::string> positional;
    std::map<std::string, std::string> options;  // key=value; a bare word is positional

    [[nodiscard]] bool has(const std::string& key) const { return options.count(key) > 0; }
    [[nodiscard]] std::string option(const std::string& key, const std::string& fallback) const;
    [[nodiscard]] std::uint64_t number(const std::string& key, std::uint64_t fallback) const;
    // "(1,2,3)" or "1" as a list of numbers.
    [[nodiscard]] std::vector<std::uint64_t> numbers(const std::string& key) const;
};

struct Script {
    std::vector<std::string> preamble;  // lines before each case (comments), kept for rewriting
    std::vector<ScriptCase> cases;
    std::vector<std::vector<std::string>> gaps;  // lines between cases, gaps[i] precedes cases[i]
};

Script read_script(const std::string& path);
void write_script(const std::string& path, const Script& script, const std::vector<std::string>& outputs);
ScriptCommand parse_command(const std::string& line);
std::vector<std::uint64_t> parse_numbers(const std::string& text);

}  // namespace rq::testing
