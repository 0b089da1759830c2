// The lincheck program itself: exit statuses, messages naming file and line, the HTML report,
// and the Porcupine conformance files run through the real binary.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct Outcome {
    int status = -1;
    std::string output;  // stdout and stderr
};

Outcome lincheck(const std::string& arguments) {
    const std::string command = std::string(LINCHECK_PATH) + " " + arguments + " 2>&1";
    Outcome run;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return run;
    std::array<char, 4096> buffer{};
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) run.output.append(buffer.data(), n);
    const int raw = pclose(pipe);
    run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    return run;
}

class CheckLincheckCli : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("lincheck_cli_test_" + std::to_string(getpid()) + "_" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string write(const std::string& name, const std::string& text) {
        const fs::path path = dir_ / name;
        std::ofstream(path) << text;
        return path.string();
    }

    fs::path dir_;
};

const char* kOk =
    "{\"type\":\"invoke\",\"process\":1,\"time\":1,\"f\":\"write\",\"key\":\"x\",\"input\":1}\n"
    "{\"type\":\"ok\",\"process\":1,\"time\":2}\n"
    "{\"type\":\"invoke\",\"process\":2,\"time\":3,\"f\":\"read\",\"key\":\"x\"}\n"
    "{\"type\":\"ok\",\"process\":2,\"time\":4,\"output\":1}\n";

const char* kStale =
    "{\"type\":\"invoke\",\"process\":1,\"time\":1,\"f\":\"write\",\"key\":\"x\",\"input\":1}\n"
    "{\"type\":\"ok\",\"process\":1,\"time\":2}\n"
    "{\"type\":\"invoke\",\"process\":2,\"time\":3,\"f\":\"read\",\"key\":\"x\"}\n"
    "{\"type\":\"ok\",\"process\":2,\"time\":4,\"output\":null}\n";

TEST_F(CheckLincheckCli, LinearizableHistoryExitsZero) {
    const Outcome run = lincheck(write("ok.jsonl", kOk));
    EXPECT_EQ(run.status, 0) << run.output;
    EXPECT_NE(run.output.find("ok.jsonl: ok (register model, 1 key, 2 operations) in "), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("key \"x\": ok (2 operations)"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("overall: ok"), std::string::npos) << run.output;
}

TEST_F(CheckLincheckCli, NonLinearizableHistoryExitsOneAndExplains) {
    const Outcome run = lincheck(write("stale.jsonl", kStale));
    EXPECT_EQ(run.status, 1) << run.output;
    EXPECT_NE(run.output.find("key \"x\": not linearizable"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("process 2, lines 3-4: read() -> nil  [rejected in this state]  [blocking]"), std::string::npos)
        << run.output;
}

TEST_F(CheckLincheckCli, BadInputExitsTwoNamingFileAndLine) {
    const std::string path = write("bad.jsonl", std::string(kOk) + "{\"type\":\"ok\",\"process\":9,\"time\":5}\n");
    const Outcome run = lincheck(path);
    EXPECT_EQ(run.status, 2) << run.output;
    EXPECT_NE(run.output.find(path + ": bad input: line 5: completion (ok) without invocation"), std::string::npos)
        << run.output;
    const Outcome malformed = lincheck(write("malformed.jsonl", "{\"type\":\"invoke\",\n"));
    EXPECT_EQ(malformed.status, 2);
    EXPECT_NE(malformed.output.find("line 1: malformed JSON"), std::string::npos) << malformed.output;
    EXPECT_EQ(lincheck(path + " " + write("ok.jsonl", kOk)).status, 2);  // bad input outranks the rest
    EXPECT_EQ(lincheck(dir_.string() + "/missing.jsonl").status, 2);
    EXPECT_EQ(lincheck("--no-such-option x").status, 2);
}

TEST_F(CheckLincheckCli, ModelCanBeGivenOrIsInferred) {
    const Outcome run = lincheck("--model kv " + write("ok.jsonl", kOk));
    EXPECT_EQ(run.status, 2) << run.output;  // write/read are not kv operations
    EXPECT_NE(run.output.find("kv model: line 1: operation \"write\" is not one of the kv model's"), std::string::npos)
        << run.output;
}

TEST_F(CheckLincheckCli, TimeLimitGivesUnknownExitTwo) {
    // Fourteen writes that never complete, then reads that flip between two values too often:
    // not linearizable, but only after trying many orders.
    std::string text;
    std::int64_t time = 0;
    for (int p = 0; p < 14; ++p) {
        text += "{\"type\":\"invoke\",\"process\":" + std::to_string(p) + ",\"time\":" + std::to_string(++time) +
                ",\"f\":\"write\",\"input\":" + std::to_string(p % 7) + "}\n";
    }
    for (int i = 0; i < 30; ++i) {
        const std::string p = std::to_string(100 + i);
        text += "{\"type\":\"invoke\",\"process\":" + p + ",\"time\":" + std::to_string(++time) + ",\"f\":\"read\"}\n";
        text += "{\"type\":\"ok\",\"process\":" + p + ",\"time\":" + std::to_string(++time) +
                ",\"output\":" + std::to_string(i % 2 + 1) + "}\n";
    }
    const std::string path = write("hard.jsonl", text);
    const Outcome limited = lincheck("--time-limit 0 " + path);
    EXPECT_EQ(limited.status, 2) << limited.output;
    EXPECT_NE(limited.output.find("key \"\": unknown (44 operations; out of time)"), std::string::npos) << limited.output;
    EXPECT_EQ(lincheck(path).status, 1);
}

TEST_F(CheckLincheckCli, HtmlReportIsSelfContained) {
    const std::string html = (dir_ / "report.html").string();
    const Outcome run = lincheck("--html " + html + " " + write("stale.jsonl", kStale));
    EXPECT_EQ(run.status, 1) << run.output;
    std::ifstream in(html);
    std::stringstream text;
    text << in.rdbuf();
    const std::string page = text.str();
    EXPECT_NE(page.find("<svg"), std::string::npos);
    EXPECT_NE(page.find("class=\"bad blocking\""), std::string::npos);  // the read that cannot be placed
    EXPECT_NE(page.find("class=\"lin\""), std::string::npos);           // the write, linearized
    EXPECT_EQ(page.find("<script"), std::string::npos);
    EXPECT_EQ(page.find("http"), std::string::npos);  // nothing fetched from elsewhere
}

fs::path porcupine_dir() {
    const char* source = std::getenv("RQ_SOURCE_DIR");
    return fs::path(source != nullptr ? source : ".") / ".." / "shared" / "data" / "porcupine";
}

TEST(CheckLincheckPorcupine, EveryFileGetsTheReadmeVerdict) {
    const fs::path dir = porcupine_dir();
    if (!fs::exists(dir / "etcd")) GTEST_SKIP() << "no ../shared/data/porcupine next to the repository";
    const std::vector<std::string> linearizable = {"002", "005", "007", "018", "025", "031", "038",
                                                   "045", "048", "049", "051", "053", "056"};
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(dir / "etcd")) files.push_back(entry.path().string());
    for (const auto& entry : fs::directory_iterator(dir / "kv")) files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    for (const std::string& file : files) {
        const std::string name = fs::path(file).filename().string();
        bool ok = name.find("-ok") != std::string::npos;
        for (const std::string& n : linearizable) ok = ok || name == "etcd_" + n + ".log";
        const Outcome run = lincheck("--quiet " + file);
        EXPECT_EQ(run.status, ok ? 0 : 1) << name << "\n" << run.output;
    }
}

}  // namespace
