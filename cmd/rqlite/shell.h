#pragma once
// The shell's state and what it does with a statement or a dot command (API.md §11).
//
// Output goes where rqlite's CLI sends it: results (tables, "N rows affected", "Error: ...")
// to the current output (stdout, or the file named by .output); everything else, including
// failures printed as "ERR! ...", to the console (stdout).

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "cmd/rqlite/arguments.h"
#include "cmd/rqlite/http_client.h"
#include "cmd/rqlite/render.h"
#include "cmd/rqlite/responses.h"

namespace rq::shell {

enum class Flow : std::uint8_t { keep_going, quit };

struct ShellSettings {
    bool blob_array = false;
    bool changes = false;       // print the last insert ID after writes
    bool force_writes = false;  // send everything to /db/execute
    bool timer = false;
    std::string consistency = "weak";
    OutputMode mode = OutputMode::column;
};

class Shell {
public:
    // `console` is where prompts' companions go: messages, settings, "ERR! ..." lines.
    Shell(HttpClient& client, std::FILE* console, bool console_is_terminal);
    ~Shell();
    Shell(const Shell&) = delete;
    Shell& operator=(const Shell&) = delete;

    // The version the node reports in X-RQLITE-VERSION ("unknown" without the header).
    Result<std::string> fetch_version();

    // Sends one statement to /db/request (or /db/execute) and prints its result.
    void run_statement(std::string_view sql);

    // Runs a line that starts with '.', or rqlite's QUIT/EXIT.
    Flow run_command(std::string_view line);

    // Whether a line (trimmed) is a command rather than SQL: a dot command, or quit/exit.
    static bool is_command(std::string_view line);

    // "host:port> " for the host requests currently go to.
    [[nodiscard]] std::string prompt() const;

    [[nodiscard]] const ShellSettings& settings() const { return settings_; }

    // Prints "ERR! message" on the console.
    void report(std::string_view message);

private:
    struct Command;
    static const std::vector<Command>& commands();

    // Output.
    void write_console(std::string_view text);
    void write_output(std::string_view text);

    // Requests against the node (prefix added), with rqlite's handling of 401.
    Result<HttpResponse> get(std::string_view path);
    Result<HttpResponse> post(std::string_view path, std::string body, std::string content_type = "");
    Result<std::string> get_ok_body(std::string_view path);

    // Row-set queries of the dot commands (.tables, .schema, .indexes) through /db/query.
    Status run_query(std::string_view sql);
    void print_statement_result(const StatementResult& result);
    Status print_json_command(std::string_view path, std::string_view argument);

    // Dot commands (dot_commands.cc, admin_commands.cc). `argument` is the trimmed rest of the line.
    Status set_toggle(std::string_view argument, bool& setting);
    Status command_blobarray(std::string_view argument);
    Status command_changes(std::string_view argument);
    Status command_forcewrites(std::string_view argument);
    Status command_timer(std::string_view argument);
    Status command_help(std::string_view argument);
    Status command_consistency(std::string_view argument);
    Status command_mode(std::string_view argument);
    Status command_show(std::string_view argument);
    Status command_output(std::string_view argument);
    Status command_read(std::string_view argument);
    Status command_tables(std::string_view argument);
    Status command_schema(std::string_view argument);
    Status command_indexes(std::string_view argument);
    Status command_status(std::string_view argument);
    Status command_expvar(std::string_view argument);
    Status command_nodes(std::string_view argument);
    Status command_leader(std::string_view argument);
    Status command_ready(std::string_view argument);
    Status command_extensions(std::string_view argument);
    Status command_backup(std::string_view argument);
    Status command_dump(std::string_view argument);
    Status command_restore(std::string_view argument);
    Status command_boot(std::string_view argument);
    Status command_remove(std::string_view argument);
    Status command_snapshot(std::string_view argument);
    Status command_stepdown(std::string_view argument);
    Status command_reap(std::string_view argument);
    Status command_sysdump(std::string_view argument);

    HttpClient& client_;
    std::FILE* console_;
    bool console_is_terminal_;
    ShellSettings settings_;
    std::FILE* output_file_ = nullptr;  // .output FILE; nullptr: the console
    std::string output_name_ = "stdout";
    int read_depth_ = 0;  // nested .read files
    bool quit_requested_ = false;  // .exit inside a .read file
};

}  // namespace rq::shell
