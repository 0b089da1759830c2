#pragma once
// Simulated SQL clients. Each is one history process with one request in flight: it sends to a
// random member, follows a not-leader answer that names the leader (as a redirecting HTTP client
// does, up to three hops), gives up after a timeout (outcome unknown), thinks a little and sends
// the next. Every second client instead keeps talking to the node it believes leads (the last one
// that served it, or that a redirect named) until that node fails it, as a client library that
// caches the leader does; so a deposed leader that does not know it yet still hears from clients. Requests and replies cross the client network with its latency; a request that reaches
// a paused process waits for it, and one whose process dies is never answered.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/random.h"
#include "sim/cluster.h"
#include "sim/recorder.h"
#include "sim/workload.h"
#include "sim/world.h"

namespace rq::sim {

struct ClientOptions {
    std::size_t count = 4;
    // Clients 1, 3, 5, ... follow the leader they believe in; the others pick a member at random.
    bool some_follow_leader = true;
    Duration timeout = std::chrono::seconds(5);
    Duration think_max = std::chrono::milliseconds(40);
};

class Clients {
public:
    using Trace = std::function<void(const std::string&)>;
    Clients(World& world, Cluster& cluster, Workload& workload, Recorder& recorder, Random random,
            ClientOptions options, Trace trace);

    // Clients send requests until `stop_at`; the last ones complete (or time out) after it.
    void start(Duration stop_at);
    [[nodiscard]] bool idle() const;

private:
    struct Client {
        check::ProcessId process = 0;
        std::uint64_t serial = 0;  // numbers requests; replies for an older one are ignored
        bool busy = false;
        bool follows_leader = false;
        std::optional<std::size_t> leader;  // the node it believes leads (followers of the leader only)
        Request request;
    };

    void issue(std::size_t client);
    void send(std::size_t client, std::uint64_t serial, std::size_t node, int hops);
    void arrive(std::size_t client, std::uint64_t serial, std::size_t node, int hops);
    void on_reply(std::size_t client, std::uint64_t serial, std::size_t node, int hops, const node::Reply& reply);
    std::size_t choose_node(Client& client);
    void finish(std::size_t client, check::Outcome outcome, check::Value output, const std::string& note);
    [[nodiscard]] std::int64_t now_us() const;

    World& world_;
    Cluster& cluster_;
    Workload& workload_;
    Recorder& recorder_;
    Random random_;
    ClientOptions options_;
    Trace trace_;
    Duration stop_at_{0};
    std::vector<Client> clients_;
};

}  // namespace rq::sim
