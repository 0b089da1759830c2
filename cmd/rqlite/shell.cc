#include "cmd/rqlite/shell.h"

#include "cmd/rqlite/url.h"
#include "http/json_writer.h"

namespace rq::shell {
namespace {

std::string_view trim(std::string_view text) {
    const std::size_t begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos) return {};
    const std::size_t end = text.find_last_not_of(" \t\r\n");
    return text.substr(begin, end - begin + 1);
}

// The trimmed body of a plain-text error answer (rqlite's bodies end with a line break).
std::string body_text(const HttpResponse& response) { return std::string(trim(response.body)); }

Error status_error(const HttpResponse& response) {
    std::string message = "server responded with " + response.status_line();
    if (!trim(response.body).empty()) message += ": " + body_text(response);
    return Error(ErrorCode::io, std::move(message));
}

std::string rows_affected_text(const StatementResult& result, bool timer) {
    std::string out = std::to_string(result.rows_affected);
    out += result.rows_affected > 1 ? " rows affected" : " row affected";
    if (timer) out += " (" + format_fixed6(result.time_seconds) + " sec)";
    out += '\n';
    return out;
}

}  // namespace

Shell::Shell(HttpClient& client, std::FILE* console, bool console_is_terminal)
    : client_(client), console_(console), console_is_terminal_(console_is_terminal) {}

Shell::~Shell() {
    if (output_file_ != nullptr) std::fclose(output_file_);
}

void Shell::write_console(std::string_view text) { (void)std::fwrite(text.data(), 1, text.size(), console_); }

void Shell::write_output(std::string_view text) {
    (void)std::fwrite(text.data(), 1, text.size(), output_file_ != nullptr ? output_file_ : console_);
}

void Shell::report(std::string_view message) {
    // rqlite's CLI prints "ERR!" in red on a terminal.
    write_console(console_is_terminal_ ? "\x1b[31mERR!\x1b[0m " : "ERR! ");
    write_console(message);
    write_console("\n");
}

std::string Shell::prompt() const { return client_.current_host() + "> "; }

Result<HttpResponse> Shell::get(std::string_view path) {
    return client_.send({"GET", client_.prefix() + std::string(path), "", ""});
}

Result<HttpResponse> Shell::post(std::string_view path, std::string body, std::string content_type) {
    return client_.send({"POST", client_.prefix() + std::string(path), std::move(body), std::move(content_type)});
}

Result<std::string> Shell::get_ok_body(std::string_view path) {
    Result<HttpResponse> response = get(path);
    if (!response) return response.error();
    if (response->status == 401) return Error(ErrorCode::invalid_argument, "unauthorized");
    if (response->status != 200) return status_error(*response);
    return std::move(response->body);
}

Result<std::string> Shell::fetch_version() {
    Result<HttpResponse> response = get("status");
    if (!response) return response.error();
    std::string version = response->header("X-RQLITE-VERSION");
    return version.empty() ? std::string("unknown") : version;
}

void Shell::run_statement(std::string_view sql) {
    std::vector<std::pair<std::string, std::string>> parameters;
    if (settings_.timer) parameters.emplace_back("timings", "");
    if (settings_.blob_array) parameters.emplace_back("blob_array", "");
    // Read-only batches on /db/request honour the level; weak is the server's default anyway.
    if (!settings_.force_writes && settings_.consistency != "weak") parameters.emplace_back("level", settings_.consistency);
    std::string path = settings_.force_writes ? "db/execute" : "db/request";
    if (!parameters.empty()) path += "?" + encode_query(std::move(parameters));
    std::string body = "[";
    http::append_json_string(body, sql);
    body += "]";
    Result<HttpResponse> response = post(path, std::move(body));
    if (!response) return report(response.error().message());
    if (response->status != 200) return report(status_error(*response).message());
    Result<DataResponse> decoded = decode_data_response(response->body);
    if (!decoded) return report(decoded.error().message());
    if (!decoded->error.empty()) return report(decoded->error);
    if (decoded->results.size() != 1) {
        return report("unexpected results length: " + std::to_string(decoded->results.size()));
    }
    print_statement_result(decoded->results.front());
}

void Shell::print_statement_result(const StatementResult& result) {
    if (!result.error.empty()) return write_output("Error: " + result.error + "\n");
    if (result.has_rows) {
        write_output(render_rows(result.rows, settings_.mode));
        if (settings_.timer) write_output("Run Time: " + format_fixed6(result.time_seconds) + " seconds\n");
        return;
    }
    write_output(rows_affected_text(result, settings_.timer));
    if (settings_.changes) write_output("last insert ID: " + std::to_string(result.last_insert_id) + "\n");
}

Status Shell::run_query(std::string_view sql) {
    std::vector<std::pair<std::string, std::string>> parameters{{"level", settings_.consistency}, {"q", std::string(sql)}};
    if (settings_.timer) parameters.emplace_back("timings", "");
    if (settings_.blob_array) parameters.emplace_back("blob_array", "");
    Result<HttpResponse> response = get("db/query?" + encode_query(std::move(parameters)));
    if (!response) return response.error();
    if (response->status != 200) return status_error(*response);
    Result<DataResponse> decoded = decode_data_response(response->body);
    if (!decoded) return decoded.error();
    if (!decoded->error.empty()) return Error(ErrorCode::io, decoded->error);
    if (decoded->results.size() != 1) {
        return Error(ErrorCode::io, "unexpected results length: " + std::to_string(decoded->results.size()));
    }
    const StatementResult& result = decoded->results.front();
    if (!result.error.empty()) return Error(ErrorCode::io, result.error);
    write_output(render_rows(result.rows, settings_.mode));
    if (settings_.timer) write_output("Run Time: " + format_fixed6(result.time_seconds) + " seconds\n");
    return ok_status();
}

Status Shell::print_json_command(std::string_view path, std::string_view argument) {
    Result<std::string> body = get_ok_body(path);
    if (!body) return body.error();
    Result<JsonNode> document = parse_json(*body);
    if (!document) return document.error();
    if (document->kind != JsonNode::Kind::object) return Error(ErrorCode::corrupt, "invalid response: not a JSON object");
    const std::string_view key = argument.substr(0, argument.find_first_of(" \t"));
    if (key.empty()) {
        write_console(render_key_values(*document));
        return ok_status();
    }
    // rqlite shows only the named top-level member (nothing when it does not exist).
    JsonNode filtered;
    filtered.kind = JsonNode::Kind::object;
    const JsonNode* member = document->find(key);
    filtered.members.push_back({std::string(key), member != nullptr ? *member : JsonNode{}});
    write_console(render_key_values(filtered));
    return ok_status();
}

}  // namespace rq::shell
