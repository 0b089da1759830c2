#pragma once
// Starts a real rqlited (build/bin/rqlited) on free loopback ports with its own data directory, for
// integration tests: start, wait until it serves, stop with SIGTERM or kill with SIGKILL, restart on
// the same directory. Its stderr goes to <data directory>/rqlited.log (a foreign file rqlited must tolerate), printed
// when a test fails.

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/integration/http_client.h"

namespace rq::testing {

// A fresh directory under $TMPDIR (or /tmp), removed by the destructor.
class TempDirectory {
public:
    TempDirectory();
    ~TempDirectory();
    TempDirectory(const TempDirectory&) = delete;
    TempDirectory& operator=(const TempDirectory&) = delete;
    [[nodiscard]] const std::string& path() const { return path_; }

private:
    std::string path_;
};

// A loopback TCP port nothing listens on right now.
unsigned short free_port();

class RqlitedProcess {
public:
    // `data_directory` must outlive the process object; extra flags go before the directory.
    explicit RqlitedProcess(std::string data_directory, std::vector<std::string> extra_flags = {});
    ~RqlitedProcess();  // SIGKILL if still running
    RqlitedProcess(const RqlitedProcess&) = delete;
    RqlitedProcess& operator=(const RqlitedProcess&) = delete;

    // Starts it and waits until `probe` answers 200 (/readyz: a leader is known; /status: HTTP is up,
    // the store may still be opening), or fails the test.
    void start(std::chrono::seconds patience = std::chrono::seconds(30), const std::string& probe = "/readyz");
    // SIGTERM and wait for the exit status (returned; -1 if it had to be killed).
    int terminate(std::chrono::seconds patience = std::chrono::seconds(30));
    // SIGKILL: a crash at an arbitrary moment.
    void kill_hard();
    [[nodiscard]] bool running() const { return pid_ > 0; }

    [[nodiscard]] unsigned short http_port() const { return http_port_; }
    [[nodiscard]] std::string http_address() const { return "127.0.0.1:" + std::to_string(http_port_); }
    [[nodiscard]] std::string raft_address() const { return "127.0.0.1:" + std::to_string(raft_port_); }
    // The flags of the next start() (a restart without -join, say); ports and directory stay.
    void set_extra_flags(std::vector<std::string> flags) { extra_flags_ = std::move(flags); }
    [[nodiscard]] std::string log() const;  // what it wrote on stderr so far
    HttpClient& client() { return client_; }

private:
    std::string data_directory_;
    std::vector<std::string> extra_flags_;
    unsigned short http_port_;
    unsigned short raft_port_;
    pid_t pid_ = -1;
    HttpClient client_;
};

// The path of the rqlited binary under test (from the build).
std::string rqlited_binary();

struct ProcessRun {
    int status = -1;     // exit status; -1 when killed by a signal
    std::string output;  // stdout and stderr together
};

// Runs `rqlited <arguments>` (a shell word list) to its end.
ProcessRun run_rqlited(const std::string& arguments);

}  // namespace rq::testing
