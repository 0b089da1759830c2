// URLs from Location headers and api_addr fields, Go's query encoding, Basic auth.

#include <gtest/gtest.h>

#include "cmd/rqlite/url.h"

namespace rq::shell {
namespace {

TEST(ShellUrl, ParsesAbsoluteUrlsWithDefaultPorts) {
    Result<Url> leader = parse_url("http://10.0.0.2:4001/db/execute?timings&redirect");
    ASSERT_TRUE(leader.ok());
    EXPECT_EQ(leader->endpoint, (Endpoint{"http", "10.0.0.2", 4001}));
    EXPECT_EQ(leader->target, "/db/execute?timings&redirect");

    Result<Url> secure = parse_url("https://db.example");
    ASSERT_TRUE(secure.ok());
    EXPECT_EQ(secure->endpoint, (Endpoint{"https", "db.example", 443}));
    EXPECT_EQ(secure->target, "/");

    Result<Url> plain = parse_url("http://db.example?x=1");
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(plain->endpoint.port, 80);
    EXPECT_EQ(plain->target, "/?x=1");

    Result<Url> ipv6 = parse_url("http://[::1]:4005/status");
    ASSERT_TRUE(ipv6.ok());
    EXPECT_EQ(ipv6->endpoint, (Endpoint{"http", "::1", 4005}));
    EXPECT_EQ(ipv6->endpoint.authority(), "[::1]:4005");

    for (const char* bad : {"", "/relative", "ftp://host/x", "http://", "http://host:notaport/", "http://[::1/"}) {
        EXPECT_FALSE(parse_url(bad).ok()) << bad;
    }
}

TEST(ShellUrl, QueryEncodingMatchesGoUrlValues) {
    EXPECT_EQ(query_escape("SELECT name FROM t WHERE type=\"table\""),
              "SELECT+name+FROM+t+WHERE+type%3D%22table%22");
    EXPECT_EQ(query_escape("a-b_c.d~e/é"), "a-b_c.d~e%2F%C3%A9");
    EXPECT_EQ(encode_query({{"q", "SELECT 1"}, {"level", "weak"}, {"timings", ""}}), "level=weak&q=SELECT+1&timings=");
    EXPECT_EQ(encode_query({}), "");
}

TEST(ShellUrl, Base64MatchesRfc4648Vectors) {
    EXPECT_EQ(base64_encode(""), "");
    EXPECT_EQ(base64_encode("f"), "Zg==");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_EQ(base64_encode("foo"), "Zm9v");
    EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
    EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
    EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
    EXPECT_EQ(base64_encode("bob:secret"), "Ym9iOnNlY3JldA==");
    EXPECT_EQ(base64_encode(std::string("\xff\xfe\x00", 3)), "//4A");
}

}  // namespace
}  // namespace rq::shell
