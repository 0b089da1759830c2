// Cluster and operation endpoints (API.md §6.1, §6.4, §7.2, §7.3, §7.5): /nodes, /leader, /remove,
// /snapshot, /db/backup.

#include <algorithm>

#include "http/go_text.h"
#include "http/result_json.h"
#include "http/service.h"
#include "http/service_context.h"

namespace rq::http {
namespace {

// rqlite's Node struct: id, api_addr, addr, version, voter, reachable, leader, time, time_s, error;
// id, api_addr, addr, time, time_s and error omitted when empty.
void write_node(JsonWriter& writer, const NodeReport& node) {
    writer.begin_object();
    if (!node.id.empty()) {
        writer.key("id");
        writer.string(node.id);
    }
    if (!node.api_addr.empty()) {
        writer.key("api_addr");
        writer.string(node.api_addr);
    }
    if (!node.addr.empty()) {
        writer.key("addr");
        writer.string(node.addr);
    }
    writer.key("version");
    writer.string(node.version);
    writer.key("voter");
    writer.boolean(node.voter);
    writer.key("reachable");
    writer.boolean(node.reachable);
    writer.key("leader");
    writer.boolean(node.leader);
    if (node.time && node.time->count() != 0) {
        writer.key("time");
        (void)writer.number(duration_seconds(*node.time));
        writer.key("time_s");
        writer.string(format_go_duration(*node.time));
    }
    if (!node.error.empty()) {
        writer.key("error");
        writer.string(node.error);
    }
    writer.end_object();
}

// json.Encoder output: the document and a newline.
std::string nodes_body(std::vector<NodeReport> nodes, bool legacy, JsonStyle style) {
    std::sort(nodes.begin(), nodes.end(), [](const NodeReport& a, const NodeReport& b) { return a.id < b.id; });
    std::string out;
    JsonWriter writer(out, style);
    writer.begin_object();
    if (!legacy) {
        writer.key("nodes");
        writer.begin_array();
    }
    for (const NodeReport& node : nodes) {
        if (legacy) writer.key(node.id);
        write_node(writer, node);
    }
    if (!legacy) writer.end_array();
    writer.end_object();
    return out + "\n";
}

std::vector<std::string> split_tables(std::string_view list) {
    std::vector<std::string> tables;
    while (!list.empty()) {
        const std::size_t comma = list.find(',');
        std::string_view table = list.substr(0, comma);
        while (!table.empty() && table.front() == ' ') table.remove_prefix(1);
        while (!table.empty() && table.back() == ' ') table.remove_suffix(1);
        if (!table.empty()) tables.emplace_back(table);
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return tables;
}

}  // namespace

void Service::handle_nodes(const ContextPtr& context) {
    if (context->request.method != "GET") return finish(context, empty_response(405, json_content_type));
    NodesCall call;
    call.include_nonvoters = context->params.nonvoters();
    call.timeout = context->params.duration("timeout", std::chrono::seconds(30));
    std::weak_ptr<bool> alive = alive_;
    backend_.nodes(call, [this, alive, context](Outcome<std::vector<NodeReport>> outcome) {
        if (alive.expired()) return;
        if (const auto* error = std::get_if<EngineError>(&outcome)) {
            const unsigned status = error->kind == EngineErrorKind::not_open ? 503 : 500;
            return finish(context, text_error(status, "store nodes: " + error->message));
        }
        const bool legacy = context->params.get("ver") != "2";
        const JsonStyle style = context->params.pretty() ? JsonStyle::pretty : JsonStyle::compact;
        finish(context, json_response(200, nodes_body(std::get<std::vector<NodeReport>>(std::move(outcome)), legacy, style)));
    });
}

void Service::handle_leader(const ContextPtr& context) {
    const std::string& method = context->request.method;
    std::weak_ptr<bool> alive = alive_;
    if (method == "GET") {
        NodesCall call;
        call.include_nonvoters = true;
        call.timeout = context->params.duration("timeout", std::chrono::seconds(30));
        backend_.nodes(call, [this, alive, context](Outcome<std::vector<NodeReport>> outcome) {
            if (alive.expired()) return;
            const auto* nodes = std::get_if<std::vector<NodeReport>>(&outcome);
            const auto leader = nodes == nullptr ? std::vector<NodeReport>::const_iterator{}
                                                 : std::find_if(nodes->begin(), nodes->end(),
                                                                [](const NodeReport& node) { return node.leader; });
            if (nodes == nullptr || leader == nodes->end()) {
                return finish(context, text_error(503, leader_not_found_message));
            }
            std::string body;
            JsonWriter writer(body, context->params.pretty() ? JsonStyle::pretty : JsonStyle::compact);
            write_node(writer, *leader);
            finish(context, json_response(200, body + "\n"));
        });
        return;
    }
    if (method != "POST") return finish(context, empty_response(405));
    std::string target;
    if (context->request.content_type == "application/json" && !context->request.body.empty()) {
        auto body = parse_string_object(context->request.body);
        if (!body) return finish(context, text_error(400, "invalid request body"));
        if (auto id = body->find("id"); id != body->end()) target = id->second;
    }
    DataCall call = make_data_call(*context, {});
    backend_.step_down(std::move(target), context->params.wait(), call.forwarding,
                       [this, alive, context](Outcome<Done> outcome) {
                           if (alive.expired()) return;
                           if (const auto* error = std::get_if<EngineError>(&outcome)) {
                               if (error->kind == EngineErrorKind::remote_unauthorized) {
                                   return finish(context, text_error(401, "remote stepdown not authorized"));
                               }
                               if (error->kind == EngineErrorKind::leader_not_found ||
                                   error->kind == EngineErrorKind::not_leader) {
                                   return finish_with_engine_error(context, *error, "stepdown");
                               }
                               return finish(context, text_error(500, "stepdown: " + error->message));
                           }
                           finish(context, empty_response(200));
                       });
}

void Service::handle_remove(const ContextPtr& context) {
    if (context->request.method != "DELETE") return finish(context, empty_response(405));
    auto body = parse_string_object(context->request.body);
    if (!body || body->size() != 1 || body->count("id") == 0) return finish(context, empty_response(400));
    DataCall call = make_data_call(*context, {});
    std::weak_ptr<bool> alive = alive_;
    backend_.remove_node(body->at("id"), call.forwarding, [this, alive, context](Outcome<Done> outcome) {
        if (alive.expired()) return;
        if (const auto* error = std::get_if<EngineError>(&outcome)) {
            if (error->kind == EngineErrorKind::remote_unauthorized) {
                return finish(context, text_error(401, "remote remove node not authorized"));
            }
            if (error->kind == EngineErrorKind::leader_not_found ||
                error->kind == EngineErrorKind::not_leader) {
                return finish_with_engine_error(context, *error, "remove node");
            }
            return finish(context, text_error(500, error->message));
        }
        finish(context, empty_response(200));
    });
}

void Service::handle_snapshot(const ContextPtr& context) {
    if (context->request.method != "POST") return finish(context, empty_response(405));
    counters_.add("user_snapshots");
    std::weak_ptr<bool> alive = alive_;
    backend_.snapshot(context->params.integer("trailing_logs", 0), [this, alive, context](Outcome<bool> outcome) {
        if (alive.expired()) return;
        if (const auto* error = std::get_if<EngineError>(&outcome)) return finish(context, text_error(500, error->message));
        finish(context, empty_response(std::get<bool>(outcome) ? 204 : 200));
    });
}

void Service::handle_backup(const ContextPtr& context) {
    if (context->request.method != "GET") return finish(context, empty_response(405));
    const QueryParams& params = context->params;
    BackupCall call;
    const std::string_view format = params.get("fmt");
    call.format = format == "sql" ? BackupFormat::sql : format == "delete" ? BackupFormat::delete_journal : BackupFormat::binary;
    call.vacuum = params.vacuum();
    if (call.vacuum && call.format == BackupFormat::sql) return finish(context, text_error(500, "invalid backup format"));
    if (params.compress()) return finish(context, text_error(500, "compressed backups are not supported"));
    call.leader_consistent = !params.noleader();
    call.tables = split_tables(params.get("tables"));
    call.forwarding = make_data_call(*context, {}).forwarding;
    const std::string content_type = call.format == BackupFormat::sql ? "application/sql" : "application/octet-stream";
    std::weak_ptr<bool> alive = alive_;
    backend_.backup(std::move(call), [this, alive, context, content_type](Outcome<std::string> outcome) {
        if (alive.expired()) return;
        if (const auto* error = std::get_if<EngineError>(&outcome)) {
            if (error->kind == EngineErrorKind::remote_unauthorized) {
                return finish(context, text_error(401, "remote backup not authorized"));
            }
            if (error->kind == EngineErrorKind::leader_not_found ||
                error->kind == EngineErrorKind::not_leader) {
                return finish_with_engine_error(context, *error, "backup");
            }
            return finish(context, text_error(500, error->message));
        }
        HttpResponse response;
        response.headers.emplace_back("Content-Type", content_type);
        response.body = std::get<std::string>(std::move(outcome));
        finish(context, std::move(response));
    });
}

}  // namespace rq::http
