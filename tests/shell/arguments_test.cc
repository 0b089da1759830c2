// The shell's command line and RQLITE_HOST, as rqlite's CLI reads them.

#include <gtest/gtest.h>

#include "cmd/rqlite/arguments.h"

namespace rq::shell {
namespace {

Arguments parse_ok(const std::vector<std::string>& args, std::optional<std::string_view> host = std::nullopt) {
    Result<Arguments> parsed = parse_arguments(args, host);
    EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message());
    return parsed.ok() ? *parsed : Arguments{};
}

std::string parse_error(const std::vector<std::string>& args, std::optional<std::string_view> host = std::nullopt) {
    Result<Arguments> parsed = parse_arguments(args, host);
    EXPECT_FALSE(parsed.ok());
    return parsed.ok() ? "" : parsed.error().message();
}

TEST(ShellArguments, DefaultsAreRqlites) {
    const Arguments arguments = parse_ok({});
    EXPECT_EQ(arguments.connection.scheme, "http");
    EXPECT_EQ(arguments.connection.host, "127.0.0.1");
    EXPECT_EQ(arguments.connection.port, 4001);
    EXPECT_EQ(arguments.connection.prefix, "/");
    EXPECT_TRUE(arguments.connection.alternatives.empty());
    EXPECT_FALSE(arguments.connection.insecure);
    EXPECT_FALSE(arguments.connection.has_credentials);
    EXPECT_EQ(arguments.connection.http_timeout, std::chrono::seconds(30));
    EXPECT_FALSE(arguments.help);
    EXPECT_FALSE(arguments.version);
}

TEST(ShellArguments, ShortAndLongFormsWithSeparateOrAttachedValues) {
    const Arguments arguments = parse_ok({"-H", "db1", "--port=4005", "-s=https", "--user", "bob:secret", "-P", "api"});
    EXPECT_EQ(arguments.connection.host, "db1");
    EXPECT_EQ(arguments.connection.port, 4005);
    EXPECT_EQ(arguments.connection.scheme, "https");
    EXPECT_TRUE(arguments.connection.has_credentials);
    EXPECT_EQ(arguments.connection.user, "bob");
    EXPECT_EQ(arguments.connection.password, "secret");
    EXPECT_EQ(arguments.connection.prefix, "/api/");
}

TEST(ShellArguments, BooleanFlagsAloneOrWithAGoBoolean) {
    EXPECT_TRUE(parse_ok({"-i"}).connection.insecure);
    EXPECT_TRUE(parse_ok({"--insecure"}).connection.insecure);
    EXPECT_FALSE(parse_ok({"-i", "--insecure=false"}).connection.insecure);
    EXPECT_TRUE(parse_ok({"--insecure=T"}).connection.insecure);
    EXPECT_TRUE(parse_ok({"-h"}).help);
    EXPECT_TRUE(parse_ok({"--version"}).version);
    EXPECT_NE(parse_error({"--insecure=maybe"}).find("invalid boolean value 'maybe'"), std::string::npos);
}

TEST(ShellArguments, TlsFilesTimeoutAndAlternatives) {
    const Arguments arguments = parse_ok({"-c", "ca.pem", "-d", "client.pem", "-k", "client.key", "-t", "1m30s", "-a",
                                          "h2:4003,,h3:4005"});
    EXPECT_EQ(arguments.connection.ca_cert_path, "ca.pem");
    EXPECT_EQ(arguments.connection.client_cert_path, "client.pem");
    EXPECT_EQ(arguments.connection.client_key_path, "client.key");
    EXPECT_EQ(arguments.connection.http_timeout, std::chrono::seconds(90));
    EXPECT_EQ(arguments.connection.alternatives, (std::vector<std::string>{"h2:4003", "h3:4005"}));
    EXPECT_EQ(parse_ok({"--http-timeout=0"}).connection.http_timeout, std::chrono::seconds(0));
}

TEST(ShellArguments, BadInputNamesTheFlagAndTheValue) {
    EXPECT_NE(parse_error({"-x"}).find("unknown flag '-x'"), std::string::npos);
    EXPECT_NE(parse_error({"--hostname=a"}).find("unknown flag '--hostname=a'"), std::string::npos);
    EXPECT_NE(parse_error({"-H"}).find("flag '-H' needs a value"), std::string::npos);
    EXPECT_NE(parse_error({"-p", "70000"}).find("invalid port '70000'"), std::string::npos);
    EXPECT_NE(parse_error({"-p", "0"}).find("invalid port '0'"), std::string::npos);
    EXPECT_NE(parse_error({"--port=http"}).find("invalid port 'http'"), std::string::npos);
    EXPECT_NE(parse_error({"-s", "ftp"}).find("invalid scheme 'ftp'"), std::string::npos);
    EXPECT_NE(parse_error({"-u", "nopassword"}).find("invalid Basic Auth credentials format"), std::string::npos);
    EXPECT_NE(parse_error({"-u", "a:b:c"}).find("invalid Basic Auth credentials format"), std::string::npos);
    EXPECT_NE(parse_error({"-t", "soon"}).find("invalid --http-timeout"), std::string::npos);
    EXPECT_NE(parse_error({"SELECT"}).find("unexpected argument 'SELECT'"), std::string::npos);
}

TEST(ShellArguments, RqliteHostSuppliesTheTargetWhenNoFlagNamesIt) {
    const Arguments from_environment = parse_ok({}, "https://db.example:4443");
    EXPECT_EQ(from_environment.connection.scheme, "https");
    EXPECT_EQ(from_environment.connection.host, "db.example");
    EXPECT_EQ(from_environment.connection.port, 4443);

    for (const char* flag : {"-H", "-p", "-s"}) {
        const std::string value = std::string(flag) == "-p" ? "4009" : (std::string(flag) == "-s" ? "http" : "other");
        const Arguments flagged = parse_ok({flag, value}, "https://db.example:4443");
        EXPECT_NE(flagged.connection.host, "db.example") << flag;
    }
    EXPECT_EQ(parse_ok({}, "").connection.host, "127.0.0.1");  // set but empty: ignored
    EXPECT_NE(parse_error({}, "ftp://db:4001").find("RQLITE_HOST"), std::string::npos);
}

TEST(ShellArguments, HostAddressFormsRqliteAccepts) {
    struct Case {
        std::string text;
        std::string scheme;
        std::string host;
        std::uint16_t port;
    };
    for (const Case& c : {Case{"https://localhost:4002", "https", "localhost", 4002},
                          Case{"http://localhost", "http", "localhost", 4001},
                          Case{"//localhost", "http", "localhost", 4001},
                          Case{"//localhost:5001/", "http", "localhost", 5001},
                          Case{"localhost:4003", "http", "localhost", 4003},
                          Case{"http://[::1]:4004", "http", "::1", 4004}}) {
        Result<HostAddress> address = parse_host_address(c.text);
        ASSERT_TRUE(address.ok()) << c.text << ": " << address.error().message();
        EXPECT_EQ(address->scheme, c.scheme) << c.text;
        EXPECT_EQ(address->host, c.host) << c.text;
        EXPECT_EQ(address->port, c.port) << c.text;
    }
    for (const char* bad : {"ftp://localhost:4001", "http://[invalid:url", "http://", "http://host:99999", "http:/x"}) {
        EXPECT_FALSE(parse_host_address(bad).ok()) << bad;
    }
}

TEST(ShellArguments, JoinHostPortBracketsIpv6) {
    EXPECT_EQ(join_host_port("127.0.0.1", 4001), "127.0.0.1:4001");
    EXPECT_EQ(join_host_port("::1", 4001), "[::1]:4001");
}

TEST(ShellArguments, UsageListsEveryFlagWithItsDefault) {
    const std::string usage = usage_text();
    for (const char* line : {"  -H, --host[=127.0.0.1]\n", "  -p, --port[=4001]\n", "  -s, --scheme[=http]\n",
                             "  -P, --prefix[=/]\n", "  -a, --alternatives\n", "  -i, --insecure[=false]\n",
                             "  -c, --ca-cert\n", "  -d, --client-cert\n", "  -k, --client-key\n", "  -u, --user\n",
                             "  -v, --version\n", "  -t, --http-timeout[=30s]\n", "  -h, --help\n", "RQLITE_HOST"}) {
        EXPECT_NE(usage.find(line), std::string::npos) << line;
    }
}

}  // namespace
}  // namespace rq::shell
