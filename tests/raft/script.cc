#include "tests/raft/script.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace rq::testing {

std::string ScriptCommand::option(const std::string& key, const std::string& fallback) const {
    auto it = options.find(key);
    return it == options.end() ? fallback : it->second;
}

std::uint64_t ScriptCommand::number(const std::string& key, std::uint64_t fallback) const {
    auto it = options.find(key);
    return it == options.end() ? fallback : std::stoull(it->second);
}

std::vector<std::uint64_t> ScriptCommand::numbers(const std::string& key) const {
    auto it = options.find(key);
    return it == options.end() ? std::vector<std::uint64_t>{} : parse_numbers(it->second);
}

std::vector<std::uint64_t> parse_numbers(const std::string& text) {
    std::string inner = text;
    if (!inner.empty() && inner.front() == '(') inner = inner.substr(1, inner.size() - 2);
    std::vector<std::uint64_t> out;
    std::stringstream stream(inner);
    std::string item;
    while (std::getline(stream, item, ',')) {
        if (!item.empty()) out.push_back(std::stoull(item));
    }
    return out;
}

ScriptCommand parse_command(const std::string& line) {
    ScriptCommand command;
    std::stringstream stream(line);
    std::string word;
    stream >> command.name;
    while (stream >> word) {
        const auto equals = word.find('=');
        if (equals == std::string::npos) {
            command.positional.push_back(word);
        } else {
            command.options[word.substr(0, equals)] = word.substr(equals + 1);
        }
    }
    return command;
}

Script read_script(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    Script script;
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    std::vector<std::string> gap;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string& line = lines[i];
        if (line.empty() || line[0] == '#') {
            gap.push_back(line);
            continue;
        }
        ScriptCase test_case;
        test_case.line = static_cast<int>(i + 1);
        test_case.command = line;
        if (i + 1 >= lines.size() || lines[i + 1] != "----") {
            throw std::runtime_error(path + ":" + std::to_string(i + 2) + ": expected ---- after the command");
        }
        i += 2;
        std::string expected;
        for (; i < lines.size() && !lines[i].empty(); ++i) expected += (expected.empty() ? "" : "\n") + lines[i];
        if (i < lines.size()) --i;  // let the blank line be read as part of the next gap
        test_case.expected = expected;
        script.gaps.push_back(gap);
        gap.clear();
        script.cases.push_back(test_case);
    }
    script.preamble = gap;  // trailing lines
    return script;
}

void write_script(const std::string& path, const Script& script, const std::vector<std::string>& outputs) {
    std::ofstream out(path);
    for (std::size_t i = 0; i < script.cases.size(); ++i) {
        for (const std::string& line : script.gaps[i]) out << line << '\n';
        out << script.cases[i].command << "\n----\n" << outputs[i] << '\n';
    }
    for (const std::string& line : script.preamble) out << line << '\n';
}

}  // namespace rq::testing
