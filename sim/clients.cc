#include "sim/clients.h"

#include <chrono>

namespace rq::sim {

namespace {

using std::chrono::microseconds;

// Whether a failed reply means the request certainly had no effect (fail) or may have (unknown).
check::Outcome outcome_of(node::Failure failure) {
    switch (failure) {
        case node::Failure::not_leader:
        case node::Failure::no_leader:
        case node::Failure::stale:
        case node::Failure::rejected:
        case node::Failure::busy: return check::Outcome::fail;
        default: return check::Outcome::unknown;
    }
}

}  // namespace

Clients::Clients(World& world, Cluster& cluster, Workload& workload, Recorder& recorder, Random random,
                 ClientOptions options, Trace trace)
    : world_(world), cluster_(cluster), workload_(workload), recorder_(recorder), random_(random),
      options_(options), trace_(std::move(trace)) {
    for (std::size_t i = 0; i < options_.count; ++i) {
        Client client;
        client.process = static_cast<check::ProcessId>(i);
        client.follows_leader = options_.some_follow_leader && i % 2 == 1;
        clients_.push_back(client);
    }
}

std::int64_t Clients::now_us() const {
    return std::chrono::duration_cast<microseconds>(world_.now()).count();
}

void Clients::start(Duration stop_at) {
    stop_at_ = stop_at;
    for (std::size_t i = 0; i < clients_.size(); ++i) {
        world_.after(microseconds(random_.below(50'000)), event_tag(EventKind::client, i), [this, i] { issue(i); });
    }
}

bool Clients::idle() const {
    for (const Client& client : clients_) {
        if (client.busy) return false;
    }
    return true;
}

void Clients::issue(std::size_t index) {
    if (world_.now() >= stop_at_) return;
    Client& client = clients_[index];
    client.request = workload_.next(random_);
    std::optional<node::ReadLevel> level;
    if (!client.request.write) {
        level = static_cast<node::ReadLevel>(random_.below(4));
        client.request.level = *level;
    }
    client.busy = true;
    const std::uint64_t serial = ++client.serial;
    recorder_.invoke(client.process, now_us(), client.request.f, client.request.key, client.request.input, level);
    send(index, serial, choose_node(client), 0);
    world_.after(options_.timeout, event_tag(EventKind::client, index), [this, index, serial] {
        Client& c = clients_[index];
        if (c.busy && c.serial == serial) {
            c.leader.reset();  // no answer: look elsewhere next time
            finish(index, check::Outcome::unknown, {}, "client timeout");
        }
    });
}

std::size_t Clients::choose_node(Client& client) {
    if (client.follows_leader && client.leader) return *client.leader;
    const std::vector<std::size_t> members = cluster_.members();
    return members.empty() ? random_.below(cluster_.founders()) : members[random_.below(members.size())];
}

void Clients::send(std::size_t index, std::uint64_t serial, std::size_t node, int hops) {
    const Duration latency = cluster_.network().latency(cluster_.size(), node);
    world_.after(latency, event_tag(EventKind::client, index), [this, index, serial, node, hops] {
        arrive(index, serial, node, hops);
    });
}

void Clients::arrive(std::size_t index, std::uint64_t serial, std::size_t node, int hops) {
    if (clients_[index].serial != serial) return;  // the client gave up on it and moved on
    Process& process = cluster_.process(node);
    if (!process.up()) {
        // Connection refused: the request never reached a node.
        const Duration back = cluster_.network().latency(node, cluster_.size());
        world_.after(back, event_tag(EventKind::client, index), [this, index, serial] {
            Client& c = clients_[index];
            if (!c.busy || c.serial != serial) return;
            c.leader.reset();
            finish(index, check::Outcome::fail, {}, "connection refused");
        });
        return;
    }
    const std::uint64_t generation = process.generation();
    // The request as it is now: while the process is paused the client may time out and move on.
    const Request& current = clients_[index].request;
    process.post([this, index, serial, node, hops, generation, &process, batch = current.batch, write = current.write,
                  level = current.level]() mutable {
        auto reply = [this, index, serial, node, hops, generation, &process](node::Reply r) {
            if (process.generation() != generation) return;  // the process died: the connection broke
            const Duration back = cluster_.network().latency(node, cluster_.size());
            world_.after(back, event_tag(EventKind::client, index), [this, index, serial, node, hops, r = std::move(r)] {
                on_reply(index, serial, node, hops, r);
            });
        };
        if (write) {
            process.driver()->execute(std::move(batch), node::WriteOptions{}, std::move(reply));
        } else {
            node::ReadOptions options;
            options.level = level;
            process.driver()->query(std::move(batch), options, std::move(reply));
        }
    });
}

void Clients::on_reply(std::size_t index, std::uint64_t serial, std::size_t node, int hops, const node::Reply& reply) {
    Client& client = clients_[index];
    if (!client.busy || client.serial != serial) return;  // timed out already
    if (reply.failure == node::Failure::not_leader && reply.leader && hops < 3) {
        if (const auto leader = cluster_.index_of(reply.leader->id)) {
            client.leader = *leader;
            send(index, serial, *leader, hops + 1);
            return;
        }
    }
    // A node that served a write or a read above none acted as the leader; one that failed the
    // request is no longer believed to be it.
    if (reply.ok() && (client.request.write || client.request.level != node::ReadLevel::none)) {
        client.leader = node;
    } else if (!reply.ok()) {
        client.leader.reset();
    }
    if (!reply.ok()) {
        finish(index, outcome_of(reply.failure), {}, node::failure_name(reply.failure));
        return;
    }
    Observation observation = workload_.observe(client.request, reply);
    if (observation.kind == Observation::Kind::fail) {
        finish(index, check::Outcome::fail, {}, batch_error(reply).value_or("no result"));
        return;
    }
    const std::string broken = workload_.invariant_violation(client.request, observation.output);
    if (!broken.empty()) {
        recorder_.invariant_broken(broken + " (read at " + read_level_name(client.request.level) + " from " +
                                   cluster_.process(node).id() + ")");
    }
    finish(index, check::Outcome::ok, std::move(observation.output), {});
}

void Clients::finish(std::size_t index, check::Outcome outcome, check::Value output, const std::string& note) {
    Client& client = clients_[index];
    if (trace_) {
        trace_("client " + std::to_string(index) + " " + client.request.f + " " + client.request.key + " " +
               client.request.input.to_json() + " -> " + check::outcome_name(outcome) + " " + output.to_json() +
               (note.empty() ? "" : " (" + note + ")"));
    }
    recorder_.complete(client.process, now_us(), outcome, std::move(output), note);
    client.busy = false;
    world_.after(microseconds(random_.below(static_cast<std::uint64_t>(options_.think_max.count() / 1000) + 1)),
                 event_tag(EventKind::client, index), [this, index] { issue(index); });
}

}  // namespace rq::sim
