// env/ and wal/ are engine code: they run unchanged in the simulator, so they must not read a real
// clock, create entropy or start threads (STYLE.md rule 3). This test greps their sources.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace {

TEST(EnginePurity, EnvAndWalReadNoClockNoEntropyAndStartNoThreads) {
    const char* source_dir = std::getenv("RQ_SOURCE_DIR");
    ASSERT_NE(source_dir, nullptr) << "ctest sets RQ_SOURCE_DIR";
    const std::regex forbidden(
        R"(std::random_device|rand\(|system_clock::now|steady_clock::now|high_resolution_clock|std::thread|std::async|gettimeofday|clock_gettime)");
    int files = 0;
    for (const char* folder : {"env", "wal"}) {
        for (const auto& item : std::filesystem::recursive_directory_iterator(std::filesystem::path(source_dir) / folder)) {
            const auto extension = item.path().extension();
            if (extension != ".h" && extension != ".cc") continue;
            ++files;
            std::ifstream in(item.path());
            std::string line;
            for (int number = 1; std::getline(in, line); ++number) {
                if (line.find("// wall-clock:") != std::string::npos) continue;
                EXPECT_FALSE(std::regex_search(line, forbidden)) << item.path() << ":" << number << ": " << line;
            }
        }
    }
    EXPECT_GT(files, 5);
}

}  // namespace
