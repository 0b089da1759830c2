#include "cmd/rqlite/repl.h"

#include <unistd.h>

namespace rq::shell {

Flow InputProcessor::add_line(std::string_view line) {
    if (!splitter_.in_statement() && Shell::is_command(line)) {
        splitter_.clear();  // comments typed before the command
        return shell_.run_command(line);
    }
    for (const std::string& statement : splitter_.add_line(line)) shell_.run_statement(statement);
    return Flow::keep_going;
}

Flow InputProcessor::finish() {
    if (std::optional<std::string> statement = splitter_.finish()) shell_.run_statement(*statement);
    return Flow::keep_going;
}

std::string continuation_prompt(std::string_view prompt) {
    constexpr std::string_view marker = "...> ";
    std::string out;
    if (prompt.size() > marker.size()) out.append(prompt.size() - marker.size(), ' ');
    out += marker;
    return out;
}

void run_loop(Shell& shell, LineReader& reader, bool interactive) {
    InputProcessor input(shell);
    for (;;) {
        std::string prompt;
        if (interactive) prompt = input.in_statement() ? continuation_prompt(shell.prompt()) : shell.prompt();
        std::optional<std::string> line = reader.read_line(prompt);
        if (!line && reader.interrupted()) {
            std::fputs("\n", stdout);
            if (!input.in_statement()) return;
            input.cancel_statement();
            continue;
        }
        if (!line) {
            if (interactive) std::fputs("\n", stdout);  // Ctrl-D leaves the cursor after the prompt
            input.finish();
            return;
        }
        if (interactive) reader.remember(*line);
        const Flow flow = input.add_line(*line);
        std::fflush(stdout);
        if (flow == Flow::quit) return;
    }
}

int run_shell(const ConnectionOptions& options) {
    const std::string address = options.scheme + "://" + join_host_port(options.host, options.port);
    Result<std::unique_ptr<HttpClient>> client = HttpClient::create(options);
    if (!client) {
        std::printf("ERR! %s\n", client.error().message().c_str());
        return 1;
    }
    Shell shell(**client, stdout, ::isatty(STDOUT_FILENO) == 1);
    Result<std::string> version = shell.fetch_version();
    if (!version) {
        const bool refused = version.error().code() == connection_refused_code && options.alternatives.empty();
        shell.report(refused ? "Unable to connect to rqlited at " + address + " - is it running?"
                             : version.error().message());
        return 1;
    }
    std::printf("Welcome to the rqlite CLI.\nEnter \".help\" for usage hints.\nConnected to %s running version %s\n",
                address.c_str(), version->c_str());
    const bool interactive = ::isatty(STDIN_FILENO) == 1;
    std::unique_ptr<LineReader> reader = interactive
                                             ? make_terminal_reader(default_history_path(), history_size_from_environment())
                                             : make_stream_reader(stdin);
    run_loop(shell, *reader, interactive);
    reader.reset();  // saves the history
    std::printf("bye~\n");
    return 0;
}

}  // namespace rq::shell
