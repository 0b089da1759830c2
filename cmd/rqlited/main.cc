// rqlited: a node of the distributed SQLite database, speaking rqlite's HTTP API (API.md).
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <string>
#include <vector>

#include "cmd/rqlited/app.h"
#include "cmd/rqlited/flags.h"

namespace {

spdlog::level::level_enum log_level(const std::string& name) {
    if (name == "DEBUG" || name == "debug") return spdlog::level::debug;
    if (name == "INFO" || name == "info") return spdlog::level::info;
    if (name == "ERROR" || name == "error") return spdlog::level::err;
    return spdlog::level::warn;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    auto parsed = rq::cmd::parse_command_line(args);
    if (!parsed.ok()) {
        const rq::cmd::CommandLineFailure failure = rq::cmd::describe_failure(parsed.error());
        std::fputs(failure.stderr_text.c_str(), stderr);
        return failure.exit_code;
    }
    switch (parsed->action) {
        case rq::cmd::ParsedCommandLine::Action::version:
            std::printf("%s\n", rq::cmd::version_text().c_str());
            return 0;
        case rq::cmd::ParsedCommandLine::Action::help:
            std::fputs(rq::cmd::usage_text().c_str(), stderr);
            return 0;
        case rq::cmd::ParsedCommandLine::Action::run:
            break;
    }
    // Process events (listening, store open, shutdown) log at INFO; Raft's own events (role changes)
    // go to the "raft" logger at -raft-log-level, as rqlite's flag governs only Raft's logging.
    spdlog::set_pattern("[%n] %Y/%m/%d %H:%M:%S %^%l%$ %v");
    spdlog::set_default_logger(spdlog::stderr_logger_mt("rqlited"));
    spdlog::set_level(spdlog::level::info);
    spdlog::stderr_logger_mt("raft")->set_level(log_level(parsed->flags.raft_log_level));
    std::vector<std::string> command_line(argv, argv + argc);
    rq::cmd::App app(std::move(parsed->flags), std::move(command_line));
    return app.run();
}
