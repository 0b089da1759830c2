#pragma once
// rqlite's HTTP API over a Backend, independent of the transport: a parsed request in, a response
// out through a callback (possibly before handle() returns). server.h puts it on Boost.Beast; tests
// and the fuzzer call it directly.
//
// What it does (API.md §2-§7): routing by path prefix as rqlite's ServeHTTP does, the headers every
// response carries (version, CORS), query-string validation before routing, request bodies, the
// mapping of engine outcomes to status codes and rqlite's error strings, JSON rendering, queued
// writes, /status, /readyz, /nodes, /debug/vars and the operation endpoints.
// Runs on the event loop; not thread-safe. It must outlive every callback it handed to the backend.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/random.h"
#include "base/result.h"
#include "env/clock.h"
#include "http/backend.h"
#include "http/request_parser.h"
#include "http/result_json.h"
#include "http/scheduler.h"
#include "http/write_queue.h"

namespace rq::http {

struct HttpRequest {
    std::string method;  // "GET", "POST", ... as sent
    std::string target;  // the request-target: path and query, still percent-encoded
    std::string content_type;
    std::string authorization;
    std::string body;
    // Set on a request a follower handed to this node (the cluster's forwarding): answered here
    // whatever happens, never forwarded again, so a leadership change cannot make it loop.
    bool forwarded = false;
};

struct HttpResponse {
    unsigned status = 200;
    std::vector<std::pair<std::string, std::string>> headers;  // in order; Content-Type among them
    std::string body;

    [[nodiscard]] std::string_view header(std::string_view name) const;
};

using Responder = std::function<void(HttpResponse)>;

// What /status reports under "build" and the version header carries.
struct BuildInfo {
    std::string version = "unknown";  // X-RQLITE-VERSION, e.g. "v10.3.0"
    std::string commit = "unknown";
    std::string build_time = "unknown";
    std::string compiler_toolchain;
    std::string compiler_command;
};

struct ServiceOptions {
    BuildInfo build;
    std::string allow_origin;              // -http-allow-origin: Access-Control-Allow-Origin when set
    std::string advertised_http_address;   // -http-adv-addr: X-RQLITE-SERVED-BY for local answers
    std::string bind_address;              // /status http.bind_addr
    bool https = false;
    std::vector<std::string> command_line;  // /debug/vars "cmdline"
    WriteQueueOptions queue;
    std::uint64_t rewrite_seed = 0;  // RANDOM() values of queued writes, rewritten at queue time
};

// Hands a request this node cannot serve (it is not the leader) to the leader and relays the leader's
// answer unchanged (API.md 3.7). rqlited implements it over the Raft port's cluster service; without
// one, a follower answers 503 "not leader" as rqlite does with forwarding disabled.
class Forwarder {
public:
    virtual ~Forwarder() = default;
    using Done = std::function<void(Result<HttpResponse>)>;
    // `done` runs exactly once on the event loop: the leader's answer, or why the leader could not be
    // reached within `timeout` (the service answers that with a 503).
    virtual void forward(const HttpRequest& request, env::Duration timeout, Done done) = 0;
};

// HTTP-side counters that rqlite exposes in the "http" expvar map.
class Service {
public:
    // `backend`, `clock` and `scheduler` must outlive the service. `clock` times requests (`timings`)
    // and dates /status; the scheduler runs the write queue's timers.
    Service(Backend& backend, const env::Clock& clock, Scheduler& scheduler, ServiceOptions options);
    ~Service();
    Service(const Service&) = delete;
    Service& operator=(const Service&) = delete;

    void handle(HttpRequest request, Responder respond);
    // Requests a follower cannot serve go to the leader through `forwarder` (which must outlive the
    // service) unless the client asked for a redirect.
    void set_forwarder(Forwarder* forwarder) { forwarder_ = forwarder; }

    [[nodiscard]] const Counters& counters() const { return counters_; }
    [[nodiscard]] const WriteQueue& write_queue() const { return *queue_; }

private:
    struct Context;  // one request in progress
    using ContextPtr = std::shared_ptr<Context>;

    // service.cc: routing and shared answers.
    void route(const ContextPtr& context);
    void add_common_headers(HttpResponse& response) const;
    // Sends the response once (later calls for the same request are ignored).
    void finish(const ContextPtr& context, HttpResponse response) const;
    // The answer for a request the engine refused, per EngineErrorKind (see backend.h).
    void finish_with_engine_error(const ContextPtr& context, const EngineError& error, std::string_view operation);
    // Hands the request to the leader when this node may (a forwarder is set, the client did not ask
    // for a redirect, the request was not itself forwarded); false when it may not.
    bool forward_to_leader(const ContextPtr& context);

    // data_handlers.cc
    void handle_execute(const ContextPtr& context);
    void handle_queued_execute(const ContextPtr& context);
    void handle_query(const ContextPtr& context);
    void handle_request(const ContextPtr& context);
    void handle_load(const ContextPtr& context);
    void reply_with_data(const ContextPtr& context, Outcome<DataResults> outcome, ResultFlavour flavour,
                         std::string_view operation);
    DataCall make_data_call(const Context& context, std::vector<store::Statement> statements) const;
    std::optional<std::vector<store::Statement>> body_statements(const ContextPtr& context, bool allow_plain_text);

    // status_handlers.cc
    void handle_status(const ContextPtr& context);
    void handle_readyz(const ContextPtr& context);
    void handle_debug_vars(const ContextPtr& context);
    JsonValue status_document() const;

    // cluster_handlers.cc
    void handle_nodes(const ContextPtr& context);
    void handle_leader(const ContextPtr& context);
    void handle_remove(const ContextPtr& context);
    void handle_snapshot(const ContextPtr& context);
    void handle_backup(const ContextPtr& context);

    Backend& backend_;
    Forwarder* forwarder_ = nullptr;
    const env::Clock& clock_;
    Scheduler& scheduler_;
    ServiceOptions options_;
    Counters counters_;
    StatementParser parser_;
    std::unique_ptr<WriteQueue> queue_;
    Random rewrite_random_;
    env::Duration start_time_;        // unix time
    env::Duration start_monotonic_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace rq::http
