#include "cmd/rqbench/options.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rq::rqbench {
namespace {

Options parsed(const std::vector<std::string>& args) {
    Result<Options> options = parse_options(args);
    EXPECT_TRUE(options.ok()) << (options.ok() ? "" : options.error().message());
    return options.ok() ? options.value() : Options{};
}

std::string error_of(const std::vector<std::string>& args) {
    Result<Options> options = parse_options(args);
    EXPECT_FALSE(options.ok()) << "accepted";
    return options.ok() ? "" : options.error().message();
}

TEST(RqbenchOptions, DefaultsAreRqlitesRqbench) {
    const Options options = parsed({});
    EXPECT_EQ(options.address(), "localhost:4001");
    EXPECT_EQ(options.requests, 100u);
    EXPECT_FALSE(options.duration.has_value());
    EXPECT_EQ(options.clients, 1u);
    EXPECT_EQ(options.batch, 1u);
    EXPECT_EQ(options.target(), "/db/execute");
    EXPECT_TRUE(options.statement.empty());
    EXPECT_FALSE(options.reads());
    EXPECT_FALSE(options.json);
}

TEST(RqbenchOptions, EveryFlag) {
    const Options options = parsed({"-a", "127.0.0.1:14000", "-c", "16", "-b", "5", "-d", "1m30s", "-p",
                                    "/db/query", "-l", "NONE", "-x", "--json", "-rows=50", "-timeout", "2s", "-m",
                                    "10", "-t", "http", "-o", "CREATE TABLE t(x)", "SELECT 1"});
    EXPECT_EQ(options.host, "127.0.0.1");
    EXPECT_EQ(options.port, "14000");
    EXPECT_EQ(options.clients, 16u);
    EXPECT_EQ(options.batch, 5u);
    ASSERT_TRUE(options.duration.has_value());
    EXPECT_EQ(*options.duration, std::chrono::seconds(90));
    EXPECT_EQ(options.target(), "/db/query?transaction&level=none");
    EXPECT_TRUE(options.reads());
    EXPECT_TRUE(options.json);
    EXPECT_EQ(options.rows, 50u);
    EXPECT_EQ(options.timeout, std::chrono::seconds(2));
    EXPECT_EQ(options.progress_every, 10u);
    EXPECT_EQ(options.one_shot, "CREATE TABLE t(x)");
    EXPECT_EQ(options.statement, "SELECT 1");
}

TEST(RqbenchOptions, GoFlagSyntax) {
    EXPECT_EQ(parsed({"--c=4"}).clients, 4u);
    EXPECT_EQ(parsed({"-c", "0x10"}).clients, 16u);  // strconv.ParseInt base 0, as Go's flag.IntVar
    EXPECT_FALSE(parsed({"-x=false"}).transaction);
    EXPECT_TRUE(parsed({"-x=1"}).transaction);
    // A boolean flag takes no separate value: "false" is the statement, as with Go's flag package.
    const Options options = parsed({"-x", "false"});
    EXPECT_TRUE(options.transaction);
    EXPECT_EQ(options.statement, "false");
    // Flags end at the first non-flag, or at "--".
    EXPECT_EQ(parsed({"--", "-not a flag"}).statement, "-not a flag");
}

TEST(RqbenchOptions, RunLengthIsADurationOrACount) {
    const Options counted = parsed({"-d", "500"});
    EXPECT_EQ(counted.requests, 500u);
    EXPECT_FALSE(counted.duration.has_value());
    EXPECT_EQ(*parsed({"-d", "250ms"}).duration, std::chrono::milliseconds(250));
    EXPECT_EQ(parsed({"-n", "7"}).requests, 7u);
    EXPECT_EQ(error_of({"-n", "7", "-d", "1s"}), "give -n or -d, not both");
}

TEST(RqbenchOptions, TargetAddsParametersToTheGivenQuery) {
    EXPECT_EQ(parsed({"-p", "/db/query?pretty", "-l", "weak"}).target(), "/db/query?pretty&level=weak");
    EXPECT_EQ(parsed({"-q"}).target(), "/db/execute?queue");
    EXPECT_EQ(parsed({"-p", "/db/request", "-l", "strong", "-x"}).target(), "/db/request?transaction&level=strong");
    EXPECT_FALSE(parsed({"-p", "/db/request"}).reads());
}

TEST(RqbenchOptions, Ipv6Address) {
    const Options options = parsed({"-a", "[::1]:4001"});
    EXPECT_EQ(options.host, "::1");
    EXPECT_EQ(options.address(), "[::1]:4001");
}

TEST(RqbenchOptions, HelpFlag) {
    EXPECT_TRUE(parsed({"-h"}).help);
    EXPECT_TRUE(parsed({"--help"}).help);
}

TEST(RqbenchOptions, BadInputGetsClearErrors) {
    EXPECT_EQ(error_of({"-z"}), "flag provided but not defined: -z");
    EXPECT_EQ(error_of({"-a"}), "flag needs an argument: -a");
    EXPECT_EQ(error_of({"-c", "abc"}), "invalid value \"abc\" for flag -c: parse error");
    EXPECT_EQ(error_of({"-c", "0"}), "invalid value \"0\" for flag -c: must be between 1 and 10000");
    EXPECT_EQ(error_of({"-c", "10001"}), "invalid value \"10001\" for flag -c: must be between 1 and 10000");
    EXPECT_EQ(error_of({"-b", "-1"}), "invalid value \"-1\" for flag -b: must be between 1 and 1000000");
    EXPECT_EQ(error_of({"-x=maybe"}), "invalid value \"maybe\" for flag -x: parse error");
    EXPECT_NE(error_of({"-d", "10parsecs"}).find("want a Go duration"), std::string::npos);
    EXPECT_EQ(error_of({"-d", "0s"}), "invalid value \"0s\" for flag -d: the duration must be positive");
    EXPECT_EQ(error_of({"-d", "0"}), "invalid value \"0\" for flag -d: a request count must be at least 1");
    EXPECT_EQ(error_of({"-a", "localhost"}), "invalid value \"localhost\" for flag -a: want host:port");
    EXPECT_EQ(error_of({"-a", "localhost:99999"}), "invalid value \"localhost:99999\" for flag -a: bad port");
    EXPECT_EQ(error_of({"-a", "::1:4001"}),
              "invalid value \"::1:4001\" for flag -a: want host:port (IPv6 hosts in brackets)");
    EXPECT_EQ(error_of({"-p", "db/query"}), "invalid value \"db/query\" for flag -p: an endpoint path starts with /");
    EXPECT_EQ(error_of({"-t", "tcp"}), "not a valid transport: tcp (only http)");
    EXPECT_EQ(error_of({"-l", "eventual"}),
              "invalid value \"eventual\" for flag -l: want none, weak, linearizable, strong or auto");
    EXPECT_EQ(error_of({"-q", "-p", "/db/query"}), "-q (queued writes) applies only to /db/execute");
    EXPECT_EQ(error_of({"-l", "none"}), "-l (read consistency level) applies only to /db/query and /db/request");
    EXPECT_EQ(error_of({"SELECT 1", "-c", "4"}),
              "expected one SQL statement, got 3 arguments (quote the statement; flags go before it)");
    EXPECT_EQ(error_of({""}), "the SQL statement is empty");
    EXPECT_EQ(error_of({"---c"}), "bad flag syntax: ---c");
}

}  // namespace
}  // namespace rq::rqbench
