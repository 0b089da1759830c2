#include "cmd/rqlited/app.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include <csignal>
#include <filesystem>
#include <random>

#include "http/go_text.h"

namespace rq::cmd {
namespace {

// A single node has nobody to talk to: the Raft core addresses no peer while it is the only member.
// Joining a cluster needs the TCP transport (the cluster issue); until then a message to a peer is a
// bug worth seeing in the log, not a silent drop.
class NoPeersTransport final : public env::Transport {
public:
    void send(raft::Message message) override {
        spdlog::warn("no transport to peers yet: dropped a Raft message to node {}", message.to.value());
    }
};

std::string absolute_path(const std::string& path) {
    std::error_code error;
    const auto absolute = std::filesystem::absolute(path, error);
    return error ? path : absolute.lexically_normal().string();
}

std::string role_text(raft::Role role) {
    switch (role) {
        case raft::Role::leader: return "leader";
        case raft::Role::candidate: return "candidate";
        case raft::Role::pre_candidate: return "pre-candidate";
        case raft::Role::follower: break;
    }
    return "follower";
}

std::uint32_t ticks_in(env::Duration span, env::Duration tick) {
    const auto ticks = span / tick;
    return static_cast<std::uint32_t>(std::clamp<std::int64_t>(ticks, 2, 1'000'000));
}

}  // namespace

App::App(Flags flags, std::vector<std::string> command_line)
    : flags_(std::move(flags)),
      command_line_(std::move(command_line)),
      data_directory_(absolute_path(flags_.data_dir)),
      syncer_(io_),
      scheduler_(io_),
      transport_(std::make_unique<NoPeersTransport>()),
      signals_(io_, SIGINT, SIGTERM) {}

App::~App() {
    if (opener_.joinable()) opener_.join();
}

node::NodeMeta App::self() const {
    node::NodeMeta meta;
    meta.raft_address = flags_.raft_adv_addr.empty() ? flags_.raft_addr : flags_.raft_adv_addr;
    meta.http_address = flags_.http_adv_addr.empty() ? flags_.http_addr : flags_.http_adv_addr;
    meta.id = flags_.node_id.empty() ? meta.raft_address : flags_.node_id;
    return meta;
}

// rqlite's timing flags follow hashicorp/raft: a follower campaigns after hearing nothing for the
// heartbeat timeout, and the leader heartbeats well within it. Our core counts in ticks, so the tick
// is a tenth of the shorter timeout (at most 100 ms) and the election timeout the longer one.
node::DriverOptions App::driver_options() const {
    node::DriverOptions options;
    options.self = self();
    options.data_directory = data_directory_;
    options.store.location = store::DatabaseLocation::on_disk;
    options.store.path = data_directory_ + "/db.sqlite";
    options.store.foreign_keys = flags_.fk;
    const env::Duration shorter = std::min(flags_.raft_heartbeat_timeout, flags_.raft_election_timeout);
    const env::Duration longer = std::max(flags_.raft_heartbeat_timeout, flags_.raft_election_timeout);
    options.tick_interval = std::clamp<env::Duration>(shorter / 10, std::chrono::milliseconds(1), std::chrono::milliseconds(100));
    options.raft.election_timeout_ticks = ticks_in(longer, options.tick_interval);
    options.raft.heartbeat_interval_ticks = 1;
    options.raft.transfer_timeout_ticks = options.raft.election_timeout_ticks;
    options.request_timeout = flags_.raft_apply_timeout;
    options.snapshot_threshold_entries = flags_.raft_snap;
    // Entropy belongs to the real world: the engine gets it as seeds.
    std::random_device entropy;
    options.raft.seed = (std::uint64_t{entropy()} << 32) | entropy();
    options.seed = (std::uint64_t{entropy()} << 32) | entropy();
    // A node that has never been part of a cluster and is not joining one founds a single-node cluster.
    options.bootstrap = {options.self};
    options.on_state_change = [this](const raft::SoftState& state, raft::Term term) {
        std::string leader = "none";
        if (driver_ && driver_->leader()) leader = driver_->leader()->id;
        if (auto raft_log = spdlog::get("raft")) {
            raft_log->info("this node is now {} in term {}; leader: {}", role_text(state.role), term.value(), leader);
        }
    };
    return options;
}

int App::run() {
    if (!flags_.join.empty()) {
        fatal("joining a cluster (-join) is not supported by this build yet; start without -join for a single node");
        return exit_code_;
    }
    // Refusing beats ignoring: a node started with credentials or certificates must not serve
    // without them.
    if (!flags_.auth.empty() || !flags_.http_cert.empty() || !flags_.node_cert.empty()) {
        fatal("authentication (-auth) and TLS (-http-cert, -node-cert) are not supported by this build yet");
        return exit_code_;
    }
    if (flags_.raft_non_voter) {
        fatal("cannot create a new non-voting node without joining");
        return exit_code_;
    }
    if (auto made = disk_.make_directory(data_directory_); !made.ok()) {
        fatal("failed to create data directory: " + made.error().message());
        return exit_code_;
    }
    if (auto started = start_http(); !started.ok()) {
        fatal(started.error().message());
        return exit_code_;
    }
    signals_.async_wait([this](const boost::system::error_code& error, int signal) {
        if (error) return;
        spdlog::info("received signal {}, shutting down", signal);
        begin_shutdown();
    });
    open_store_in_background();
    io_.run();
    return exit_code_;
}

Status App::start_http() {
    http::EngineBackendOptions backend_options;
    backend_options.data_directory = data_directory_;
    backend_options.sqlite_path = data_directory_ + "/db.sqlite";
    backend_options.apply_timeout = flags_.raft_apply_timeout;
    backend_options.heartbeat_timeout = flags_.raft_heartbeat_timeout;
    backend_options.election_timeout = flags_.raft_election_timeout;
    backend_options.commit_timeout = flags_.raft_commit_timeout;
    backend_options.snapshot_threshold = flags_.raft_snap;
    backend_options.snapshot_interval = flags_.raft_snap_int;
    backend_options.node_id = self().id;
    backend_options.raft_address = self().raft_address;
    backend_ = std::make_unique<http::EngineBackend>(clock_, scheduler_, backend_options);

    http::ServiceOptions service_options;
    service_options.build.version = rqlited_version();
    service_options.build.commit = rqlited_commit();
    service_options.build.compiler_toolchain = "g++";
    service_options.allow_origin = flags_.http_allow_origin;
    service_options.advertised_http_address = self().http_address;
    service_options.bind_address = flags_.http_addr;
    service_options.command_line = command_line_;
    service_options.queue.capacity = static_cast<std::size_t>(flags_.write_queue_capacity);
    service_options.queue.batch_size = static_cast<std::size_t>(flags_.write_queue_batch_size);
    service_options.queue.timeout = flags_.write_queue_timeout;
    service_options.queue.transaction = flags_.write_queue_tx;
    service_options.rewrite_seed = std::random_device{}();
    service_ = std::make_unique<http::Service>(*backend_, clock_, scheduler_, service_options);

    http::ServerOptions server_options;
    server_options.address = flags_.http_addr;
    auto server = http::Server::start(io_, *service_, server_options);
    if (!server.ok()) return server.error().with_context("failed to start HTTP server on " + flags_.http_addr);
    server_ = std::move(server).value();
    spdlog::info("HTTP server listening on {}", server_->bound_address());
    return ok_status();
}

// Opening replays the log and may take a while; it runs on its own thread while the loop serves
// /status. The driver touches nothing shared with the loop until it is handed over.
void App::open_store_in_background() {
    spdlog::info("opening store in {}", data_directory_);
    node::DriverOptions options = driver_options();
    tick_interval_ = options.tick_interval;
    opener_ = std::thread([this, options = std::move(options)]() mutable {
        auto driver = node::Driver::open(std::move(options), node::Environment{clock_, disk_, *transport_, syncer_});
        boost::asio::post(io_, [this, driver = std::move(driver)]() mutable { on_store_opened(std::move(driver)); });
    });
}

void App::on_store_opened(Result<std::unique_ptr<node::Driver>> driver) {
    if (opener_.joinable()) opener_.join();
    if (!driver.ok()) return fatal("failed to open store: " + driver.error().message());
    driver_ = std::move(driver).value();
    if (shutting_down_) return finish_shutdown();
    backend_->attach(*driver_);
    ticker_ = std::make_unique<io::PeriodicTimer>(io_, tick_interval_, [this] { driver_->tick(); });
    ticker_->start();
    const raft::NodeStatus status = driver_->raft_status();
    spdlog::info("store open: applied index {}, last log index {}, {} voter(s) and {} non-voter(s) in the configuration",
                 driver_->applied_index().value(), status.last_index.value(), status.config.voters.size(),
                 status.config.learners.size());
    // The only voter need not wait an election timeout to lead.
    if (status.config.voters.size() == 1 && status.config.is_voter(status.id)) driver_->campaign();
}

void App::begin_shutdown() {
    if (shutting_down_) return;
    shutting_down_ = true;
    signals_.cancel();
    // Requests in flight finish (or fail) first; then the engine closes.
    server_->stop([this] { finish_shutdown(); });
    // A client that never reads its response must not hold the node up for ever.
    scheduler_.after(std::chrono::seconds(10), [this] { finish_shutdown(); });
}

void App::finish_shutdown() {
    if (!driver_) {
        if (opener_.joinable()) return;  // the store is still opening; on_store_opened comes back here
        io_.stop();
        return;
    }
    if (driver_->sync_in_flight()) {
        scheduler_.after(std::chrono::milliseconds(1), [this] { finish_shutdown(); });
        return;
    }
    if (ticker_) ticker_->stop();
    backend_->detach();
    std::unique_ptr<node::Driver> driver = std::move(driver_);
    driver->snapshot_now([](Result<bool> taken) {
        if (!taken.ok()) spdlog::warn("final snapshot failed: {}", taken.error().message());
    });
    if (auto closed = driver->close(); !closed.ok()) {
        spdlog::error("closing the store failed: {}", closed.error().message());
        exit_code_ = 1;
    } else {
        spdlog::info("store closed cleanly");
    }
    driver.reset();
    io_.stop();
}

void App::fatal(const std::string& message) {
    std::fprintf(stderr, "fatal: %s\n", message.c_str());
    exit_code_ = 1;
    io_.stop();
}

}  // namespace rq::cmd
