#include "cmd/sim/child.h"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "check/history_json.h"
#include "sim/report.h"

namespace rq::sim::cli {

namespace {

std::string one_line(std::string text) {
    for (char& c : text) {
        if (c == '\n') c = '\t';
    }
    return text;
}

std::string multi_line(std::string text) {
    for (char& c : text) {
        if (c == '\t') c = '\n';
    }
    return text;
}

std::string record_of_result(const SimOptions& options, const SimResult& result) {
    std::ostringstream out;
    out << "passed " << (result.passed ? 1 : 0) << "\n";
    out << "violation " << one_line(result.violation) << "\n";
    out << "summary " << one_line(format_summary(options, result)) << "\n";
    out << "hash " << result.trace_hash << "\n";
    out << "simulated " << result.simulated.count() << "\n";
    out << "events " << result.events << "\n";
    for (const auto& [kind, count] : result.faults_applied) out << "fault " << kind << " " << count << "\n";
    for (const auto& [level, count] : result.stale_reads) out << "stale " << level << " " << count << "\n";
    for (const auto& [level, count] : result.checked_reads) out << "checked " << level << " " << count << "\n";
    std::uint64_t operations = 0;
    for (const auto& [kind, outcomes] : result.operations) {
        for (const auto& [outcome, count] : outcomes) operations += count;
    }
    out << "operations " << operations << "\n";
    return out.str();
}

void parse_record(const std::string& text, ChildOutcome& outcome);

}  // namespace

std::string record_of(const SimOptions& options, const Result<SimResult>& result) {
    if (!result.ok()) return "passed 0\nviolation bad options: " + result.error().message() + "\n";
    return record_of_result(options, *result);
}

namespace {

void parse_record(const std::string& text, ChildOutcome& outcome) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        const std::size_t space = line.find(' ');
        const std::string key = line.substr(0, space);
        const std::string rest = space == std::string::npos ? "" : line.substr(space + 1);
        std::istringstream fields(rest);
        std::string name;
        std::uint64_t count = 0;
        if (key == "passed") outcome.passed = rest == "1";
        else if (key == "violation") outcome.violation = multi_line(rest);
        else if (key == "summary") outcome.summary = multi_line(rest);
        else if (key == "hash") outcome.trace_hash = std::stoull(rest);
        else if (key == "simulated") outcome.simulated_ns = std::stoll(rest);
        else if (key == "events") outcome.events = std::stoull(rest);
        else if (key == "operations") outcome.operations = std::stoull(rest);
        else if (key == "fault" && (fields >> name >> count)) outcome.faults[name] = count;
        else if (key == "stale" && (fields >> name >> count)) outcome.stale_reads[name] = count;
        else if (key == "checked" && (fields >> name >> count)) outcome.checked_reads[name] = count;
    }
}

}  // namespace

ChildOutcome outcome_of(const std::string& record, int status, const std::string& errors) {
    ChildOutcome outcome;
    parse_record(record, outcome);
    if (!WIFEXITED(status) || record.empty()) {
        outcome.passed = false;
        const std::size_t at = errors.find("assertion failed");
        std::string message = at == std::string::npos ? errors : errors.substr(at);
        while (!message.empty() && message.back() == '\n') message.pop_back();
        outcome.violation = "engine assertion: " +
                            (message.empty() ? "the run died with status " + std::to_string(status) : message);
    }
    return outcome;
}

namespace {

[[noreturn]] void child_main(SimOptions options, const ChildFiles& files, int record_fd, int error_fd) {
    dup2(error_fd, STDERR_FILENO);
    std::ofstream trace;
    if (!files.trace.empty()) {
        trace.open(files.trace);
        options.trace = [&trace](const std::string& line) { trace << line << '\n'; };
    }
    if (!files.history.empty()) {
        options.checked_history = [&files](const check::History& history) {
            std::ofstream(files.history) << check::history_to_jsonl(history);
        };
    }
    const std::string record = record_of(options, run_simulation(options));
    trace.close();
    for (std::size_t written = 0; written < record.size();) {
        const ssize_t n = write(record_fd, record.data() + written, record.size() - written);
        if (n <= 0) break;
        written += static_cast<std::size_t>(n);
    }
    std::fflush(nullptr);
    _exit(0);
}

}  // namespace

std::string property_of(const std::string& violation) { return violation.substr(0, violation.find(':')); }

ChildOutcome run_in_child(const SimOptions& options, const ChildFiles& files) {
    int record_pipe[2];
    int error_pipe[2];
    if (pipe(record_pipe) != 0 || pipe(error_pipe) != 0) {
        std::perror("pipe");
        std::exit(2);
    }
    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid < 0) {
        std::perror("fork");
        std::exit(2);
    }
    if (pid == 0) {
        close(record_pipe[0]);
        close(error_pipe[0]);
        child_main(options, files, record_pipe[1], error_pipe[1]);
    }
    close(record_pipe[1]);
    close(error_pipe[1]);
    std::string record;
    std::string errors;
    pollfd fds[2] = {{record_pipe[0], POLLIN, 0}, {error_pipe[0], POLLIN, 0}};
    int open_fds = 2;
    char buffer[65536];
    while (open_fds > 0) {
        if (poll(fds, 2, -1) < 0) continue;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP)) == 0) continue;
            const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
            if (n <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
                continue;
            }
            (i == 0 ? record : errors).append(buffer, static_cast<std::size_t>(n));
        }
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return outcome_of(record, status, errors);
}

}  // namespace rq::sim::cli
