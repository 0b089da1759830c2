// The conformance suite: every history in ../shared/data/porcupine gets the verdict its README
// lists (Porcupine's own tests), and the etcd files each check well under a second.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "check/checker.h"
#include "check/foreign_formats.h"

namespace rq::check {
namespace {

namespace fs = std::filesystem;

fs::path porcupine_dir() {
    const char* source = std::getenv("RQ_SOURCE_DIR");
    return fs::path(source != nullptr ? source : ".") / ".." / "shared" / "data" / "porcupine";
}

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// From the README: "Linearizable: 002, 005, ... Every other file here (000-059) is NOT linearizable."
bool etcd_linearizable(const std::string& name) {
    static const char* kLinearizable[] = {"002", "005", "007", "018", "025", "031", "038",
                                          "045", "048", "049", "051", "053", "056"};
    return std::any_of(std::begin(kLinearizable), std::end(kLinearizable),
                       [&](const char* n) { return name == std::string("etcd_") + n + ".log"; });
}

std::vector<fs::path> files_in(const fs::path& dir) {
    std::vector<fs::path> files;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(dir, error)) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

Verdict check_file(const fs::path& path) {
    const std::string text = slurp(path);
    Result<HistoryFormat> format = detect_history_format(text);
    EXPECT_TRUE(format.ok()) << path;
    Result<History> history = parse_history(text, *format);
    EXPECT_TRUE(history.ok()) << path << ": " << history.error().message();
    const Model& model = *find_model(default_model_name(*format));
    Result<CheckResult> result = check_operations(model, history->operations());
    EXPECT_TRUE(result.ok()) << path;
    return result->verdict;
}

TEST(CheckPorcupineData, EtcdVerdictsMatchTheReadme) {
    const std::vector<fs::path> files = files_in(porcupine_dir() / "etcd");
    if (files.empty()) GTEST_SKIP() << "no ../shared/data/porcupine/etcd next to the repository";
    EXPECT_EQ(files.size(), 60U);
    std::size_t linearizable = 0;
    for (const fs::path& file : files) {
        const std::string name = file.filename().string();
        const Verdict expected = etcd_linearizable(name) ? Verdict::ok : Verdict::illegal;
        EXPECT_EQ(check_file(file), expected) << name;
        linearizable += expected == Verdict::ok ? 1 : 0;
    }
    EXPECT_EQ(linearizable, 13U);
}

TEST(CheckPorcupineData, KvVerdictsMatchTheReadme) {
    const std::vector<fs::path> files = files_in(porcupine_dir() / "kv");
    if (files.empty()) GTEST_SKIP() << "no ../shared/data/porcupine/kv next to the repository";
    for (const fs::path& file : files) {
        const std::string name = file.filename().string();
        const bool ok = name.find("-ok") != std::string::npos;
        ASSERT_TRUE(ok || name.find("-bad") != std::string::npos) << name;
        EXPECT_EQ(check_file(file), ok ? Verdict::ok : Verdict::illegal) << name;
    }
}

}  // namespace
}  // namespace rq::check
