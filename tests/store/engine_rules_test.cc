// store/ is an engine folder: no wall clock, no entropy, no threads (STYLE.md rule 3). Time and
// randomness are handed in; this test keeps it that way.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace {

TEST(EngineRulesTest, StoreReadsNoClockCreatesNoEntropyStartsNoThread) {
    // ctest sets RQ_SOURCE_DIR; run by hand, the binary finds the tree from this file's own path.
    const char* from_environment = std::getenv("RQ_SOURCE_DIR");
    const std::filesystem::path source_dir = from_environment != nullptr
                                                 ? std::filesystem::path(from_environment)
                                                 : std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
    ASSERT_TRUE(std::filesystem::exists(source_dir / "store")) << source_dir;
    const std::regex forbidden(
        R"j(std::random_device|rand\(|system_clock::now|steady_clock::now|high_resolution_clock|std::thread|std::async|gettimeofday|clock_gettime)j");
    int files = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(source_dir / "store")) {
        const std::string extension = entry.path().extension().string();
        if (extension != ".h" && extension != ".cc") continue;
        ++files;
        std::ifstream file(entry.path());
        std::string line;
        for (int number = 1; std::getline(file, line); ++number) {
            EXPECT_FALSE(std::regex_search(line, forbidden)) << entry.path() << ":" << number << ": " << line;
        }
    }
    EXPECT_GT(files, 10);
}

}  // namespace
