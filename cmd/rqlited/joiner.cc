#include "cmd/rqlited/joiner.h"

#include <spdlog/spdlog.h>
#include <simdjson.h>

#include <boost/asio/post.hpp>

#include "cmd/rqlite/http_client.h"
#include "cmd/rqlite/url.h"
#include "cmd/rqlited/flags.h"

namespace rq::cmd {
namespace {

// An older rqlite's join address is the leader's HTTP URL; its /status names the Raft address.
Result<std::string> raft_address_from_status(const std::string& url, env::Duration timeout) {
    auto parsed = shell::parse_url(url);
    if (!parsed.ok()) return parsed.error().with_context("join address " + url);
    shell::ConnectionOptions options;
    options.http_timeout = timeout;
    auto client = shell::HttpClient::create(options);
    if (!client.ok()) return client.error();
    shell::Url status_url = *parsed;
    status_url.target = "/status";
    auto response = (*client)->send_direct(status_url, shell::HttpRequest{"GET", "/status", "", ""});
    if (!response.ok()) return response.error().with_context("GET " + url + "/status");
    if (response->status != 200) {
        return Error(ErrorCode::closed, "GET " + url + "/status answered " + response->status_line());
    }
    simdjson::dom::parser parser;
    std::string_view address;
    if (parser.parse(response->body)["store"]["addr"].get(address) != simdjson::SUCCESS || address.empty()) {
        return Error(ErrorCode::corrupt, url + " is not an rqlite node: its /status names no store address");
    }
    return std::string(address);
}

}  // namespace

Joiner::Joiner(boost::asio::io_context& io, io::PeerNetwork& network, http::Scheduler& scheduler, JoinPlan plan,
               std::function<void(Status)> done)
    : io_(io), network_(network), scheduler_(scheduler), plan_(std::move(plan)), done_(std::move(done)) {}

Joiner::~Joiner() {
    if (resolver_.joinable()) resolver_.join();
}

void Joiner::start() { start_round(); }

void Joiner::start_round() {
    ++round_;
    spdlog::info("joining the cluster through {} (attempt {} of {})", fmt::join(plan_.addresses, ", "), round_,
                 plan_.attempts);
    if (resolver_.joinable()) resolver_.join();
    // Resolving an HTTP URL blocks (the shell's client); Raft addresses pass through unchanged.
    std::weak_ptr<bool> alive = alive_;
    resolver_ = std::thread([this, alive, addresses = plan_.addresses, timeout = plan_.call_timeout] {
        std::vector<Result<std::string>> resolved_addresses;
        for (const std::string& address : addresses) {
            resolved_addresses.push_back(is_http_url(address) ? raft_address_from_status(address, timeout)
                                                              : Result<std::string>(address));
        }
        boost::asio::post(io_, [this, alive, resolved_addresses = std::move(resolved_addresses)]() mutable {
            if (!alive.expired()) resolved(std::move(resolved_addresses));
        });
    });
}

void Joiner::resolved(std::vector<Result<std::string>> raft_addresses) {
    targets_ = std::move(raft_addresses);
    next_ = 0;
    try_next();
}

void Joiner::try_next() {
    while (next_ < targets_.size() && !targets_[next_].ok()) {
        last_error_ = targets_[next_].error().message();
        spdlog::warn("cannot join through {}: {}", plan_.addresses[next_], last_error_);
        ++next_;
    }
    if (next_ >= targets_.size()) return round_failed();
    const std::string address = *targets_[next_++];
    ask(address, 0);
}

void Joiner::ask(const std::string& raft_address, int hops) {
    if (raft_address == plan_.self.raft_address) {
        last_error_ = "the join address " + raft_address + " is this node's own Raft address";
        spdlog::warn("{}", last_error_);
        return try_next();
    }
    std::weak_ptr<bool> alive = alive_;
    network_.call(raft_address, io::JoinRequest{plan_.self, plan_.voter}, plan_.call_timeout,
                  [this, alive, raft_address, hops](Result<io::ClusterResponse> answer) {
                      if (alive.expired()) return;
                      if (answer.ok() && answer->error.empty()) {
                          spdlog::info("joined the cluster through {}", raft_address);
                          return done_(ok_status());
                      }
                      if (answer.ok() && !answer->leader_raft_address.empty() && hops < 3) {
                          spdlog::info("{} is not the leader; asking the leader at {}", raft_address,
                                       answer->leader_raft_address);
                          return ask(answer->leader_raft_address, hops + 1);
                      }
                      last_error_ = answer.ok() ? answer->error : answer.error().message();
                      spdlog::warn("join through {} failed: {}", raft_address, last_error_);
                      try_next();
                  });
}

void Joiner::round_failed() {
    if (round_ >= plan_.attempts) {
        return done_(Error(ErrorCode::closed, "failed to join cluster at " + fmt::format("{}", fmt::join(plan_.addresses, ",")) +
                                                       " after " + std::to_string(plan_.attempts) +
                                                       " attempt(s): " + last_error_));
    }
    std::weak_ptr<bool> alive = alive_;
    scheduler_.after(plan_.interval, [this, alive] {
        if (!alive.expired()) start_round();
    });
}

Announcer::Announcer(io::PeerNetwork& network, http::Scheduler& scheduler, JoinPlan plan, std::size_t expect,
                     env::Duration timeout, std::function<std::size_t()> known,
                     std::function<void(const node::NodeMeta&)> learned, std::function<void(Status)> done)
    : network_(network),
      scheduler_(scheduler),
      plan_(std::move(plan)),
      expect_(expect),
      remaining_(timeout),
      known_(std::move(known)),
      learned_(std::move(learned)),
      done_(std::move(done)) {}

void Announcer::start() {
    spdlog::info("waiting for {} nodes to bootstrap a cluster, announcing to {}", expect_,
                 fmt::join(plan_.addresses, ", "));
    announce();
}

// Every address hears from this node once per interval; whether enough nodes are known is checked
// at each round (announcements arrive through the cluster service).
void Announcer::announce() {
    if (finished_) return;
    if (known_() >= expect_) {
        finished_ = true;
        return done_(ok_status());
    }
    if (remaining_ <= env::Duration(0)) {
        finished_ = true;
        return done_(Error(ErrorCode::closed, "bootstrap-expect: only " + std::to_string(known_()) + " of " +
                                                       std::to_string(expect_) + " nodes announced themselves in time"));
    }
    for (const std::string& address : plan_.addresses) {
        if (is_http_url(address) || address == plan_.self.raft_address) continue;
        std::weak_ptr<bool> alive = alive_;
        network_.call(address, io::NotifyRequest{plan_.self}, plan_.call_timeout,
                      [this, alive](Result<io::ClusterResponse> answer) {
                          if (!alive.expired() && answer.ok() && answer->error.empty()) learned_(answer->meta);
                      });
    }
    const env::Duration step = std::chrono::milliseconds(200);
    remaining_ -= step;
    std::weak_ptr<bool> alive = alive_;
    scheduler_.after(step, [this, alive] {
        if (!alive.expired()) announce();
    });
}

}  // namespace rq::cmd
