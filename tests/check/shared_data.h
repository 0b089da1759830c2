#pragma once
// Where the histories other checkers wrote live (../shared/data next to the repository, found from
// the source directory CMake was given, so the tests find it from any working directory), and the
// verdicts the Porcupine folder's README lists for them.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace rq::check::testing {

inline std::filesystem::path shared_data_dir() { return std::filesystem::path(RQ_SHARED_DATA_DIR); }
inline std::filesystem::path porcupine_dir() { return shared_data_dir() / "porcupine"; }

inline bool have_porcupine_data() { return std::filesystem::exists(porcupine_dir() / "README.md"); }
inline std::string no_porcupine_data_message() {
    return "no Porcupine histories: " + porcupine_dir().string() +
           " is missing (the tests look for ../shared/data next to the source directory)";
}

inline std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// The regular files in `dir`, sorted; empty when `dir` does not exist.
inline std::vector<std::filesystem::path> files_in(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> files;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

// The README's verdicts, file name -> linearizable. For etcd it says "Linearizable: 002, 005, ...
// 056. Every other file here (000-059) is NOT linearizable."; for kv, "-ok files are
// linearizable, -bad files are not". Empty when the README does not say so in those words.
inline std::map<std::string, bool> porcupine_readme_verdicts() {
    std::map<std::string, bool> verdicts;
    const std::string readme = slurp(porcupine_dir() / "README.md");
    std::smatch listed;
    std::smatch range;
    if (!std::regex_search(readme, listed, std::regex(R"(Linearizable:\s*([0-9,\s]+)\.)")) ||
        !std::regex_search(readme, range, std::regex(R"(Every other file here \((\d+)-(\d+)\) is NOT linearizable)"))) {
        return verdicts;
    }
    auto etcd_name = [](int n) {
        std::string digits = std::to_string(n);
        return "etcd_" + std::string(3 - std::min<std::size_t>(3, digits.size()), '0') + digits + ".log";
    };
    for (int n = std::stoi(range[1].str()); n <= std::stoi(range[2].str()); ++n) verdicts[etcd_name(n)] = false;
    const std::string list = listed[1].str();
    const std::regex number(R"(\d+)");
    for (std::sregex_iterator it(list.begin(), list.end(), number), end; it != end; ++it) {
        verdicts[etcd_name(std::stoi(it->str()))] = true;
    }
    if (readme.find("`-ok` files are linearizable, `-bad` files are not") != std::string::npos) {
        for (const std::filesystem::path& file : files_in(porcupine_dir() / "kv")) {
            const std::string name = file.filename().string();
            if (name.find("-ok.") != std::string::npos) verdicts[name] = true;
            if (name.find("-bad.") != std::string::npos) verdicts[name] = false;
        }
    }
    return verdicts;
}

}  // namespace rq::check::testing
