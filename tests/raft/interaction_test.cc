// Runs every scripted interaction test in tests/raft/testdata/ (one GoogleTest case per file) and
// compares each command's output with the expected output in the file. RQ_REWRITE=1 rewrites the
// files with the actual output instead; review the diff before committing it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "tests/raft/interaction_env.h"
#include "tests/raft/script.h"

namespace rq::testing {
namespace {

std::filesystem::path testdata_dir() {
    const char* root = std::getenv("RQ_SOURCE_DIR");
    return std::filesystem::path(root ? root : ".") / "tests" / "raft" / "testdata";
}

std::vector<std::string> script_names() {
    std::vector<std::string> names;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(testdata_dir(), error)) {
        if (entry.path().extension() == ".txt") names.push_back(entry.path().stem().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

class InteractionTest : public ::testing::TestWithParam<std::string> {};

TEST_P(InteractionTest, MatchesExpectedOutput) {
    const std::string path = (testdata_dir() / (GetParam() + ".txt")).string();
    const Script script = read_script(path);
    InteractionEnv env;
    std::vector<std::string> outputs;
    const bool rewrite = std::getenv("RQ_REWRITE") != nullptr;
    for (const ScriptCase& test_case : script.cases) {
        outputs.push_back(env.run(test_case.command));
        if (!rewrite) {
            EXPECT_EQ(test_case.expected, outputs.back()) << path << ":" << test_case.line << ": " << test_case.command;
        }
    }
    if (rewrite) write_script(path, script, outputs);
}

INSTANTIATE_TEST_SUITE_P(Scripts, InteractionTest, ::testing::ValuesIn(script_names()),
                         [](const auto& param_info) {
                             std::string name = param_info.param;
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });

}  // namespace
}  // namespace rq::testing
