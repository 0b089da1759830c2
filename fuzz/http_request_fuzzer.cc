// Feeds arbitrary bytes to rqlite's HTTP API as one request: its query string and body go through
// the parsers on their own (QueryParams, StatementParser, the string-object reader), then the whole
// request goes through http::Service over a FakeBackend, covering routing, handlers, the write queue
// and JSON rendering. Nothing may crash or assert; every request is answered exactly once; every
// JSON body the service sends is valid JSON (simdjson also checks UTF-8).
//
// Input: [endpoint][steering][query bytes] NUL [body bytes]
//   endpoint: picks method and path from a table; with the high bit set, the query bytes are the
//             whole request-target instead (path, '?' and query), so path decoding is fuzzed too.
//   steering: bits 0-1 content type, bits 2-3 leadership (local, remote, none), bit 4 an injected
//             engine failure, bit 5 stale reads, bit 6 the store closed.
//   The body is everything after the first NUL, NULs included (for /db/load images).
// With HTTP_FUZZER_PRINT set, each request and its answer go to stderr (for replaying a crash).
#include <sqlite3.h>
#include <simdjson.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "env/clock.h"
#include "http/fake_backend.h"
#include "http/query_params.h"
#include "http/request_parser.h"
#include "http/scheduler.h"
#include "http/service.h"

namespace {

using namespace rq::http;

struct Endpoint {
    const char* method;
    const char* path;
};

constexpr std::array<Endpoint, 17> endpoints = {{
    {"POST", "/db/execute"},
    {"POST", "/db/query"},
    {"GET", "/db/query"},
    {"POST", "/db/request"},
    {"POST", "/db/load"},
    {"GET", "/db/backup"},
    {"GET", "/status"},
    {"GET", "/nodes"},
    {"GET", "/readyz"},
    {"GET", "/leader"},
    {"POST", "/leader"},
    {"DELETE", "/remove"},
    {"POST", "/snapshot"},
    {"GET", "/debug/vars"},
    {"OPTIONS", "/db/query"},
    {"GET", "/"},
    {"PUT", "/db/execute"},
}};

constexpr std::array<const char*, 4> content_types = {"", "application/json", "text/plain; charset=utf-8",
                                                      "application/octet-stream"};

// SQL that can run without bound or touch files (recursive CTEs, ATTACH, VACUUM INTO) is parsed but
// not executed: the target is the HTTP layer, not SQLite's run time or the working directory.
bool may_execute(std::string_view sql) {
    std::string lower(sql);
    for (char& c : lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    for (const char* word : {"recursive", "attach", "vacuum"}) {
        if (lower.find(word) != std::string::npos) return false;
    }
    return true;
}

void check(bool condition) {
    if (!condition) std::abort();
}

// Runs the parsers on their own; returns the SQL the query string carries (`q`, decoded), if any.
std::string fuzz_parsers(std::string_view query, std::string_view body) {
    std::string query_sql;
    rq::Result<QueryParams> params = QueryParams::parse(query);
    if (params.ok()) {
        static_cast<void>(params->level());
        for (const char* key : {"timeout", "freshness", "db_timeout", "linearizable_timeout"}) {
            static_cast<void>(params->duration(key, rq::env::Duration{0}));
        }
        check(!params->has("q") || !params->query().empty());
        query_sql = std::string(params->query());
    }
    StatementParser parser;
    rq::Result<std::vector<rq::store::Statement>> statements = parser.parse(body);
    if (statements.ok()) check(!statements->empty());
    static_cast<void>(parse_string_object(body));
    return query_sql;
}

void apply_steering(FakeBackend& backend, std::uint8_t steering) {
    const unsigned leadership = (steering >> 2) & 3u;
    if (leadership == 1) backend.set_remote_leader({"n2", "other:4002", "http://other:4001"});
    if (leadership == 2) backend.set_remote_leader({"", "", ""});
    if ((steering & 0x10) != 0) backend.fail_next({EngineErrorKind::timeout, "fuzz timeout", ""});
    backend.set_stale((steering & 0x20) != 0);
    backend.set_open((steering & 0x40) == 0);
}

std::string without_long_digit_runs(const std::string& text) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t run = i;
        while (run < text.size() && text[run] >= '0' && text[run] <= '9') ++run;
        if (run - i >= 19) {
            out += '0';
        } else {
            out.append(text, i, std::max(run - i, std::size_t{1}));
        }
        i = std::max(run, i + 1);
    }
    return out;
}

void check_response(const HttpResponse& response) {
    check(response.status >= 200 && response.status < 600);
    if (response.header("Content-Type") != "application/json; charset=utf-8" || response.body.empty()) return;
    simdjson::dom::parser json;
    simdjson::dom::element document;
    simdjson::error_code error = json.parse(response.body).get(document);
    if (error == simdjson::NUMBER_ERROR) {
        // Valid JSON that simdjson 3.0 cannot hold: an integer literal beyond 64 bits, which Go's
        // float formatting (and so ours) writes for REALs below 1e21, e.g. 922337203036854812672.
        // Shorten every run of 19+ digits and parse again: only a malformed number still fails.
        error = json.parse(without_long_digit_runs(response.body)).get(document);
    }
    check(error == simdjson::SUCCESS);
}

void print_exchange(const HttpRequest& request, const HttpResponse& response) {
    if (std::getenv("HTTP_FUZZER_PRINT") == nullptr) return;
    std::cerr << request.method << " " << request.target << " [" << request.content_type << "] " << request.body
              << "\n  -> " << response.status << " " << response.header("Content-Type") << " " << response.body << "\n";
}

void fuzz_service(HttpRequest request, std::uint8_t steering) {
    rq::env::ManualClock clock;
    ManualScheduler scheduler;
    std::unique_ptr<FakeBackend> backend = FakeBackend::open(clock);
    apply_steering(*backend, steering);
    auto answer = std::make_shared<std::optional<HttpResponse>>();
    {
        ServiceOptions options;
        options.build.version = "v0.0.0-fuzz";
        options.advertised_http_address = "localhost:4001";
        options.command_line = {"rqlited", "data"};
        Service service(*backend, clock, scheduler, std::move(options));
        const HttpRequest sent = request;
        service.handle(std::move(request), [answer](HttpResponse response) {
            check(!answer->has_value());  // answered once
            *answer = std::move(response);
        });
        // Queued writes and their waits are answered once the queue's timers run.
        for (int round = 0; round < 4 && !answer->has_value(); ++round) {
            clock.advance(std::chrono::hours(1));
            scheduler.advance(std::chrono::hours(1));
        }
        check(answer->has_value());
        print_exchange(sent, **answer);
        check_response(**answer);
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    // Keeps a statement that builds a huge value from exhausting the process: SQLite fails it instead.
    sqlite3_hard_heap_limit64(std::int64_t{64} << 20);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::uint8_t selector = data[0];
    const std::uint8_t steering = data[1];
    const std::string_view rest(reinterpret_cast<const char*>(data + 2), size - 2);
    const std::size_t nul = rest.find('\0');
    const std::string_view query_part = rest.substr(0, nul);
    const std::string_view body = nul == std::string_view::npos ? std::string_view{} : rest.substr(nul + 1);

    HttpRequest request;
    request.content_type = content_types[steering & 3u];
    request.body = std::string(body);
    std::string_view query = query_part;
    if ((selector & 0x80) != 0) {
        request.method = endpoints[(selector & 0x7f) % endpoints.size()].method;
        request.target = std::string(query_part);
        const std::size_t question = query_part.find('?');
        query = question == std::string_view::npos ? std::string_view{} : query_part.substr(question + 1);
    } else {
        const Endpoint& endpoint = endpoints[selector % endpoints.size()];
        request.method = endpoint.method;
        request.target = std::string(endpoint.path) + "?" + std::string(query_part);
    }
    const std::string query_sql = fuzz_parsers(query, body);
    if (may_execute(body) && may_execute(query_sql)) fuzz_service(std::move(request), steering);
    return 0;
}
