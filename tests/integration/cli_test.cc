// rqlited's command line as a user meets it: the messages and exit statuses of the real binary.
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <cstdio>

#include "tests/integration/rqlited_process.h"

namespace rq::testing {
namespace {

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
    const std::string auth = directory.path() + "/auth.json";
    std::FILE* file = std::fopen(auth.c_str(), "w");
    ASSERT_NE(file, nullptr);
    std::fputs(R"j([{"username": "u", "password": "p", "perms": ["all"]}])j", file);
    std::fclose(file);
    const ProcessRun run = run_rqlited("-auth " + auth + " " + directory.path() + "/data");
    EXPECT_EQ(run.status, 1);
    EXPECT_NE(run.output.find("fatal: authentication (-auth) and TLS"), std::string::npos) << run.output;
}

TEST(CommandLine, JoinWithNobodyThereFailsAfterItsAttempts) {
    TempDirectory directory;
    const std::string flags = "-http-addr 127.0.0.1:" + std::to_string(free_port()) + " -raft-addr 127.0.0.1:" +
                              std::to_string(free_port()) + " -join 127.0.0.1:" + std::to_string(free_port()) +
                              " -join-attempts 2 -join-interval 100ms ";
    const ProcessRun run = run_rqlited(flags + directory.path());
    EXPECT_EQ(run.status, 1);
    EXPECT_NE(run.output.find("fatal: failed to join cluster at 127.0.0.1:"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("after 2 attempt(s)"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace rq::testing
