#include "cmd/rqlited/app.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include <csignal>
#include <filesystem>
#include <random>

#include "http/go_text.h"

namespace rq::cmd {
namespace {

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
    if (flags_.join.empty()) options.bootstrap = {options.self};
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
    // Refusing beats ignoring: a node started with credentials or certificates must not serve
    // without them.
    if (!flags_.auth.empty() || !flags_.http_cert.empty() || !flags_.node_cert.empty()) {
        fatal("authentication (-auth) and TLS (-http-cert, -node-cert) are not supported by this build yet");
        return exit_code_;
    }
    if (flags_.raft_non_voter && flags_.join.empty()) {
        fatal("cannot create a new non-voting node without joining");
        return exit_code_;
    }
    if (auto made = disk_.make_directory(data_directory_); !made.ok()) {
        fatal("failed to create data directory: " + made.error().message());
        return exit_code_;
    }
    if (auto started = start_network(); !started.ok()) {
        fatal(started.error().message());
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

// The Raft port listens first: peers and joiners reach it before the store is open (their Raft
// messages are dropped until then, as a lossy network would).
Status App::start_network() {
    io::PeerNetworkOptions options;
    options.node_id = self().id;
    options.listen_address = flags_.raft_addr;
    options.advertised_address = self().raft_address;
    options.dial_timeout = std::min<env::Duration>(flags_.cluster_connect_timeout, std::chrono::seconds(5));
    network_ = std::make_unique<io::PeerNetwork>(io_, options);
    if (auto listening = network_->listen(); !listening.ok()) {
        return listening.error().with_context("failed to listen on Raft address " + flags_.raft_addr);
    }
    cluster_ = std::make_unique<ClusterService>(*network_, self(), rqlited_version());
    network_->on_raft_message([this](raft::Message message) {
        if (driver_ && !raft_gated_) driver_->receive(message);
    });
    network_->on_cluster_request([this](const io::PeerIdentity& from, io::ClusterRequest request,
                                        io::ClusterResponder respond) {
        cluster_->handle(from, std::move(request), std::move(respond));
    });
    spdlog::info("Raft and cluster service listening on {}", flags_.raft_addr);
    return ok_status();
}

void App::probe_member(const node::NodeMeta& member, env::Duration timeout, http::ProbeCallback done) {
    const env::Duration started = clock_.monotonic_now();
    network_->call(member.raft_address, io::MetadataRequest{}, timeout,
                   [this, started, done = std::move(done)](Result<io::ClusterResponse> answer) {
                       if (!answer.ok()) return done(answer.error());
                       http::ProbeAnswer probe;
                       if (!answer->meta.http_address.empty()) probe.api_url = "http://" + answer->meta.http_address;
                       probe.version = answer->version;
                       probe.time = clock_.monotonic_now() - started;
                       done(std::move(probe));
                   });
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
    backend_options.version = rqlited_version();
    backend_options.probe = [this](const node::NodeMeta& member, env::Duration timeout, http::ProbeCallback done) {
        probe_member(member, timeout, std::move(done));
    };
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
    service_->set_forwarder(cluster_.get());
    cluster_->set_service(service_.get());

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
        auto driver = node::Driver::open(std::move(options), node::Environment{clock_, disk_, *network_, syncer_});
        boost::asio::post(io_, [this, driver = std::move(driver)]() mutable { on_store_opened(std::move(driver)); });
    });
}

void App::on_store_opened(Result<std::unique_ptr<node::Driver>> driver) {
    if (opener_.joinable()) opener_.join();
    if (!driver.ok()) return fatal("failed to open store: " + driver.error().message());
    driver_ = std::move(driver).value();
    if (shutting_down_) return finish_shutdown();
    backend_->attach(*driver_);
    cluster_->attach(driver_.get());
    ticker_ = std::make_unique<io::PeriodicTimer>(io_, tick_interval_, [this] {
        driver_->tick();
        cluster_->sync_peer_addresses();
    });
    ticker_->start();
    const raft::NodeStatus status = driver_->raft_status();
    spdlog::info("store open: applied index {}, last log index {}, {} voter(s) and {} non-voter(s) in the configuration",
                 driver_->applied_index().value(), status.last_index.value(), status.config.voters.size(),
                 status.config.learners.size());
    form_cluster();
}

void App::form_cluster() {
    const raft::NodeStatus status = driver_->raft_status();
    // A brand-new node, or one whose log says it was removed: either may (re)join.
    const bool member_of_nothing = !status.config.contains(status.id);
    const bool single_voter = status.config.voters.size() == 1 && status.config.is_voter(status.id);
    if (!flags_.join.empty() && !member_of_nothing) {
        if (single_voter && status.config.learners.empty()) {
            return fatal("this node already leads a single-node cluster (its state is in " + data_directory_ +
                         ") and cannot join another; start it without -join, or with an empty data directory");
        }
        spdlog::info("this node has Raft state of a cluster of {} voter(s) and {} non-voter(s): -join ignored",
                     status.config.voters.size(), status.config.learners.size());
        return;
    }
    if (!flags_.join.empty()) {
        JoinPlan plan;
        plan.self = self();
        plan.addresses = flags_.join_addresses();
        plan.voter = !flags_.raft_non_voter;
        plan.attempts = std::max<std::int64_t>(flags_.join_attempts, 1);
        plan.interval = flags_.join_interval;
        if (flags_.bootstrap_expect > 0) {
            raft_gated_ = true;
            announcer_ = std::make_unique<Announcer>(
                *network_, scheduler_, plan, static_cast<std::size_t>(flags_.bootstrap_expect),
                flags_.bootstrap_expect_timeout, [this] { return cluster_->announced().size(); },
                [this](const node::NodeMeta& meta) { cluster_->learn_announced(meta); },
                [this](Status formed) {
                    if (!formed.ok()) return fatal(formed.error().message());
                    bootstrap_announced_cluster();
                });
            return announcer_->start();
        }
        joiner_ = std::make_unique<Joiner>(io_, *network_, scheduler_, plan, [this](Status joined) {
            if (!joined.ok()) fatal(joined.error().message());
        });
        return joiner_->start();
    }
    // The only voter need not wait an election timeout to lead.
    if (single_voter) driver_->campaign();
}

// Every node that announced itself (this one included) founds the cluster as a voter. Each founder
// writes the same founding entry, so they agree without talking first.
void App::bootstrap_announced_cluster() {
    std::vector<node::NodeMeta> founders;
    for (const auto& [id, meta] : cluster_->announced()) founders.push_back(meta);
    spdlog::info("bootstrapping a cluster of {} voters", founders.size());
    ticker_->stop();
    backend_->detach();
    cluster_->attach(nullptr);
    std::unique_ptr<node::Driver> unformed = std::move(driver_);
    if (auto closed = unformed->close(); !closed.ok()) return fatal("closing the store failed: " + closed.error().message());
    unformed.reset();
    node::DriverOptions options = driver_options();
    options.bootstrap = std::move(founders);
    raft_gated_ = false;
    on_store_opened(node::Driver::open(std::move(options), node::Environment{clock_, disk_, *network_, syncer_}));
}

void App::begin_shutdown() {
    if (shutting_down_) return;
    shutting_down_ = true;
    signals_.cancel();
    // Requests in flight finish (or fail) first; then the engine closes.
    leave_cluster_then([this] { server_->stop([this] { finish_shutdown(); }); });
    // A client that never reads its response must not hold the node up for ever.
    scheduler_.after(std::chrono::seconds(10), [this] { finish_shutdown(); });
}

void App::leave_cluster_then(std::function<void()> next) {
    if (!driver_ || driver_->members().size() < 2) return next();
    const std::string self_id = self().id;
    if (flags_.raft_cluster_remove_shutdown) {
        spdlog::info("removing this node from the cluster before shutting down");
        auto removed = [next](const std::string& outcome) {
            if (!outcome.empty()) spdlog::warn("removing this node failed: {}", outcome);
            next();
        };
        if (driver_->is_leader()) {
            driver_->remove_member(self_id, [removed](node::Reply reply) { removed(reply.ok() ? "" : reply.message); });
            return;
        }
        const auto leader = driver_->leader();
        if (!leader) return removed("no leader known");
        network_->call(leader->raft_address, io::RemoveRequest{self_id}, std::chrono::seconds(5),
                       [removed](Result<io::ClusterResponse> answer) {
                           removed(!answer.ok() ? answer.error().message() : answer->error);
                       });
        return;
    }
    if (!flags_.raft_shutdown_stepdown || !driver_->is_leader()) return next();
    spdlog::info("handing leadership to another voter before shutting down");
    // POST /leader's step-down: any other voter, waiting until it leads, at most two election
    // timeouts and a bit.
    http::Forwarding wait;
    wait.timeout = flags_.raft_election_timeout * 2 + std::chrono::milliseconds(500);
    backend_->step_down("", true, wait, [next](http::Outcome<http::Done> outcome) {
        if (const auto* error = std::get_if<http::EngineError>(&outcome)) {
            spdlog::warn("leadership transfer before shutdown: {}", error->message);
        }
        next();
    });
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
    network_->stop();
    io_.stop();
}

void App::fatal(const std::string& message) {
    std::fprintf(stderr, "fatal: %s\n", message.c_str());
    exit_code_ = 1;
    if (network_) network_->stop();
    io_.stop();
}

}  // namespace rq::cmd
