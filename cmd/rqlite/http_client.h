#pragma once
// The shell's HTTP/1.1 client (Boost.Beast, OpenSSL for https), with rqlite's CLI behaviour:
//   - keep-alive: one open connection per scheme://host:port is reused while the server keeps it;
//     a connection the server closed while the shell sat idle is noticed before a request is
//     written to it, and an idempotent request that fails on a reused connection is sent once
//     more on a new one;
//   - 301 answers are followed to their Location (the leader, with ?redirect), at most 21 times;
//   - failover: when a host cannot be reached (or redirects too often), the next of -H/-p and the
//     -a alternatives is tried; the host that answered stays current for later requests;
//   - each exchange (connecting if needed, TLS handshake, request, response) must end within the
//     -t deadline, as Go's http.Client.Timeout bounds each request;
//   - Basic auth on every request when -u is given.
// Calls block. Inside, each network step is an asio operation run to completion on a private
// io_context, because asio's deadlines (beast::tcp_stream::expires_at) only apply to
// asynchronous operations.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "cmd/rqlite/arguments.h"
#include "cmd/rqlite/url.h"

namespace rq::shell {

struct HttpRequest {
    std::string method;  // "GET", "POST", "DELETE"
    std::string target;  // path and query, e.g. "/db/request?timings"
    std::string body;
    std::string content_type;  // none when empty
};

struct HttpResponse {
    unsigned status = 0;
    std::string reason;  // as the server sent it
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    // The first header named `name` (case-insensitive), or "".
    [[nodiscard]] std::string header(std::string_view name) const;
    // "200 OK": Go's resp.Status.
    [[nodiscard]] std::string status_line() const;
};

// A refused connection (nothing listens there) is reported with this code, so the shell can say
// "is it running?".
inline constexpr ErrorCode connection_refused_code = ErrorCode::closed;

class HttpClient {
public:
    // Fails when the TLS settings cannot be loaded (unreadable CA file, certificate or key).
    static Result<std::unique_ptr<HttpClient>> create(const ConnectionOptions& options);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Sends to the current host with redirects and failover (see above). An HTTP error status is a
    // response, not an error; errors are transport failures.
    Result<HttpResponse> send(const HttpRequest& request);

    // Sends to exactly `url`, with no redirects and no failover (rqlite's GetDirect).
    Result<HttpResponse> send_direct(const Url& url, HttpRequest request);

    // "host:port" of the host requests currently go to.
    [[nodiscard]] std::string current_host() const;
    [[nodiscard]] const std::string& prefix() const { return prefix_; }

private:
    class Impl;
    HttpClient(std::unique_ptr<Impl> impl, std::vector<Endpoint> hosts, std::string prefix);

    Result<HttpResponse> send_following_redirects(const Endpoint& endpoint, const HttpRequest& request);

    std::unique_ptr<Impl> impl_;
    std::vector<Endpoint> hosts_;
    std::size_t current_ = 0;
    std::string prefix_;
};

}  // namespace rq::shell
