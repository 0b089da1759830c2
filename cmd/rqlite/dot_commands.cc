// The dot commands that change settings or read the database through queries, and the table
// that dispatches every dot command.

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "cmd/rqlite/line_reader.h"
#include "cmd/rqlite/repl.h"
#include "cmd/rqlite/shell.h"

namespace rq::shell {
namespace {

constexpr int read_depth_max = 16;  // .read of a file that .reads itself must stop somewhere

std::string_view trim(std::string_view text) {
    const std::size_t begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos) return {};
    const std::size_t end = text.find_last_not_of(" \t\r\n");
    return text.substr(begin, end - begin + 1);
}

std::string lower_ascii(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

Error usage_error(std::string message) { return Error(ErrorCode::invalid_argument, std::move(message)); }

std::string_view on_off(bool value) { return value ? "on" : "off"; }

// The first word of a line and the trimmed rest.
std::pair<std::string_view, std::string_view> split_command(std::string_view line) {
    line = trim(line);
    const std::size_t space = line.find_first_of(" \t");
    if (space == std::string_view::npos) return {line, {}};
    return {line.substr(0, space), trim(line.substr(space))};
}

bool is_quit_word(std::string_view word) {
    if (!word.empty() && word.back() == ';') word.remove_suffix(1);
    const std::string lower = lower_ascii(word);
    return lower == "quit" || lower == "exit" || lower == ".quit" || lower == ".exit";
}

}  // namespace

struct Shell::Command {
    std::string_view name;  // without the dot, lower case
    std::string_view arguments;
    std::string_view help;
    Status (Shell::*run)(std::string_view argument);
};

const std::vector<Shell::Command>& Shell::commands() {
    static const std::vector<Command> all = {
        {"backup", "FILE", "Write a SQLite backup of the database to FILE", &Shell::command_backup},
        {"blobarray", "[on|off]", "Show the setting, or show BLOB values as arrays of bytes", &Shell::command_blobarray},
        {"boot", "FILE", "Boot a single-node cluster from the SQLite file FILE", &Shell::command_boot},
        {"changes", "[on|off]", "Show the setting, or print the last insert ID after writes", &Shell::command_changes},
        {"consistency", "[none|weak|linearizable|strong]", "Show or set the read consistency level",
         &Shell::command_consistency},
        {"dump", "FILE [TABLE,TABLE...]", "Write the database (or only TABLEs) as SQL text to FILE", &Shell::command_dump},
        {"exit", "", "Leave the shell", nullptr},
        {"expvar", "[KEY]", "Show the node's expvar counters (only KEY if given)", &Shell::command_expvar},
        {"extensions", "", "List the SQLite extensions the node loaded", &Shell::command_extensions},
        {"forcewrites", "[on|off]", "Show the setting, or send every statement to /db/execute",
         &Shell::command_forcewrites},
        {"help", "", "Show this list", &Shell::command_help},
        {"indexes", "", "Show the CREATE statements of all indexes", &Shell::command_indexes},
        {"leader", "", "Show the cluster's leader", &Shell::command_leader},
        {"mode", "[column|csv|json|line]", "Show or set how query results are printed", &Shell::command_mode},
        {"nodes", "[all]", "Show the voting nodes and whether they answer ('all': non-voters too)", &Shell::command_nodes},
        {"output", "[FILE]", "Send results to FILE, or back to stdout without FILE", &Shell::command_output},
        {"quit", "", "Leave the shell", nullptr},
        {"read", "FILE", "Run the statements and commands in FILE", &Shell::command_read},
        {"ready", "", "Show whether the node is ready", &Shell::command_ready},
        {"reap", "", "Ask the node to delete superseded snapshots", &Shell::command_reap},
        {"remove", "NODEID", "Remove node NODEID from the cluster", &Shell::command_remove},
        {"restore", "FILE", "Load the database from FILE (a SQLite file or SQL text)", &Shell::command_restore},
        {"schema", "", "Show the CREATE statements of all tables, indexes, views and triggers", &Shell::command_schema},
        {"show", "", "Show the current settings", &Shell::command_show},
        {"snapshot", "[TRAILINGLOGS]", "Ask the node for a Raft snapshot and log truncation", &Shell::command_snapshot},
        {"status", "[KEY]", "Show the node's status (only KEY if given)", &Shell::command_status},
        {"stepdown", "[NODEID]", "Ask the leader to hand leadership over (to NODEID if given)", &Shell::command_stepdown},
        {"sysdump", "FILE", "Write every node's diagnostics to FILE", &Shell::command_sysdump},
        {"tables", "", "List the tables", &Shell::command_tables},
        {"timer", "[on|off]", "Show the setting, or print how long statements took", &Shell::command_timer},
    };
    return all;
}

bool Shell::is_command(std::string_view line) {
    const auto [word, argument] = split_command(line);
    return (!word.empty() && word.front() == '.') || is_quit_word(word);
}

Flow Shell::run_command(std::string_view line) {
    const auto [word, argument] = split_command(line);
    if (is_quit_word(word)) return Flow::quit;
    const std::string name = lower_ascii(word.substr(1));
    const auto& all = commands();
    const auto command = std::find_if(all.begin(), all.end(), [&](const Command& c) { return c.name == name; });
    if (command == all.end()) {
        report("unknown command \"" + std::string(word) + "\". Enter \".help\" for usage hints.");
        return Flow::keep_going;
    }
    if (command->run == nullptr) return Flow::quit;  // .exit and .quit, listed for .help
    const Status status = (this->*(command->run))(argument);
    if (!status.ok()) report(status.error().message());
    return quit_requested_ ? Flow::quit : Flow::keep_going;
}

Status Shell::command_help(std::string_view) {
    std::vector<std::string> usages;
    std::size_t width = 0;
    for (const Command& command : commands()) {
        std::string usage = "." + std::string(command.name);
        if (!command.arguments.empty()) usage += " " + std::string(command.arguments);
        width = std::max(width, usage.size());
        usages.push_back(std::move(usage));
    }
    for (std::size_t i = 0; i < usages.size(); ++i) {
        std::string line = usages[i];
        line.append(width + 2 - line.size(), ' ');
        line += commands()[i].help;
        line += '\n';
        write_console(line);
    }
    return ok_status();
}

Status Shell::set_toggle(std::string_view argument, bool& setting) {
    if (argument.empty()) {
        write_console(std::string(on_off(setting)) + "\n");
        return ok_status();
    }
    if (argument != "on" && argument != "off") {
        return usage_error("invalid option '" + std::string(argument) + "'. Use 'on' or 'off' (default)");
    }
    setting = argument == "on";
    return ok_status();
}

Status Shell::command_blobarray(std::string_view argument) { return set_toggle(argument, settings_.blob_array); }
Status Shell::command_changes(std::string_view argument) { return set_toggle(argument, settings_.changes); }
Status Shell::command_forcewrites(std::string_view argument) { return set_toggle(argument, settings_.force_writes); }
Status Shell::command_timer(std::string_view argument) { return set_toggle(argument, settings_.timer); }

Status Shell::command_consistency(std::string_view argument) {
    if (argument.empty()) {
        write_console(settings_.consistency + "\n");
        return ok_status();
    }
    if (argument != "none" && argument != "weak" && argument != "linearizable" && argument != "strong") {
        return usage_error("invalid consistency '" + std::string(argument) +
                           "'. Use 'none', 'weak', 'linearizable', or 'strong'");
    }
    settings_.consistency = std::string(argument);
    return ok_status();
}

Status Shell::command_mode(std::string_view argument) {
    if (argument.empty()) {
        write_console(std::string(mode_name(settings_.mode)) + "\n");
        return ok_status();
    }
    const std::optional<OutputMode> mode = parse_mode(argument);
    if (!mode) {
        return usage_error("invalid mode '" + std::string(argument) + "'. Use 'column', 'csv', 'json', or 'line'");
    }
    settings_.mode = *mode;
    return ok_status();
}

Status Shell::command_show(std::string_view) {
    std::string out;
    out += "  blobarray: " + std::string(on_off(settings_.blob_array)) + "\n";
    out += "  changes: " + std::string(on_off(settings_.changes)) + "\n";
    out += "  consistency: " + settings_.consistency + "\n";
    out += "  forcewrites: " + std::string(on_off(settings_.force_writes)) + "\n";
    out += "  mode: " + std::string(mode_name(settings_.mode)) + "\n";
    out += "  output: " + output_name_ + "\n";
    out += "  timer: " + std::string(on_off(settings_.timer)) + "\n";
    write_console(out);
    return ok_status();
}

Status Shell::command_output(std::string_view argument) {
    if (argument.empty() || argument == "stdout") {
        if (output_file_ != nullptr) std::fclose(output_file_);
        output_file_ = nullptr;
        output_name_ = "stdout";
        return ok_status();
    }
    const std::string path(argument);
    std::FILE* file = std::fopen(path.c_str(), "w");
    if (file == nullptr) return Error(ErrorCode::io, "open " + path + ": " + std::strerror(errno));
    if (output_file_ != nullptr) std::fclose(output_file_);
    output_file_ = file;
    output_name_ = path;
    return ok_status();
}

Status Shell::command_read(std::string_view argument) {
    if (argument.empty()) return usage_error("please specify an input file to read from");
    if (read_depth_ >= read_depth_max) return usage_error("too many nested .read commands");
    const std::string path(argument);
    std::FILE* file = std::fopen(path.c_str(), "r");
    if (file == nullptr) return Error(ErrorCode::io, "open " + path + ": " + std::strerror(errno));
    std::unique_ptr<LineReader> reader = make_stream_reader(file);
    ++read_depth_;
    InputProcessor input(*this);
    Flow flow = Flow::keep_going;
    while (flow == Flow::keep_going) {
        std::optional<std::string> line = reader->read_line("");
        if (!line) {
            flow = input.finish();
            break;
        }
        flow = input.add_line(*line);
    }
    --read_depth_;
    std::fclose(file);
    if (flow == Flow::quit) quit_requested_ = true;
    return ok_status();
}

Status Shell::command_tables(std::string_view) {
    return run_query("SELECT name FROM sqlite_master WHERE type=\"table\" ORDER BY name ASC");
}

Status Shell::command_schema(std::string_view) {
    return run_query("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid ASC");
}

Status Shell::command_indexes(std::string_view) { return run_query("SELECT sql FROM sqlite_master WHERE type=\"index\""); }

Status Shell::command_status(std::string_view argument) { return print_json_command("status", argument); }

Status Shell::command_expvar(std::string_view argument) { return print_json_command("debug/vars", argument); }

Status Shell::command_nodes(std::string_view argument) {
    return print_json_command(argument.empty() ? "nodes" : "nodes?nonvoters", "");
}

}  // namespace rq::shell
