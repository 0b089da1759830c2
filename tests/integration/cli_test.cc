// rqlited's command line as a user meets it: the messages and exit statuses of the real binary.
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <cstdio>

#include "tests/integration/rqlited_process.h"

namespace rq::testing {
namespace {

struct ProcessRun {
    int status = -1;
    std::string output;  // stdout and stderr together
};

ProcessRun run_rqlited(const std::string& arguments) {
    ProcessRun run;
    FILE* pipe = ::popen((rqlited_binary() + " " + arguments + " 2>&1").c_str(), "r");
    if (pipe == nullptr) return run;
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) run.output.append(buffer, n);
    const int status = ::pclose(pipe);
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

TEST(CommandLine, NoDataDirectoryIsFatal) {
    const ProcessRun run = run_rqlited("");
    EXPECT_EQ(run.status, 1);
    EXPECT_EQ(run.output, "fatal: no data directory set\n");
}

TEST(CommandLine, UnknownFlagPrintsUsageAndExitsTwo) {
    const ProcessRun run = run_rqlited("-nosuch /tmp/unused");
    EXPECT_EQ(run.status, 2);
    EXPECT_EQ(run.output.rfind("flag provided but not defined: -nosuch\n", 0), 0u) << run.output;
    EXPECT_NE(run.output.find("-http-addr"), std::string::npos);
}

TEST(CommandLine, BadDurationNamesTheFlag) {
    const ProcessRun run = run_rqlited("-raft-election-timeout 1x /tmp/unused");
    EXPECT_EQ(run.status, 2);
    EXPECT_EQ(run.output.rfind("invalid value \"1x\" for flag -raft-election-timeout: parse error\n", 0), 0u) << run.output;
}

TEST(CommandLine, VersionPrintsAndExitsZero) {
    const ProcessRun run = run_rqlited("-version");
    EXPECT_EQ(run.status, 0);
    EXPECT_EQ(run.output.rfind("rqlited v", 0), 0u) << run.output;
}

TEST(CommandLine, FlagsNotYetSupportedAreRefusedNotIgnored) {
    TempDirectory directory;
    const ProcessRun run = run_rqlited("-join 127.0.0.1:1 " + directory.path());
    EXPECT_EQ(run.status, 1);
    EXPECT_NE(run.output.find("fatal: joining a cluster (-join) is not supported"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace rq::testing
