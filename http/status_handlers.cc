// Diagnostics (API.md §7.1, §7.4, §7.6): /status, /readyz, /debug/vars.

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <map>
#include <thread>

#include "http/go_text.h"
#include "http/service.h"
#include "http/service_context.h"

namespace rq::http {
namespace {

// Go's time.Time JSON form (RFC 3339 with nanoseconds, trailing zeros dropped), in UTC.
std::string format_rfc3339_nano(env::Duration unix_time) {
    const std::int64_t nanoseconds = unix_time.count();
    std::int64_t seconds = nanoseconds / 1'000'000'000;
    std::int64_t fraction = nanoseconds % 1'000'000'000;
    if (fraction < 0) {
        fraction += 1'000'000'000;
        --seconds;
    }
    std::int64_t days = seconds / 86400;
    std::int64_t second_of_day = seconds % 86400;
    if (second_of_day < 0) {
        second_of_day += 86400;
        --days;
    }
    // Howard Hinnant's civil_from_days.
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const std::int64_t day_of_era = days - era * 146097;
    const std::int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const std::int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const std::int64_t month_index = (5 * day_of_year + 2) / 153;
    const std::int64_t day = day_of_year - (153 * month_index + 2) / 5 + 1;
    const std::int64_t month = month_index < 10 ? month_index + 3 : month_index - 9;
    const std::int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
    char buffer[160];  // room for any int64 fields, so GCC's format-truncation check is satisfied
    std::snprintf(buffer, sizeof buffer, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld", static_cast<long long>(year),
                  static_cast<long long>(month), static_cast<long long>(day), static_cast<long long>(second_of_day / 3600),
                  static_cast<long long>(second_of_day / 60 % 60), static_cast<long long>(second_of_day % 60));
    std::string out = buffer;
    if (fraction != 0) {
        std::snprintf(buffer, sizeof buffer, ".%09lld", static_cast<long long>(fraction));
        std::string digits = buffer;
        while (digits.back() == '0') digits.pop_back();
        out += digits;
    }
    return out + "Z";
}

JsonValue string_map(const std::map<std::string, std::string>& values) {
    JsonValue out = JsonValue::object();
    for (const auto& [key, value] : values) out.set(key, value);
    return out;
}

JsonValue raft_status(const StoreStatus::Raft& raft) {
    JsonValue out = JsonValue::object();
    out.set("state", raft.state);
    out.set("term", raft.term);
    out.set("last_log_index", raft.last_log_index);
    out.set("last_log_term", raft.last_log_term);
    out.set("commit_index", raft.commit_index);
    out.set("applied_index", raft.applied_index);
    out.set("fsm_pending", raft.fsm_pending);
    out.set("last_snapshot_index", raft.last_snapshot_index);
    out.set("last_snapshot_term", raft.last_snapshot_term);
    out.set("num_peers", raft.num_peers);
    out.set("last_contact", raft.last_contact);
    out.set("voter", raft.voter);
    return out;
}

JsonValue sqlite_status(const StoreStatus::Sqlite& sqlite) {
    JsonValue out = JsonValue::object();
    out.set("version", sqlite.version);
    out.set("path", sqlite.path);
    out.set("db_size", sqlite.db_size);
    JsonValue pragmas = JsonValue::object();
    pragmas.set("ro", string_map(sqlite.pragmas_read_only));
    pragmas.set("rw", string_map(sqlite.pragmas_read_write));
    out.set("pragmas", std::move(pragmas));
    return out;
}

JsonValue cluster_members(std::vector<ServerInfo> nodes) {
    std::sort(nodes.begin(), nodes.end(), [](const ServerInfo& a, const ServerInfo& b) { return a.id < b.id; });
    JsonValue out = JsonValue::array();
    for (const ServerInfo& node : nodes) {
        JsonValue member = JsonValue::ordered_object();  // store.Server is a struct: id, addr, suffrage
        member.set("id", node.id);
        member.set("addr", node.raft_address);
        member.set("suffrage", node.voter ? "voter" : "nonvoter");
        out.push(std::move(member));
    }
    return out;
}

JsonValue store_status_json(const StoreStatus& status) {
    JsonValue out = JsonValue::object();
    out.set("open", status.open);
    if (!status.open) return out;
    out.set("node_id", status.node_id);
    out.set("addr", status.raft_address);
    JsonValue leader = JsonValue::object();
    leader.set("node_id", status.leader.node_id);
    leader.set("addr", status.leader.raft_address);
    out.set("leader", std::move(leader));
    out.set("ready", status.ready);
    out.set("fsm_index", status.fsm_index);
    out.set("fsm_term", status.fsm_term);
    out.set("db_applied_index", status.db_applied_index);
    out.set("dir", status.dir);
    out.set("nodes", cluster_members(status.nodes));
    out.set("apply_timeout", format_go_duration(status.apply_timeout));
    out.set("heartbeat_timeout", format_go_duration(status.heartbeat_timeout));
    out.set("election_timeout", format_go_duration(status.election_timeout));
    out.set("commit_timeout", format_go_duration(status.commit_timeout));
    out.set("snapshot_threshold", status.snapshot_threshold);
    out.set("snapshot_interval", format_go_duration(status.snapshot_interval));
    out.set("trailing_logs", status.trailing_logs);
    JsonValue raft = raft_status(status.raft);
    raft.merge(status.raft_extra);
    out.set("raft", std::move(raft));
    JsonValue sqlite = sqlite_status(status.sqlite);
    sqlite.merge(status.sqlite_extra);
    out.set("sqlite3", std::move(sqlite));
    JsonValue snapshots = JsonValue::object();
    snapshots.set("dir", status.snapshot_store.dir);
    snapshots.set("dir_size", status.snapshot_store.dir_size);
    snapshots.set("snapshots", JsonValue::array_of(status.snapshot_store.snapshots));
    out.set("snapshot_store", std::move(snapshots));
    out.merge(status.extra);
    return out;
}

JsonValue os_status() {
    JsonValue out = JsonValue::object();
    out.set("pid", static_cast<std::int64_t>(getpid()));
    out.set("ppid", static_cast<std::int64_t>(getppid()));
    out.set("page_size", static_cast<std::int64_t>(sysconf(_SC_PAGESIZE)));
    char path[PATH_MAX];
    const ssize_t length = readlink("/proc/self/exe", path, sizeof path - 1);
    if (length > 0) out.set("executable", std::string(path, static_cast<std::size_t>(length)));
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) == 0) out.set("hostname", std::string(host));
    return out;
}

JsonValue runtime_status() {
    JsonValue out = JsonValue::object();
    const auto cpus = static_cast<std::int64_t>(std::thread::hardware_concurrency());
    out.set("GOARCH", "amd64");
    out.set("GOOS", "linux");
    out.set("GOMAXPROCS", cpus);
    out.set("num_cpu", cpus);
    out.set("num_goroutine", 0);
    out.set("version", "C++ " __VERSION__);
    return out;
}

// rqlite's getSubJSON: walk `key` (dot-separated) down objects; a missing key gives {}, a non-object
// on the way is returned as it is. Always compact, keys sorted (it is re-marshalled from a map).
std::string sub_document(const JsonValue& document, std::string_view key) {
    const JsonValue* current = &document;
    while (true) {
        const std::size_t dot = key.find('.');
        const std::string_view part = key.substr(0, dot);
        if (current->kind() != JsonValue::Kind::object) break;
        current = current->find(part);
        if (current == nullptr) return "{}";
        if (dot == std::string_view::npos) break;
        key.remove_prefix(dot + 1);
    }
    return current->to_string(JsonStyle::compact, true);
}

// expvar's Map.String(): {"a": 1, "b": 2}, keys sorted.
std::string expvar_map(const std::map<std::string, std::int64_t>& counters) {
    std::string out = "{";
    bool first = true;
    for (const auto& [name, value] : counters) {
        if (!first) out += ", ";
        first = false;
        append_json_string(out, name);
        out += ": " + std::to_string(value);
    }
    return out + "}";
}

std::string readyz_prefix(Readiness::State reached) {
    std::string out = "[+]node ok";
    if (reached == Readiness::State::no_leader) return out;
    out += "\n[+]leader ok";
    if (reached == Readiness::State::store_not_ready) return out;
    return out + "\n[+]store ok";
}

}  // namespace

JsonValue Service::status_document() const {
    JsonValue document = JsonValue::object();
    const StoreStatus store = backend_.store_status();

    JsonValue build = JsonValue::object();
    build.set("version", options_.build.version);
    build.set("commit", options_.build.commit);
    build.set("build_time", options_.build.build_time);
    build.set("compiler_toolchain", options_.build.compiler_toolchain);
    build.set("compiler_command", options_.build.compiler_command);
    document.set("build", std::move(build));

    JsonValue cluster = JsonValue::object();
    cluster.set("addr", store.raft_address);
    cluster.set("api_addr", options_.advertised_http_address);
    cluster.set("https", options_.https ? "true" : "false");
    document.set("cluster", std::move(cluster));

    JsonValue queue = JsonValue::object();
    queue.set("max_size", static_cast<std::uint64_t>(queue_->options().capacity));
    queue.set("batch_size", static_cast<std::uint64_t>(queue_->options().batch_size));
    queue.set("timeout", format_go_duration(queue_->options().timeout));
    queue.set("sequence_number", queue_->last_written_sequence_number());
    JsonValue queues = JsonValue::object();
    queues.set("_default", std::move(queue));
    JsonValue http = JsonValue::object();
    http.set("bind_addr", options_.bind_address);
    http.set("auth", "disabled");
    http.set("queue", std::move(queues));
    JsonValue tls = JsonValue::object();
    tls.set("enabled", options_.https ? "true" : "false");
    http.set("tls", std::move(tls));
    if (!options_.allow_origin.empty()) http.set("allow_origin", options_.allow_origin);
    document.set("http", std::move(http));

    const env::Duration now = clock_.unix_now();
    JsonValue node = JsonValue::object();
    node.set("start_time", format_rfc3339_nano(start_time_));
    node.set("current_time", format_rfc3339_nano(now));
    node.set("uptime", format_go_duration(clock_.monotonic_now() - start_monotonic_));
    document.set("node", std::move(node));
    document.set("os", os_status());
    document.set("runtime", runtime_status());
    document.set("store", store_status_json(store));
    return document;
}

void Service::handle_status(const ContextPtr& context) {
    if (context->request.method != "GET") return finish(context, empty_response(405, json_content_type));
    const JsonValue document = status_document();
    const QueryParams& params = context->params;
    std::string body = params.get("key").empty()
                           ? document.to_string(params.pretty() ? JsonStyle::pretty : JsonStyle::compact)
                           : sub_document(document, params.get("key"));
    finish(context, json_response(200, std::move(body)));
}

void Service::handle_readyz(const ContextPtr& context) {
    if (context->request.method != "GET") return finish(context, empty_response(405));
    if (context->params.noleader()) return finish(context, text_response(200, "[+]node ok"));
    ReadinessCall call;
    call.sync = context->params.sync();
    call.timeout = context->params.duration("timeout", std::chrono::seconds(30));
    std::weak_ptr<bool> alive = alive_;
    backend_.readiness(call, [this, alive, context, sync = call.sync](Readiness readiness) {
        if (alive.expired()) return;
        using State = Readiness::State;
        switch (readiness.state) {
            case State::no_leader: return finish(context, text_response(503, "[+]node ok\n[+]leader does not exist"));
            case State::leader_unreachable:
                return finish(context, text_response(503, "[+]node ok\n[+]leader not contactable: " + readiness.detail));
            case State::store_not_ready:
                return finish(context, text_response(503, readyz_prefix(State::store_not_ready) + "\n[+]store not ready"));
            case State::sync_failed:
                return finish(context, text_response(503, readyz_prefix(State::ready) + "\n[+]sync " + readiness.detail));
            case State::ready: break;
        }
        std::string prefix = readyz_prefix(State::ready);
        if (sync) prefix += "\n[+]sync ok";
        DataCall probe;
        probe.batch.statements.push_back(store::Statement{"SELECT 1", {}, false});
        probe.read.level = ReadLevel::none;
        backend_.query(std::move(probe), [this, alive, context, prefix](Outcome<DataResults> outcome) {
            if (alive.expired()) return;
            std::string problem;
            if (const auto* error = std::get_if<EngineError>(&outcome)) {
                problem = error->message.empty() ? "query failed" : error->message;
            } else {
                const store::BatchResult& batch = std::get<DataResults>(outcome).batch;
                const bool one = batch.error.empty() && batch.results.size() == 1 && !batch.results[0].failed() &&
                                 batch.results[0].row_count == 1 && !batch.results[0].values.empty() &&
                                 batch.results[0].values[0] == store::Value(std::int64_t{1});
                if (!one) {
                    problem = !batch.error.empty() ? batch.error
                              : !batch.results.empty() && batch.results[0].failed() ? batch.results[0].error
                                                                                     : "unexpected result";
                }
            }
            if (!problem.empty()) return finish(context, text_response(503, prefix + "\n[+]db not ok: " + problem));
            finish(context, text_response(200, prefix + "\n[+]db ok"));
        });
    });
}

void Service::handle_debug_vars(const ContextPtr& context) {
    std::map<std::string, std::string> variables;
    JsonValue command_line = JsonValue::array_of(options_.command_line);
    variables["cmdline"] = command_line.to_string(JsonStyle::compact);
    variables["http"] = expvar_map(counters_.all());
    for (const CounterGroup& group : backend_.counters()) variables[group.name] = expvar_map(group.counters);
    const std::string_view only = context->params.get("key");
    std::string body = "{\n";
    bool first = true;
    for (const auto& [name, value] : variables) {
        if (!only.empty() && only != name) continue;
        if (!first) body += ",\n";
        first = false;
        append_json_string(body, name);
        body += ": " + value;
    }
    body += "\n}\n";
    finish(context, json_response(200, std::move(body)));
}

}  // namespace rq::http
