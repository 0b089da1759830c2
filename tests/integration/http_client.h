#pragma once
// A small blocking HTTP/1.1 client for tests that talk to a real rqlited: one keep-alive connection,
// reconnecting when the server closed it. Responses come back whole, headers lower-cased.

#include <chrono>
#include <map>
#include <memory>
#include <string>

namespace rq::testing {

struct Response {
    unsigned status = 0;  // 0: no response (connection refused, reset, timeout)
    std::map<std::string, std::string> headers;
    std::string body;
    std::string error;  // why there is no response
};

class HttpClient {
public:
    HttpClient(std::string host, unsigned short port, std::chrono::milliseconds timeout = std::chrono::seconds(30));
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    Response get(const std::string& target);
    Response post(const std::string& target, const std::string& body, const std::string& content_type = "");
    Response send(const std::string& method, const std::string& target, const std::string& body,
                  const std::string& content_type = "");

private:
    struct Connection;
    std::string host_;
    unsigned short port_;
    std::chrono::milliseconds timeout_;
    std::unique_ptr<Connection> connection_;
};

// Percent-encodes a query-string value.
std::string url_encode(const std::string& text);

}  // namespace rq::testing
