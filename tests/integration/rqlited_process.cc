#include "tests/integration/rqlited_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace rq::testing {

std::string rqlited_binary() { return RQ_RQLITED_BINARY; }

TempDirectory::TempDirectory() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/rqlited-test-XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (::mkdtemp(buffer.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = buffer.data();
}

TempDirectory::~TempDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

unsigned short free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

RqlitedProcess::RqlitedProcess(std::string data_directory, std::vector<std::string> extra_flags)
    : data_directory_(std::move(data_directory)),
      extra_flags_(std::move(extra_flags)),
      http_port_(free_port()),
      raft_port_(free_port()),
      client_("127.0.0.1", http_port_) {}

RqlitedProcess::~RqlitedProcess() {
    if (pid_ > 0) kill_hard();
}

std::string RqlitedProcess::log() const {
    std::ifstream in(data_directory_ + "/rqlited.log");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void RqlitedProcess::start(std::chrono::seconds patience, const std::string& probe_path) {
    ASSERT_LE(pid_, 0) << "already running";
    std::vector<std::string> args{rqlited_binary(), "-http-addr", http_address(), "-raft-addr",
                                  "127.0.0.1:" + std::to_string(raft_port_)};
    args.insert(args.end(), extra_flags_.begin(), extra_flags_.end());
    // The log lives in the data directory, as operators often put it: rqlited must tolerate it.
    args.push_back(data_directory_);
    const std::string log_path = data_directory_ + "/rqlited.log";
    pid_ = ::fork();
    ASSERT_GE(pid_, 0) << "fork failed";
    if (pid_ == 0) {
        const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (log_fd >= 0) {
            ::dup2(log_fd, STDERR_FILENO);
            ::dup2(log_fd, STDOUT_FILENO);
        }
        std::vector<char*> argv;
        for (std::string& arg : args) argv.push_back(arg.data());
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + patience;
    HttpClient probe("127.0.0.1", http_port_, std::chrono::seconds(2));
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            FAIL() << "rqlited exited during start-up; its log:\n" << log();
        }
        if (probe.get(probe_path).status == 200) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    FAIL() << "rqlited did not become ready within " << patience.count() << "s; its log:\n" << log();
}

int RqlitedProcess::terminate(std::chrono::seconds patience) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + patience;
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill_hard();
    return -1;
}

void RqlitedProcess::kill_hard() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
}

ProcessRun run_rqlited(const std::string& arguments) {
    ProcessRun run;
    FILE* pipe = ::popen((rqlited_binary() + " " + arguments + " 2>&1").c_str(), "r");
    if (pipe == nullptr) return run;
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) run.output.append(buffer, n);
    const int status = ::pclose(pipe);
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

}  // namespace rq::testing
