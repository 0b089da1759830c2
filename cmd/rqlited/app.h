#pragma once
// rqlited's process: one asio event loop runs the HTTP server and the node's engine (node::Driver);
// fsync runs on a helper thread (io::ThreadSyncer). The order of start-up follows API.md 1.5: the
// HTTP server listens before the store opens, so /status answers while the log replays; the driver
// opens on a separate thread and is handed to the loop when ready.

// Boost 1.74's asio needs <utility> before it under C++20.
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "cmd/rqlited/cluster_service.h"
#include "cmd/rqlited/flags.h"
#include "cmd/rqlited/joiner.h"
#include "http/engine_backend.h"
#include "http/server.h"
#include "http/service.h"
#include "io/peer_network.h"
#include "io/periodic_timer.h"
#include "io/posix_disk.h"
#include "io/system_clock.h"
#include "io/thread_syncer.h"
#include "node/driver.h"

namespace rq::cmd {

class App {
public:
    App(Flags flags, std::vector<std::string> command_line);
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    // Runs until SIGINT/SIGTERM has shut the node down (0) or start-up failed (1, after logging
    // `fatal: ...` on stderr).
    int run();

private:
    Status start_network();
    Status start_http();
    void open_store_in_background();
    void on_store_opened(Result<std::unique_ptr<node::Driver>> driver);
    // After the store opened: join, wait for -bootstrap-expect peers, or lead a single-node cluster.
    void form_cluster();
    void bootstrap_announced_cluster();
    void probe_member(const node::NodeMeta& member, env::Duration timeout, http::ProbeCallback done);
    void begin_shutdown();
    // -raft-cluster-remove-shutdown and -raft-shutdown-stepdown, then `next`.
    void leave_cluster_then(std::function<void()> next);
    void finish_shutdown();
    void fatal(const std::string& message);

    [[nodiscard]] node::NodeMeta self() const;
    [[nodiscard]] node::DriverOptions driver_options() const;

    Flags flags_;
    std::vector<std::string> command_line_;
    std::string data_directory_;  // absolute

    boost::asio::io_context io_;
    io::SystemClock clock_;
    io::PosixDisk disk_;
    io::ThreadSyncer syncer_;
    http::AsioScheduler scheduler_;
    std::unique_ptr<io::PeerNetwork> network_;
    std::unique_ptr<ClusterService> cluster_;
    std::unique_ptr<Joiner> joiner_;
    std::unique_ptr<Announcer> announcer_;
    // While a -bootstrap-expect node waits for its peers, Raft traffic is not for it yet.
    bool raft_gated_ = false;
    std::unique_ptr<http::EngineBackend> backend_;
    std::unique_ptr<http::Service> service_;
    std::shared_ptr<http::Server> server_;
    std::unique_ptr<node::Driver> driver_;
    std::unique_ptr<io::PeriodicTimer> ticker_;
    env::Duration tick_interval_{0};
    boost::asio::signal_set signals_;
    std::thread opener_;
    bool shutting_down_ = false;
    int exit_code_ = 0;
};

}  // namespace rq::cmd
