// The dot commands that operate the node or the cluster: backups and restores, membership,
// snapshots, readiness and diagnostics.

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "cmd/rqlite/shell.h"
#include "cmd/rqlite/url.h"
#include "http/go_text.h"
#include "http/json_writer.h"

namespace rq::shell {
namespace {

constexpr std::string_view sqlite_header = "SQLite format";  // first bytes of a SQLite database file

Error failure(std::string message) { return Error(ErrorCode::io, std::move(message)); }
Error usage_error(std::string message) { return Error(ErrorCode::invalid_argument, std::move(message)); }

Result<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return failure("open " + path + ": " + std::strerror(errno));
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return failure("read " + path + ": " + std::strerror(errno));
    return data;
}

Status write_file(const std::string& path, std::string_view data) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) return failure("open " + path + ": " + std::strerror(errno));
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    out.close();
    if (!out) return failure("write " + path + ": " + std::strerror(errno));
    return ok_status();
}

bool is_sqlite_image(std::string_view data) { return data.size() > sqlite_header.size() && data.starts_with(sqlite_header); }

std::string trimmed_body(const HttpResponse& response) {
    std::string body = response.body;
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r' || body.back() == ' ')) body.pop_back();
    return body;
}

// The error for an answer other than the ones a command expects.
Error answer_error(const HttpResponse& response) {
    if (response.status == 401) return usage_error("unauthorized");
    std::string message = "server responded with " + response.status_line();
    const std::string body = trimmed_body(response);
    if (!body.empty()) message += ": " + body;
    return failure(std::move(message));
}

std::string json_object_with_id(std::string_view id) {
    std::string body = "{\"id\":";
    http::append_json_string(body, id);
    body += "}";
    return body;
}

// "FILE [T1,T2 ...]" of .dump.
std::pair<std::string, std::vector<std::string>> dump_arguments(std::string_view argument) {
    const std::size_t space = argument.find_first_of(" \t");
    std::string file(argument.substr(0, space));
    std::vector<std::string> tables;
    if (space == std::string_view::npos) return {file, tables};
    std::string rest(argument.substr(space));
    std::replace(rest.begin(), rest.end(), ',', ' ');
    std::istringstream words(rest);
    for (std::string table; words >> table;) tables.push_back(table);
    return {file, tables};
}

// Whether the node enforces foreign keys, from /status (rqlite 8+ pragmas, or older fk_constraints).
bool foreign_keys_enabled(const JsonNode& status) {
    const JsonNode* store = status.find("store");
    const JsonNode* sqlite = store != nullptr ? store->find("sqlite3") : nullptr;
    if (sqlite == nullptr) return false;
    if (const JsonNode* old_style = sqlite->find("fk_constraints"); old_style != nullptr) return old_style->text == "enabled";
    const JsonNode* pragmas = sqlite->find("pragmas");
    const JsonNode* read_write = pragmas != nullptr ? pragmas->find("rw") : nullptr;
    const JsonNode* foreign_keys = read_write != nullptr ? read_write->find("foreign_keys") : nullptr;
    return foreign_keys != nullptr && foreign_keys->text == "1";
}

}  // namespace

Status Shell::command_backup(std::string_view argument) {
    if (argument.empty()) return usage_error("please specify an output file for the backup");
    Result<HttpResponse> response = get("db/backup");
    if (!response) return response.error();
    if (response->status != 200) return answer_error(*response);
    RQ_TRY_STATUS(write_file(std::string(argument), response->body), "backup");
    write_console("backup file written successfully\n");
    return ok_status();
}

Status Shell::command_dump(std::string_view argument) {
    if (argument.empty()) return usage_error("please specify an output file for the SQL text");
    const auto [file, tables] = dump_arguments(argument);
    std::vector<std::pair<std::string, std::string>> parameters{{"fmt", "sql"}};
    if (!tables.empty()) {
        std::string list;
        for (const std::string& table : tables) list += (list.empty() ? "" : ",") + table;
        parameters.emplace_back("tables", list);
    }
    Result<HttpResponse> response = get("db/backup?" + encode_query(std::move(parameters)));
    if (!response) return response.error();
    if (response->status != 200) return answer_error(*response);
    RQ_TRY_STATUS(write_file(file, response->body), "dump");
    write_console("SQL text file written successfully\n");
    return ok_status();
}

Status Shell::command_restore(std::string_view argument) {
    if (argument.empty()) return usage_error("please specify an input file to restore from");
    Result<std::string> status_body = get_ok_body("status");
    if (!status_body) return status_body.error();
    Result<JsonNode> status = parse_json(*status_body);
    if (!status) return status.error();
    if (status->find("store") == nullptr) return failure("unexpected server response: store status not found");
    Result<std::string> data = read_file(std::string(argument));
    if (!data) return data.error();
    const bool image = is_sqlite_image(*data);
    // SQL text keeps the node's foreign-key setting, which a dump's own PRAGMA would change.
    if (!image) *data += foreign_keys_enabled(*status) ? "PRAGMA foreign_keys=ON;" : "PRAGMA foreign_keys=OFF;";
    Result<HttpResponse> response = post("db/load", std::move(*data), image ? "application/octet-stream" : "text/plain");
    if (!response) return response.error();
    if (response->status != 200) return answer_error(*response);
    Result<DataResponse> decoded = decode_data_response(response->body);
    if (!decoded) return decoded.error();
    if (!decoded->error.empty()) return failure(decoded->error);
    if (!image) {
        if (decoded->results.empty()) return failure("unexpected results length: 0");
        const StatementResult& result = decoded->results.front();
        if (!result.error.empty()) {
            write_console("Error: " + result.error + "\n");
            return ok_status();
        }
        write_console("last inserted ID: " + std::to_string(result.last_insert_id) + "\n");
        write_console("rows affected: " + std::to_string(result.rows_affected) + "\n");
    }
    write_console("Database restored successfully.\n");
    return ok_status();
}

Status Shell::command_boot(std::string_view argument) {
    if (argument.empty()) return usage_error("please specify an input file to boot with");
    const std::string path(argument);
    Result<std::string> data = read_file(path);
    if (!data || !is_sqlite_image(*data)) return usage_error(path + " is not a valid SQLite file");
    Result<HttpResponse> response = post("boot", std::move(*data), "application/octet-stream");
    if (!response) return response.error();
    if (response->status == 401) return usage_error("unauthorized");
    if (response->status != 200) {
        std::string message = "boot failed, status code: " + response->status_line();
        if (!response->body.empty()) message += ", " + trimmed_body(*response);
        return failure(std::move(message));
    }
    write_console("Node booted successfully.\n");
    return ok_status();
}

Status Shell::command_remove(std::string_view argument) {
    if (argument.empty()) return usage_error("please specify the ID of the node to remove");
    Result<HttpResponse> response =
        client_.send({"DELETE", client_.prefix() + "remove", json_object_with_id(argument), "application/json"});
    if (!response) return response.error();
    if (response->status != 200) return answer_error(*response);
    return ok_status();
}

Status Shell::command_snapshot(std::string_view argument) {
    std::int64_t trailing_logs = 0;
    if (!argument.empty()) {
        const std::optional<std::int64_t> value = http::parse_go_decimal_int(argument);
        if (!value || *value < 0) return usage_error("invalid trailing logs value: " + std::string(argument));
        trailing_logs = *value;
    }
    Result<HttpResponse> response = post("snapshot?trailing_logs=" + std::to_string(trailing_logs), "");
    if (!response) return response.error();
    if (response->status != 200 && response->status != 204) return answer_error(*response);
    return ok_status();
}

Status Shell::command_stepdown(std::string_view argument) {
    std::string body;
    std::string content_type;
    if (!argument.empty()) {
        body = json_object_with_id(argument);
        content_type = "application/json";
    }
    Result<HttpResponse> response = post("leader?wait=true", std::move(body), std::move(content_type));
    if (!response) return response.error();
    if (response->status != 200) return answer_error(*response);
    return ok_status();
}

Status Shell::command_reap(std::string_view) {
    Result<HttpResponse> response = post("reap", "");
    if (!response) return response.error();
    if (response->status != 200) return answer_error(*response);
    Result<JsonNode> counts = parse_json(response->body);
    if (!counts) return failure("failed to decode response: " + counts.error().message());
    const auto count = [&](std::string_view key) {
        const JsonNode* node = counts->find(key);
        return std::to_string(node != nullptr ? node->as_integer().value_or(0) : 0);
    };
    write_console("snapshots reaped: " + count("snapshots_reaped") + ", WALs checkpointed: " + count("wals_checkpointed") +
                  "\n");
    return ok_status();
}

Status Shell::command_ready(std::string_view) {
    Result<HttpResponse> response = get("readyz");
    if (!response) return response.error();
    write_console(response->status == 200 ? "ready\n" : "not ready\n");
    return ok_status();
}

Status Shell::command_leader(std::string_view) {
    Result<std::string> body = get_ok_body("nodes");
    if (!body) return body.error();
    Result<JsonNode> nodes = parse_json(*body);
    if (!nodes) return nodes.error();
    for (const auto& [id, node] : nodes->members) {
        const JsonNode* leader = node.find("leader");
        if (node.kind != JsonNode::Kind::object || leader == nullptr || leader->text != "true") continue;
        JsonNode shown;
        shown.kind = JsonNode::Kind::object;
        shown.members.push_back({id, node});
        write_console(render_key_values(shown));
        return ok_status();
    }
    return failure("no leader found");
}

Status Shell::command_extensions(std::string_view) {
    Result<HttpResponse> response = get("status?key=extensions");
    if (!response) return response.error();
    if (response->status == 404) return ok_status();
    if (response->status != 200) return answer_error(*response);
    Result<JsonNode> extensions = parse_json(response->body);
    if (!extensions) return extensions.error();
    const JsonNode* names = extensions->find("names");
    if (names == nullptr) return ok_status();
    for (const JsonNode& name : names->items) write_console(name.text + "\n");
    return ok_status();
}

Status Shell::command_sysdump(std::string_view argument) {
    if (argument.empty()) return usage_error("please specify an output file for the sysdump");
    Result<std::string> body = get_ok_body("nodes");
    if (!body) return body.error();
    Result<JsonNode> nodes = parse_json(*body);
    if (!nodes) return nodes.error();
    std::vector<std::pair<std::string, std::string>> api_addresses;  // node ID, URL
    for (const auto& [id, node] : nodes->members) {
        const JsonNode* api_address = node.find("api_addr");
        if (api_address != nullptr && !api_address->text.empty()) api_addresses.emplace_back(id, api_address->text);
    }
    std::sort(api_addresses.begin(), api_addresses.end());
    std::string dump;
    for (const auto& [id, base] : api_addresses) {
        for (const char* path : {"/status?pretty", "/nodes?pretty", "/readyz", "/debug/vars"}) {
            const std::string url_text = base + path;
            dump += "\n=========================================\nURL: " + url_text + "\n";
            Result<Url> url = parse_url(url_text);
            if (!url) {
                dump += "Error sysdumping " + base + ": " + url.error().message() + "\n";
                break;
            }
            Result<HttpResponse> response = client_.send_direct(*url, {"GET", "", "", ""});
            if (!response) {
                dump += "Status: " + response.error().message() + "\n\n";
                continue;
            }
            dump += "Status: " + response->status_line() + "\n\n";
            if (response->status == 200) dump += response->body;
        }
    }
    return write_file(std::string(argument), dump);
}

}  // namespace rq::shell
