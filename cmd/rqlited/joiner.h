#pragma once
// How a new rqlited finds its cluster (API.md section 10).
//
// Joiner: -join names other nodes, by Raft address ("host:4002", current rqlite) or by HTTP URL
// ("http://host:4001", older rqlite; the node's /status names its Raft address). Each round tries
// them in turn; a node that is not the leader answers with the leader's address and the join is
// retried there. -join-attempts rounds, -join-interval apart; then start-up fails.
//
// Announcer: -bootstrap-expect N. The node announces itself to every -join address until it knows
// N nodes (itself included, learnt from announcements it receives), or -bootstrap-expect-timeout.
//
// Both run on the event loop; only resolving an HTTP URL blocks, on a helper thread.

// Boost 1.74's asio needs <utility> before it under C++20.
#include <utility>

#include <boost/asio/io_context.hpp>

#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "base/result.h"
#include "http/scheduler.h"
#include "io/peer_network.h"
#include "node/meta.h"

namespace rq::cmd {

struct JoinPlan {
    node::NodeMeta self;
    std::vector<std::string> addresses;  // as given to -join
    bool voter = true;
    std::int64_t attempts = 5;
    env::Duration interval = std::chrono::seconds(3);
    env::Duration call_timeout = std::chrono::seconds(5);
};

class Joiner {
public:
    // `done` runs once on the loop: ok once a leader added this node, or why joining failed.
    Joiner(boost::asio::io_context& io, io::PeerNetwork& network, http::Scheduler& scheduler, JoinPlan plan,
           std::function<void(Status)> done);
    ~Joiner();
    Joiner(const Joiner&) = delete;
    Joiner& operator=(const Joiner&) = delete;

    void start();

private:
    void start_round();
    void resolved(std::vector<Result<std::string>> raft_addresses);
    void try_next();
    void ask(const std::string& raft_address, int hops);
    void round_failed();

    boost::asio::io_context& io_;
    io::PeerNetwork& network_;
    http::Scheduler& scheduler_;
    JoinPlan plan_;
    std::function<void(Status)> done_;
    std::int64_t round_ = 0;
    std::vector<Result<std::string>> targets_;
    std::size_t next_ = 0;
    std::string last_error_;
    std::thread resolver_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

class Announcer {
public:
    // `known` returns how many nodes this node has heard of (itself included); `done` runs once:
    // ok when N are known, or an error at the timeout.
    // `learned` records a node that answered an announcement.
    Announcer(io::PeerNetwork& network, http::Scheduler& scheduler, JoinPlan plan, std::size_t expect,
              env::Duration timeout, std::function<std::size_t()> known,
              std::function<void(const node::NodeMeta&)> learned, std::function<void(Status)> done);
    void start();

private:
    void announce();

    io::PeerNetwork& network_;
    http::Scheduler& scheduler_;
    JoinPlan plan_;
    std::size_t expect_;
    env::Duration remaining_;
    std::function<std::size_t()> known_;
    std::function<void(const node::NodeMeta&)> learned_;
    std::function<void(Status)> done_;
    bool finished_ = false;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace rq::cmd
