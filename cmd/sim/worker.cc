#include "cmd/sim/worker.h"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace rq::sim::cli {

namespace {

// A record travels as "<length>\n<bytes>", so the parent knows when one is whole.
std::string framed(const std::string& record) { return std::to_string(record.size()) + "\n" + record; }

// The record in `buffer` once it is whole; the buffer keeps what follows.
bool take_frame(std::string& buffer, std::string& record) {
    const std::size_t newline = buffer.find('\n');
    if (newline == std::string::npos) return false;
    const std::size_t length = std::stoull(buffer.substr(0, newline));
    if (buffer.size() - newline - 1 < length) return false;
    record = buffer.substr(newline + 1, length);
    buffer.erase(0, newline + 1 + length);
    return true;
}

bool write_all(int fd, const void* data, std::size_t size) {
    const auto* bytes = static_cast<const char*>(data);
    for (std::size_t written = 0; written < size;) {
        const ssize_t n = write(fd, bytes + written, size - written);
        if (n <= 0) return false;
        written += static_cast<std::size_t>(n);
    }
    return true;
}

bool read_all(int fd, void* data, std::size_t size) {
    auto* bytes = static_cast<char*>(data);
    for (std::size_t got = 0; got < size;) {
        const ssize_t n = read(fd, bytes + got, size - got);
        if (n <= 0) return false;
        got += static_cast<std::size_t>(n);
    }
    return true;
}

// The worker: a seed in, a framed record out, until the parent closes the request pipe.
[[noreturn]] void worker_main(const SimOptions& shared, int request_fd, int record_fd, int error_fd) {
    dup2(error_fd, STDERR_FILENO);
    std::uint64_t seed = 0;
    while (read_all(request_fd, &seed, sizeof seed)) {
        SimOptions options = shared;
        options.seed = seed;
        const std::string frame = framed(record_of(options, run_simulation(options)));
        std::fflush(nullptr);  // whatever the run said on stderr is in the pipe before its record
        if (!write_all(record_fd, frame.data(), frame.size())) break;
    }
    _exit(0);
}

void close_fd(int& fd) {
    if (fd >= 0) close(fd);
    fd = -1;
}

}  // namespace

SeedWorker::SeedWorker(SimOptions options) : options_(std::move(options)) {
    // A worker that died mid-seed must not take the sweep with it when we next write to it.
    std::signal(SIGPIPE, SIG_IGN);
}

SeedWorker::~SeedWorker() { stop(); }

void SeedWorker::start() {
    int request[2];
    int record[2];
    int error[2];
    if (pipe(request) != 0 || pipe(record) != 0 || pipe(error) != 0) {
        std::perror("pipe");
        std::exit(2);
    }
    std::fflush(nullptr);
    pid_ = fork();
    if (pid_ < 0) {
        std::perror("fork");
        std::exit(2);
    }
    if (pid_ == 0) {
        close(request[1]);
        close(record[0]);
        close(error[0]);
        worker_main(options_, request[0], record[1], error[1]);
    }
    close(request[0]);
    close(record[1]);
    close(error[1]);
    request_fd_ = request[1];
    record_fd_ = record[0];
    error_fd_ = error[0];
    record_.clear();
}

void SeedWorker::stop() {
    if (pid_ < 0) return;
    close_fd(request_fd_);  // the worker reads end of input and exits
    close_fd(record_fd_);
    close_fd(error_fd_);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
}

ChildOutcome SeedWorker::run(std::uint64_t seed) {
    if (pid_ < 0) start();
    errors_.clear();
    if (!write_all(request_fd_, &seed, sizeof seed)) {
        stop();  // it died between seeds: start afresh
        start();
        if (!write_all(request_fd_, &seed, sizeof seed)) {
            std::perror("sim worker");
            std::exit(2);
        }
    }
    return collect();
}

ChildOutcome SeedWorker::collect() {
    char buffer[65536];
    for (;;) {
        std::string record;
        if (take_frame(record_, record)) {
            drain_errors();
            return outcome_of(record, 0, errors_);
        }
        pollfd fds[2] = {{record_fd_, POLLIN, 0}, {error_fd_, POLLIN, 0}};
        if (poll(fds, error_fd_ >= 0 ? 2 : 1, -1) < 0) continue;
        if (error_fd_ >= 0 && (fds[1].revents & (POLLIN | POLLHUP)) != 0) {
            const ssize_t n = read(error_fd_, buffer, sizeof buffer);
            if (n > 0) errors_.append(buffer, static_cast<std::size_t>(n));
            else close_fd(error_fd_);
        }
        if ((fds[0].revents & (POLLIN | POLLHUP)) == 0) continue;
        const ssize_t n = read(record_fd_, buffer, sizeof buffer);
        if (n > 0) {
            record_.append(buffer, static_cast<std::size_t>(n));
            continue;
        }
        // The worker died before its record was whole: everything it said tells why.
        drain_errors();
        close_fd(request_fd_);
        close_fd(record_fd_);
        close_fd(error_fd_);
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = -1;
        return outcome_of("", status, errors_);
    }
}

// Reads what stderr holds now; on a dead worker, until its end.
void SeedWorker::drain_errors() {
    char buffer[65536];
    while (error_fd_ >= 0) {
        pollfd fd{error_fd_, POLLIN, 0};
        if (poll(&fd, 1, 0) <= 0 || (fd.revents & (POLLIN | POLLHUP)) == 0) return;
        const ssize_t n = read(error_fd_, buffer, sizeof buffer);
        if (n <= 0) {
            close_fd(error_fd_);
            return;
        }
        errors_.append(buffer, static_cast<std::size_t>(n));
    }
}

}  // namespace rq::sim::cli
