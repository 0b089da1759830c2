// rqlite: the command-line shell for rqlited (API.md §11). See cmd/rqlite/README.md.

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cmd/rqlite/arguments.h"
#include "cmd/rqlite/repl.h"

int main(int argc, char** argv) {
    // A server that closes the connection while we write must be an error we report, not a signal.
    std::signal(SIGPIPE, SIG_IGN);
    const std::vector<std::string> args(argv + 1, argv + argc);
    const char* host_environment = std::getenv("RQLITE_HOST");
    rq::Result<rq::shell::Arguments> arguments =
        rq::shell::parse_arguments(args, host_environment != nullptr ? std::optional<std::string_view>(host_environment)
                                                                     : std::nullopt);
    if (!arguments) {
        std::fprintf(stderr, "ERR! %s\n", arguments.error().message().c_str());
        std::fprintf(stderr, "Run 'rqlite --help' for the options.\n");
        return 2;
    }
    if (arguments->help) {
        std::fputs(rq::shell::usage_text().c_str(), stdout);
        return 0;
    }
    if (arguments->version) {
        std::printf("Version %s, commit %s, built on %s\n", RQ_SHELL_VERSION, RQ_SHELL_COMMIT, RQ_SHELL_BUILD_TIME);
        return 0;
    }
    return rq::shell::run_shell(arguments->connection);
}
