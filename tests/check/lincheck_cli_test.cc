// The lincheck program itself: exit statuses, messages naming file and line, the HTML report,
// and the Porcupine conformance files run through the real binary.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/check/shared_data.h"

namespace {

namespace fs = std::filesystem;

struct Outcome {
    int status = -1;
    std::string output;  // stdout and stderr
};

// Runs lincheck with `arguments`, killed after kHangSeconds so that a hang fails the test (status
// 124, from timeout(1)) instead of stalling the suite.
constexpr int kHangSeconds = 120;
Outcome lincheck(const std::string& arguments) {
    const std::string command =
        "timeout " + std::to_string(kHangSeconds) + " " + std::string(LINCHECK_PATH) + " " + arguments + " 2>&1";
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

// Invocations (never completed) of cas(v, -1) for v in [0, values): operations that compare with
// every written value, so the checker cannot merge the values nobody read (Model::merge_unobserved)
// and the search stays as large as the test needs. Invoked after every read completed, they are
// never placed before one.
std::string cas_every_value(int values, std::int64_t& time) {
    std::string text;
    for (int v = 0; v < values; ++v) {
        text += "{\"type\":\"invoke\",\"process\":" + std::to_string(1000 + v) + ",\"time\":" + std::to_string(++time) +
                ",\"f\":\"cas\",\"input\":[" + std::to_string(v) + ",-1]}\n";
    }
    return text;
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
    text += cas_every_value(7, time);
    const std::string path = write("hard.jsonl", text);
    const Outcome limited = lincheck("--time-limit 0 " + path);
    EXPECT_EQ(limited.status, 2) << limited.output;
    EXPECT_NE(limited.output.find("key \"\": unknown (51 operations; out of time)"), std::string::npos) << limited.output;
    EXPECT_EQ(lincheck(path).status, 1);
}

// Forty writes that never complete, with distinct values, then reads of 0, 1 and 0 again: not
// linearizable (one write of 0), but the search must try every subset of the writes to know:
// about 2^40 configurations (the cas operations last keep the values apart). A real time limit must end it with unknown, promptly.
std::string intractable_history() {
    std::string text;
    std::int64_t time = 0;
    auto event = [&](const std::string& fields) {
        text += "{\"time\":" + std::to_string(++time) + "," + fields + "}\n";
    };
    for (int p = 0; p < 40; ++p) {
        event("\"type\":\"invoke\",\"process\":" + std::to_string(p) + ",\"f\":\"write\",\"input\":" + std::to_string(p));
    }
    int reader = 100;
    for (int value : {0, 1, 0}) {
        const std::string process = "\"process\":" + std::to_string(reader++);
        event("\"type\":\"invoke\"," + process + ",\"f\":\"read\"");
        event("\"type\":\"ok\"," + process + ",\"output\":" + std::to_string(value));
    }
    return text + cas_every_value(40, time);
}

TEST_F(CheckLincheckCli, TimeLimitEndsAnIntractableSearchWithUnknown) {
    const std::string path = write("intractable.jsonl", intractable_history());
    const auto start = std::chrono::steady_clock::now();
    const Outcome run = lincheck("--time-limit 0.5 " + path);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(run.status, 2) << run.output;
    EXPECT_NE(run.output.find("key \"\": unknown (83 operations; out of time)"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("overall: unknown"), std::string::npos) << run.output;
    // The limit is polled every few thousand search steps: even on a loaded machine the run ends
    // within seconds of it, far from kHangSeconds.
    EXPECT_LT(seconds, 30.0);
}

TEST_F(CheckLincheckCli, BadOptionsExitTwoSayingWhatIsWrong) {
    const std::string path = write("ok.jsonl", kOk);
    for (const char* limit : {"-1", "abc", "1e999", "nan", "inf", "2e6", "5s"}) {
        const Outcome run = lincheck(std::string("--time-limit ") + limit + " " + path);
        EXPECT_EQ(run.status, 2) << limit << ": " << run.output;
        EXPECT_NE(run.output.find("--time-limit wants seconds"), std::string::npos) << limit << ": " << run.output;
    }
    Outcome run = lincheck("--no-such-option " + path);
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.output.find("unknown option --no-such-option"), std::string::npos) << run.output;
    run = lincheck("--quiet");
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.output.find("no history files given"), std::string::npos) << run.output;
    run = lincheck(path + " --model");
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.output.find("--model needs a value"), std::string::npos) << run.output;
    run = lincheck("--model nosuch " + path);
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.output.find("unknown model \"nosuch\""), std::string::npos) << run.output;
    EXPECT_EQ(lincheck("--help").status, 0);
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

TEST_F(CheckLincheckCli, HtmlOfALongHistoryShowsTheFailure) {
    // 2,000 writes, each read back, then a read of a value overwritten long ago: the failure is
    // past the operations a key's timeline draws, so the drawing moves to it.
    std::string text;
    std::int64_t time = 0;
    auto call = [&](const std::string& f, const std::string& io) {
        const std::string fields = "\"process\":1,\"time\":";
        text += "{\"type\":\"invoke\"," + fields + std::to_string(++time) + ",\"f\":\"" + f + "\"" +
                (f == "write" ? ",\"input\":" + io : "") + "}\n";
        text += "{\"type\":\"ok\"," + fields + std::to_string(++time) + (f == "read" ? ",\"output\":" + io : "") + "}\n";
    };
    for (int i = 0; i < 2000; ++i) {
        call("write", std::to_string(i));
        call("read", std::to_string(i));
    }
    call("read", "7");
    const std::string html = (dir_ / "long.html").string();
    const Outcome run = lincheck("--html " + html + " " + write("long.jsonl", text));
    EXPECT_EQ(run.status, 1) << run.output;
    std::ifstream in(html);
    std::stringstream page;
    page << in.rdbuf();
    EXPECT_NE(page.str().find("Showing operations 1002 to 4001 of 4001, around the blocking one."), std::string::npos);
    EXPECT_NE(page.str().find("class=\"bad blocking\""), std::string::npos);
}

TEST(CheckLincheckPorcupine, EveryFileGetsTheReadmeVerdict) {
    if (!rq::check::testing::have_porcupine_data()) GTEST_SKIP() << rq::check::testing::no_porcupine_data_message();
    const std::map<std::string, bool> verdicts = rq::check::testing::porcupine_readme_verdicts();
    std::size_t checked = 0;
    for (const char* kind : {"etcd", "kv"}) {
        for (const fs::path& file : rq::check::testing::files_in(rq::check::testing::porcupine_dir() / kind)) {
            const std::string name = file.filename().string();
            ASSERT_EQ(verdicts.count(name), 1U) << name << " has no verdict in the README";
            const Outcome run = lincheck("--quiet " + file.string());
            EXPECT_EQ(run.status, verdicts.at(name) ? 0 : 1) << name << "\n" << run.output;
            ++checked;
        }
    }
    EXPECT_GE(checked, 64U);
}

}  // namespace
