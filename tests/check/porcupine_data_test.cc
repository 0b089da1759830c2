// The conformance suite: every history in ../shared/data/porcupine gets the verdict that folder's
// README lists (Porcupine's own test verdicts), checked in process; lincheck_cli_test.cc runs the
// same files through the lincheck binary.

#include <gtest/gtest.h>

#include "check/checker.h"
#include "check/foreign_formats.h"
#include "tests/check/shared_data.h"

namespace rq::check {
namespace {

namespace fs = std::filesystem;
using testing::files_in;
using testing::porcupine_dir;
using testing::porcupine_readme_verdicts;

// Every history file there, README excluded.
std::vector<fs::path> porcupine_histories() {
    std::vector<fs::path> files;
    for (const char* kind : {"etcd", "kv"}) {
        for (const fs::path& file : files_in(porcupine_dir() / kind)) files.push_back(file);
    }
    return files;
}

Result<CheckResult> check_file(const fs::path& path) {
    const std::string text = testing::slurp(path);
    Result<HistoryFormat> format = detect_history_format(text);
    if (!format.ok()) return format.error();
    Result<History> history = parse_history(text, *format);
    if (!history.ok()) return history.error();
    return check_operations(*find_model(default_model_name(*format)), history->operations());
}

TEST(CheckPorcupineData, ReadmeGivesAVerdictForEveryFile) {
    if (!testing::have_porcupine_data()) GTEST_SKIP() << testing::no_porcupine_data_message();
    const std::map<std::string, bool> verdicts = porcupine_readme_verdicts();
    ASSERT_FALSE(verdicts.empty()) << "the README no longer lists verdicts in the words this test reads";
    for (const fs::path& file : porcupine_histories()) {
        EXPECT_EQ(verdicts.count(file.filename().string()), 1U) << file << " has no verdict in the README";
    }
    std::size_t etcd = 0;
    std::size_t linearizable = 0;
    for (const auto& [name, ok] : verdicts) {
        const bool is_etcd = name.rfind("etcd_", 0) == 0;
        EXPECT_TRUE(fs::exists(porcupine_dir() / (is_etcd ? "etcd" : "kv") / name)) << name << " is listed but missing";
        etcd += is_etcd ? 1 : 0;
        linearizable += is_etcd && ok ? 1 : 0;
    }
    // What the README said when this test was written: 60 etcd files, 13 of them linearizable.
    EXPECT_EQ(etcd, 60U);
    EXPECT_EQ(linearizable, 13U);
}

TEST(CheckPorcupineData, EveryFileGetsTheReadmeVerdict) {
    if (!testing::have_porcupine_data()) GTEST_SKIP() << testing::no_porcupine_data_message();
    const std::map<std::string, bool> verdicts = porcupine_readme_verdicts();
    const std::vector<fs::path> files = porcupine_histories();
    ASSERT_GE(files.size(), 64U);
    for (const fs::path& file : files) {
        const std::string name = file.filename().string();
        ASSERT_EQ(verdicts.count(name), 1U) << name;
        const Result<CheckResult> result = check_file(file);
        ASSERT_TRUE(result.ok()) << name << ": " << result.error().message();
        EXPECT_EQ(result->verdict, verdicts.at(name) ? Verdict::ok : Verdict::illegal) << name;
    }
}

}  // namespace
}  // namespace rq::check
