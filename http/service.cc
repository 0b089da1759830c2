#include "http/service.h"

#include "http/go_text.h"
#include "http/service_context.h"

namespace rq::http {
namespace {

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

// Standard padded base64, as Go's BasicAuth decodes it; nothing for malformed input.
std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    std::string out;
    std::uint32_t group = 0;
    int bits = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '=') {
            if (i + 2 < text.size() || (i + 1 < text.size() && text[i + 1] != '=')) return std::nullopt;
            break;
        }
        const int value = base64_value(text[i]);
        if (value < 0) return std::nullopt;
        group = group << 6 | static_cast<std::uint32_t>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>(group >> bits & 0xFF);
        }
    }
    return out;
}

// Go's Request.BasicAuth: "Basic " (case-insensitive) + base64("user:password").
void parse_basic_auth(std::string_view header, std::string& username, std::string& password) {
    constexpr std::string_view prefix = "basic ";
    if (header.size() < prefix.size()) return;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if ((header[i] | 0x20) != prefix[i]) return;
    }
    std::optional<std::string> decoded = base64_decode(header.substr(prefix.size()));
    if (!decoded) return;
    const std::size_t colon = decoded->find(':');
    if (colon == std::string::npos) return;
    username = decoded->substr(0, colon);
    password = decoded->substr(colon + 1);
}

std::string html_escape(std::string_view text) {
    std::string out;
    for (const char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&#34;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

}  // namespace

std::string_view HttpResponse::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (key.size() != name.size()) continue;
        bool same = true;
        for (std::size_t i = 0; i < key.size() && same; ++i) same = (key[i] | 0x20) == (name[i] | 0x20);
        if (same) return value;
    }
    return {};
}

HttpResponse text_error(unsigned status, std::string_view message) {
    HttpResponse response;
    response.status = status;
    response.headers.emplace_back("Content-Type", text_content_type);
    response.headers.emplace_back("X-Content-Type-Options", "nosniff");
    response.body = std::string(message) + "\n";
    return response;
}

HttpResponse empty_response(unsigned status, std::string_view content_type) {
    HttpResponse response;
    response.status = status;
    if (!content_type.empty()) response.headers.emplace_back("Content-Type", content_type);
    return response;
}

HttpResponse json_response(unsigned status, std::string body) {
    HttpResponse response;
    response.status = status;
    response.headers.emplace_back("Content-Type", json_content_type);
    response.body = std::move(body);
    return response;
}

HttpResponse text_response(unsigned status, std::string body) {
    HttpResponse response;
    response.status = status;
    response.headers.emplace_back("Content-Type", text_content_type);
    response.body = std::move(body);
    return response;
}

HttpResponse redirect_response(unsigned status, const std::string& method, const std::string& location,
                               std::string_view content_type) {
    HttpResponse response;
    response.status = status;
    response.headers.emplace_back("Location", location);
    if (method == "GET" || method == "HEAD") {
        response.headers.emplace_back("Content-Type", "text/html; charset=utf-8");
        const char* text = status == 301 ? "Moved Permanently" : "Found";
        if (method == "GET") response.body = "<a href=\"" + html_escape(location) + "\">" + text + "</a>.\n\n";
    } else if (!content_type.empty()) {
        response.headers.emplace_back("Content-Type", content_type);
    }
    return response;
}

Service::Service(Backend& backend, const env::Clock& clock, Scheduler& scheduler, ServiceOptions options)
    : backend_(backend),
      clock_(clock),
      scheduler_(scheduler),
      options_(std::move(options)),
      rewrite_random_(options_.rewrite_seed),
      start_time_(clock.unix_now()),
      start_monotonic_(clock.monotonic_now()) {
    // rqlite starts queue sequence numbers at the process start time in Unix nanoseconds.
    queue_ = std::make_unique<WriteQueue>(backend_, scheduler_, counters_, options_.queue, start_time_.count());
    for (const char* name :
         {"leader_not_found", "executions", "execute_stmts_rx", "queued_executions", "queued_executions_ok",
          "queued_executions_num_stmts_rx", "queued_executions_num_stmts_tx", "queued_executions_no_leader",
          "queued_executions_not_leader", "queued_executions_leadership_lost", "queued_executions_unknown_error",
          "queued_executions_failed", "queued_executions_wait", "queued_executions_wait_timeout", "queries",
          "query_stmts_rx", "requests", "request_stmts_rx", "remote_executions", "remote_executions_failed",
          "remote_queries", "remote_queries_failed", "remote_requests", "remote_requests_failed", "remote_backups",
          "remote_loads", "remote_remove_node", "num_readyz", "num_status", "backups", "loads", "loads_aborted",
          "boot", "auth_ok", "auth_fail", "user_snapshots", "user_reaps"}) {
        counters_.add(name, 0);
    }
}

Service::~Service() { *alive_ = false; }

void Service::add_common_headers(HttpResponse& response) const {
    // Added first, in rqlite's order, ahead of the handler's own headers.
    std::vector<std::pair<std::string, std::string>> common;
    common.emplace_back("X-Rqlite-Version", options_.build.version.empty() ? "unknown" : options_.build.version);
    if (!options_.allow_origin.empty()) common.emplace_back("Access-Control-Allow-Origin", options_.allow_origin);
    common.emplace_back("Access-Control-Allow-Methods", "OPTIONS, GET, POST");
    common.emplace_back("Access-Control-Allow-Headers", "Content-Type");
    response.headers.insert(response.headers.begin(), common.begin(), common.end());
}

void Service::finish(const ContextPtr& context, HttpResponse response) const {
    if (context->answered) return;
    context->answered = true;
    add_common_headers(response);
    context->respond(std::move(response));
}

bool Service::forward_to_leader(const ContextPtr& context) {
    if (forwarder_ == nullptr || context->request.forwarded || context->params.redirect()) return false;
    if (context->answered) return true;
    counters_.add("forwarded_requests");
    std::weak_ptr<bool> alive = alive_;
    const env::Duration timeout = context->params.duration("timeout", std::chrono::seconds(30));
    forwarder_->forward(context->request, timeout, [this, alive, context](Result<HttpResponse> response) {
        if (alive.expired() || context->answered) return;
        if (!response.ok()) return finish(context, text_error(503, response.error().message()));
        // The leader's answer carries its own common headers: relayed as it is.
        context->answered = true;
        context->respond(std::move(response).value());
    });
    return true;
}

void Service::handle(HttpRequest request, Responder respond) {
    auto context = std::make_shared<Context>();
    context->request = std::move(request);
    context->respond = std::move(respond);
    context->started = clock_.monotonic_now();
    parse_basic_auth(context->request.authorization, context->username, context->password);
    if (context->request.method == "OPTIONS") return finish(context, empty_response(200));

    std::string_view target = context->request.target;
    const std::size_t question = target.find('?');
    const std::string_view raw_path = target.substr(0, question);
    if (question != std::string_view::npos) context->raw_query = std::string(target.substr(question + 1));
    std::optional<std::string> path = path_unescape(raw_path);
    if (!path) return finish(context, text_error(400, "invalid URL escape in path"));
    context->path = std::move(*path);

    Result<QueryParams> params = QueryParams::parse(context->raw_query);
    if (!params.ok()) return finish(context, text_error(400, params.error().message()));
    context->params = std::move(params).value();
    route(context);
}

void Service::route(const ContextPtr& context) {
    const std::string_view path = context->path;
    if (path == "/" || path.empty()) return finish(context, redirect_response(302, context->request.method, "/status", {}));
    if (starts_with(path, "/db/execute")) {
        counters_.add("executions");
        return handle_execute(context);
    }
    if (starts_with(path, "/db/query")) {
        counters_.add("queries");
        return handle_query(context);
    }
    if (starts_with(path, "/db/request")) {
        counters_.add("requests");
        return handle_request(context);
    }
    if (starts_with(path, "/db/backup")) {
        counters_.add("backups");
        return handle_backup(context);
    }
    if (starts_with(path, "/db/load")) {
        counters_.add("loads");
        return handle_load(context);
    }
    if (path == "/snapshot") return handle_snapshot(context);
    if (starts_with(path, "/remove")) return handle_remove(context);
    if (starts_with(path, "/status")) {
        counters_.add("num_status");
        return handle_status(context);
    }
    if (starts_with(path, "/nodes")) return handle_nodes(context);
    if (path == "/leader") return handle_leader(context);
    if (starts_with(path, "/readyz")) {
        counters_.add("num_readyz");
        return handle_readyz(context);
    }
    if (path == "/debug/vars") return handle_debug_vars(context);
    finish(context, empty_response(404));
}

void Service::finish_with_engine_error(const ContextPtr& context, const EngineError& error,
                                       std::string_view operation) {
    const auto message_or = [&](std::string_view fallback) {
        return error.message.empty() ? std::string(fallback) : error.message;
    };
    switch (error.kind) {
        case EngineErrorKind::not_leader:
            if (context->params.redirect()) {
                if (error.leader_api_url.empty()) {
                    counters_.add("leader_not_found");
                    return finish(context, text_error(500, leader_not_found_message));
                }
                std::string location = error.leader_api_url + context->path;
                if (!context->raw_query.empty()) location += "?" + context->raw_query;
                return finish(context, redirect_response(301, context->request.method, location, json_content_type));
            }
            if (forward_to_leader(context)) return;
            return finish(context, text_error(503, message_or("not leader")));
        case EngineErrorKind::leader_not_found:
            counters_.add("leader_not_found");
            return finish(context, text_error(503, leader_not_found_message));
        case EngineErrorKind::remote_unauthorized:
            return finish(context, text_error(401, "remote " + std::string(operation) + " not authorized"));
        case EngineErrorKind::busy: return finish(context, text_error(503, message_or("busy")));
        case EngineErrorKind::shutting_down: return finish(context, text_error(503, message_or("shutting down")));
        case EngineErrorKind::stale_read:
        case EngineErrorKind::leadership_lost:
        case EngineErrorKind::timeout:
        case EngineErrorKind::not_open:
        case EngineErrorKind::failed: break;
    }
    // Everything else is a 200 whose top-level "error" says what happened, as in rqlite.
    std::string message = error.message;
    if (message.empty()) {
        message = error.kind == EngineErrorKind::stale_read ? "stale read"
                  : error.kind == EngineErrorKind::not_open ? "store not open"
                                                            : "request failed";
    }
    DataResponse response;
    response.error = message;
    response.time = clock_.monotonic_now() - context->started;
    RenderOptions options;
    options.style = context->params.pretty() ? JsonStyle::pretty : JsonStyle::compact;
    options.timings = context->params.timings();
    Result<std::string> body = render_data_response(response, options);
    finish(context, json_response(200, std::move(body).value()));
}

}  // namespace rq::http
