// Generating a fault schedule from the fault stream: faults arrive at random intervals through the
// safety phase; each family emits its fault and, where it has one, the matching undo a few seconds
// later (restart after crash, resume after pause, heal after a partition, unclog in another order).

#include <algorithm>
#include <chrono>
#include <functional>

#include "sim/schedule.h"

namespace rq::sim {

namespace {

using std::chrono::milliseconds;
using Cuts = std::vector<std::pair<std::size_t, std::size_t>>;

class Generator {
public:
    Generator(Random random, const ScheduleShape& shape) : random_(random), shape_(shape) {
        // Sector rot and disk-full target one machine per run: rotting a majority would lose data
        // any real deployment would lose too, which is not what the run is about.
        rot_node_ = random_.below(shape_.voters);
    }

    Schedule run() {
        Duration t = milliseconds(500);
        while (true) {
            t += milliseconds(random_.between(200, 2500));
            if (t >= shape_.duration) break;
            const FaultFamily family = shape_.families[random_.below(shape_.families.size())];
            emit(family, t);
        }
        std::stable_sort(schedule_.begin(), schedule_.end(),
                         [](const FaultEvent& a, const FaultEvent& b) { return a.at < b.at; });
        return std::move(schedule_);
    }

private:
    void emit(FaultFamily family, Duration t) {
        const Duration end = std::min(shape_.duration, t + milliseconds(random_.between(300, 6000)));
        switch (family) {
            case FaultFamily::crash: return crash(t, end);
            case FaultFamily::pause: return pair(FaultKind::pause, FaultKind::resume, any_node(), t, end);
            case FaultFamily::partition: return partition(t, end);
            case FaultFamily::oneway: return one_way(t, end);
            case FaultFamily::clog: return clog(t, end);
            case FaultFamily::loss: return loss(t, end);
            case FaultFamily::disk: return disk_error(t);
            case FaultFamily::full: return disk_full(t, end);
            case FaultFamily::rot: return rot(t, end);
            case FaultFamily::clock: return clock(t);
            case FaultFamily::membership: return membership(t);
            case FaultFamily::transfer: return add({t, FaultKind::transfer, any_node()});
            case FaultFamily::stall: return stall(t);
            case FaultFamily::slow: return slow(t, end);
        }
    }

    std::size_t any_node() { return random_.below(shape_.nodes); }
    std::size_t any_voter() { return random_.below(shape_.voters); }
    void add(FaultEvent event) { schedule_.push_back(std::move(event)); }
    void pair(FaultKind first, FaultKind second, std::size_t node, Duration t, Duration end) {
        add({t, first, node});
        add({end, second, node});
    }

    void crash(Duration t, Duration end) {
        static const char* const modes[] = {"kill", "power", "tear", "prefix"};
        const std::size_t node = any_node();
        FaultEvent event{t, FaultKind::crash, node};
        event.mode = modes[random_.below(4)];
        add(event);
        add({end, FaultKind::restart, node});
    }

    // Cuts both directions between every node of `a` and every node of `b`.
    static void cut_between(Cuts& cuts, const std::vector<std::size_t>& a, const std::vector<std::size_t>& b) {
        for (std::size_t x : a) {
            for (std::size_t y : b) {
                cuts.emplace_back(x, y);
                cuts.emplace_back(y, x);
            }
        }
    }

    std::vector<std::size_t> shuffled_voters() {
        std::vector<std::size_t> nodes;
        for (std::size_t i = 0; i < shape_.voters; ++i) nodes.push_back(i);
        for (std::size_t i = nodes.size(); i > 1; --i) std::swap(nodes[i - 1], nodes[random_.below(i)]);
        return nodes;
    }

    void partition(Duration t, Duration end) {
        static const char* const shapes[] = {"isolate", "majority", "ring", "bridge", "leader"};
        FaultEvent event{t, FaultKind::partition};
        event.mode = shapes[random_.below(5)];
        if (event.mode == "ring" && shape_.voters < 5) event.mode = "bridge";  // a 3-ring is a bridge
        const std::vector<std::size_t> order = shuffled_voters();
        const std::size_t n = order.size();
        if (event.mode == "isolate") {
            std::vector<std::size_t> rest;
            for (std::size_t i = 0; i < shape_.nodes; ++i) {
                if (i != order[0]) rest.push_back(i);
            }
            cut_between(event.cuts, {order[0]}, rest);
        } else if (event.mode == "majority") {
            const std::size_t minority = n / 2;
            cut_between(event.cuts, {order.begin(), order.begin() + static_cast<std::ptrdiff_t>(minority)},
                        {order.begin() + static_cast<std::ptrdiff_t>(minority), order.end()});
        } else if (event.mode == "ring") {
            // Around a circle each node keeps its two neighbours: with five nodes every node sees a
            // majority (itself and two), and no two nodes see the same one.
            for (std::size_t i = 0; i < n; ++i) {
                for (std::size_t j = i + 1; j < n; ++j) {
                    const std::size_t distance = std::min(j - i, n - (j - i));
                    if (distance > 1) cut_between(event.cuts, {order[i]}, {order[j]});
                }
            }
        } else if (event.mode == "bridge") {
            // Two halves that meet only through one bridge node.
            const std::size_t half = (n - 1) / 2;
            cut_between(event.cuts, {order.begin(), order.begin() + static_cast<std::ptrdiff_t>(half)},
                        {order.begin() + static_cast<std::ptrdiff_t>(half) + 1, order.end()});
        }
        add(event);
        add({end, FaultKind::heal});
    }

    void one_way(Duration t, Duration end) {
        FaultEvent event{t, FaultKind::partition};
        event.mode = "oneway";
        const std::size_t node = any_voter();
        const bool deaf = random_.chance(1, 2);  // hears nothing, or is heard by no one
        for (std::size_t other = 0; other < shape_.nodes; ++other) {
            if (other == node) continue;
            if (deaf) event.cuts.emplace_back(other, node);
            else event.cuts.emplace_back(node, other);
        }
        add(event);
        add({end, FaultKind::heal});
    }

    void clog(Duration t, Duration end) { links_one_by_one(t, end, FaultKind::clog, FaultKind::unclog, {}); }

    // Links turn slow one by one (each its own delay, 50 ms to 2 s: past an election timeout at the
    // top), then recover in another order. A slow path lets messages of an old term arrive after
    // the receiver moved on, and delays what a new leader tells a follower about commits.
    void slow(Duration t, Duration end) {
        links_one_by_one(t, end, FaultKind::slow, FaultKind::slow,
                         [this] { return static_cast<std::int64_t>(random_.between(50, 2000)); });
    }

    // Some links degrade one by one (`on`, with `amount()` when given), then recover in another
    // order (`off`, amount 0).
    void links_one_by_one(Duration t, Duration end, FaultKind on, FaultKind off, const std::function<std::int64_t()>& amount) {
        const std::size_t count = random_.between(1, shape_.voters);
        std::vector<std::pair<std::size_t, std::size_t>> links;
        Duration at = t;
        for (std::size_t i = 0; i < count; ++i) {
            const std::size_t from = any_voter();
            std::size_t to = any_voter();
            if (to == from) to = (to + 1) % shape_.voters;
            FaultEvent event{at, on, from};
            event.peer = to;
            if (amount) event.amount = amount();
            add(event);
            links.emplace_back(from, to);
            at += milliseconds(random_.between(50, 500));
        }
        for (std::size_t i = links.size(); i > 1; --i) std::swap(links[i - 1], links[random_.below(i)]);
        Duration back = std::max(end, at);
        for (const auto& [from, to] : links) {
            FaultEvent event{back, off, from};
            event.peer = to;
            add(event);
            back += milliseconds(random_.between(50, 500));
        }
    }

    void loss(Duration t, Duration end) {
        FaultEvent on{t, FaultKind::loss};
        on.amount = static_cast<std::int64_t>(random_.between(10, 200));
        on.amount2 = static_cast<std::int64_t>(random_.between(0, 50));
        add(on);
        add({end, FaultKind::loss});
    }

    void disk_error(Duration t) {
        FaultEvent event{t, FaultKind::disk_error, any_node()};
        event.mode = random_.chance(1, 2) ? "write" : "sync";
        event.amount = static_cast<std::int64_t>(random_.between(1, 40));
        add(event);
    }

    void disk_full(Duration t, Duration end) {
        FaultEvent event{t, FaultKind::disk_full, rot_node_};
        event.amount = static_cast<std::int64_t>(random_.between(0, 64 * 1024));
        add(event);
        add({end, FaultKind::disk_free, rot_node_});
    }

    void rot(Duration t, Duration end) {
        // Rot is found when the bytes are read: on recovery. So the machine restarts soon after.
        FaultEvent event{t, FaultKind::sector_rot, rot_node_};
        event.amount = static_cast<std::int64_t>(random_.next_u64() >> 1);
        // Half the time in a snapshot file: the largest, longest-lived files, and the ones a restart
        // loads whole and a leader sends to a follower that fell behind.
        if (random_.chance(1, 2)) event.mode = "snapshot";
        add(event);
        FaultEvent crash{t + milliseconds(random_.between(0, 2000)), FaultKind::crash, rot_node_};
        crash.mode = "kill";
        add(crash);
        add({std::max(end, crash.at), FaultKind::restart, rot_node_});
    }

    // The leader stalls: cut off from the other nodes (its links clog both ways, so what it sends and
    // what is sent to it is held, as behind a congested switch), and usually frozen too (a GC pause,
    // a VM migration) for long enough that the others elect a new leader. Clients still reach it. It
    // resumes still cut off, believing it leads, then its links unclog one direction at a time, in
    // either order: its old-term messages reach nodes that moved on, or theirs reach it first.
    // One stall at a time: a second would cut off the new leader while the old one is still out.
    void stall(Duration t) {
        if (t < stall_over_) return;
        FaultEvent event{t, FaultKind::stall};
        event.mode = random_.chance(2, 3) ? "pause" : "run";
        add(event);
        Duration at = t + milliseconds(random_.between(2500, 4500));
        FaultEvent resume{at, FaultKind::rejoin};
        resume.mode = "resume";
        if (event.mode == "pause") add(resume);
        const bool out_first = random_.chance(1, 2);
        for (const char* direction : {out_first ? "out" : "in", out_first ? "in" : "out"}) {
            at += milliseconds(random_.between(50, 2000));
            FaultEvent rejoin{at, FaultKind::rejoin};
            rejoin.mode = direction;
            add(rejoin);
        }
        stall_over_ = at;
    }

    void clock(Duration t) {
        const std::size_t node = any_node();
        if (random_.chance(1, 3)) {
            FaultEvent drift{t, FaultKind::clock_drift, node};
            drift.amount = static_cast<std::int64_t>(random_.between(0, 2000)) - 1000;
            return add(drift);
        }
        FaultEvent jump{t, FaultKind::clock_jump, node};
        if (random_.chance(1, 2)) {
            jump.mode = "mono";
            jump.amount = static_cast<std::int64_t>(random_.between(100, 5000));
        } else {
            jump.mode = "unix";
            jump.amount = static_cast<std::int64_t>(random_.between(0, 120'000)) - 60'000;
        }
        add(jump);
    }

    void membership(Duration t) {
        if (random_.chance(1, 2)) {
            FaultEvent event{t, FaultKind::add_member, any_node()};
            event.mode = random_.chance(2, 3) ? "voter" : "nonvoter";
            return add(event);
        }
        add({t, FaultKind::remove_member, any_node()});
    }

    Random random_;
    const ScheduleShape& shape_;
    std::size_t rot_node_ = 0;
    Duration stall_over_{0};  // when the last stall's node has rejoined
    Schedule schedule_;
};

}  // namespace

Schedule generate_schedule(Random random, const ScheduleShape& shape) {
    if (shape.families.empty() || shape.duration <= Duration(0)) return {};
    return Generator(random, shape).run();
}

}  // namespace rq::sim
