#include "sim/faults.h"

#include <algorithm>
#include <chrono>

#include "env/disk.h"

namespace rq::sim {

namespace {

using std::chrono::milliseconds;

// Every file under `directory`, recursively.
void list_files(env::Disk& disk, const std::string& directory, std::vector<std::string>& out) {
    auto names = disk.list(directory);
    if (!names.ok()) return;
    for (const std::string& name : *names) {
        const std::string path = env::join_path(directory, name);
        if (disk.list(path).ok()) list_files(disk, path, out);
        else out.push_back(path);
    }
}

}  // namespace

FaultInjector::FaultInjector(World& world, Cluster& cluster, Random random, Trace trace)
    : world_(world), cluster_(cluster), random_(random), trace_(std::move(trace)) {}

void FaultInjector::schedule(const Schedule& schedule, Duration start) {
    for (const FaultEvent& event : schedule) {
        world_.at(start + event.at, event_tag(EventKind::fault, static_cast<std::uint64_t>(event.kind)), [this, event] {
            const bool applied = event.node < cluster_.size() && event.peer < cluster_.size() && apply(event);
            ++(applied ? counts_.applied : counts_.skipped)[fault_kind_name(event.kind)];
            if (trace_) trace_((applied ? "fault " : "fault skipped ") + fault_event_to_text(event));
        });
    }
}

bool FaultInjector::apply(const FaultEvent& event) {
    Process& p = cluster_.process(event.node);
    Network& network = cluster_.network();
    switch (event.kind) {
        case FaultKind::crash: return crash(event);
        case FaultKind::restart:
            if (p.up()) return false;
            cluster_.restart(event.node);
            return true;
        case FaultKind::pause:
            if (!p.running()) return false;
            p.pause();
            return true;
        case FaultKind::resume:
            if (!p.paused()) return false;
            p.resume();
            return true;
        case FaultKind::partition: return partition(event);
        case FaultKind::heal: network.heal_cuts(); return true;
        case FaultKind::clog: network.clog(event.node, event.peer); return true;
        case FaultKind::unclog: network.unclog(event.node, event.peer); return true;
        case FaultKind::slow: network.slow(event.node, event.peer, std::chrono::milliseconds(event.amount)); return true;
        case FaultKind::loss:
            network.set_loss(static_cast<std::uint32_t>(std::clamp<std::int64_t>(event.amount, 0, 1000)),
                             static_cast<std::uint32_t>(std::clamp<std::int64_t>(event.amount2, 0, 1000)));
            return true;
        case FaultKind::disk_error: return disk_error(event);
        case FaultKind::disk_full:
            p.disk().set_space_limit(p.disk().used_bytes() + static_cast<std::uint64_t>(std::max<std::int64_t>(event.amount, 0)));
            return true;
        case FaultKind::disk_free: p.disk().set_space_limit(std::nullopt); return true;
        case FaultKind::sector_rot: return sector_rot(event);
        case FaultKind::clock_jump:
        case FaultKind::clock_drift: return clock(event);
        case FaultKind::add_member: return add_member(event);
        case FaultKind::remove_member: return remove_member(event);
        case FaultKind::transfer: return transfer(event);
        case FaultKind::stall: return stall(event);
        case FaultKind::rejoin: return rejoin(event);
    }
    return false;
}

bool FaultInjector::crash(const FaultEvent& event) {
    Process& p = cluster_.process(event.node);
    if (!p.up()) return false;
    if (event.mode == "kill") {
        p.kill();
        return true;
    }
    env::CrashOptions options;
    if (event.mode == "tear") options.mode = env::CrashMode::tear_last_write;
    if (event.mode == "prefix") options.mode = env::CrashMode::keep_random_prefix;
    p.crash(options);
    return true;
}

bool FaultInjector::partition(const FaultEvent& event) {
    Network& network = cluster_.network();
    if (event.mode == "leader") {
        const auto leader = cluster_.leader();
        if (!leader) return false;
        for (std::size_t other = 0; other < cluster_.size(); ++other) {
            if (other == *leader) continue;
            network.cut(*leader, other);
            network.cut(other, *leader);
        }
        return true;
    }
    for (const auto& [from, to] : event.cuts) {
        if (from < cluster_.size() && to < cluster_.size()) network.cut(from, to);
    }
    return !event.cuts.empty();
}

bool FaultInjector::disk_error(const FaultEvent& event) {
    const env::DiskOperation operation = event.mode == "write" ? env::DiskOperation::write : env::DiskOperation::sync;
    cluster_.process(event.node).disk().fail_after(operation, static_cast<std::uint64_t>(std::max<std::int64_t>(event.amount, 1)));
    return true;
}

bool FaultInjector::sector_rot(const FaultEvent& event) {
    Process& p = cluster_.process(event.node);
    std::vector<std::string> files;
    list_files(p.disk(), p.options().data_directory, files);
    Random choice(static_cast<std::uint64_t>(event.amount));
    // Only bytes that are there: a file with data in it (mode=snapshot: a snapshot file).
    std::vector<std::pair<std::string, std::uint64_t>> candidates;
    for (const std::string& path : files) {
        if (event.mode == "snapshot" && !path.ends_with(".snap")) continue;
        auto file = p.disk().open(path, env::OpenMode::read_only);
        if (!file.ok()) continue;
        auto size = (*file)->size();
        if (size.ok() && *size > 0) candidates.emplace_back(path, *size);
    }
    if (candidates.empty()) return false;
    const auto& [path, size] = candidates[choice.below(candidates.size())];
    const std::uint64_t offset = choice.below(size);
    const std::uint64_t length = choice.between(1, 64);
    if (trace_) trace_("rot " + path + " at " + std::to_string(offset) + " length " + std::to_string(length));
    return p.disk().corrupt(path, offset, length).ok();
}

bool FaultInjector::clock(const FaultEvent& event) {
    NodeClock& clock = cluster_.process(event.node).clock();
    if (event.kind == FaultKind::clock_drift) {
        clock.set_drift(std::clamp<std::int64_t>(event.amount, -max_drift_ppm, max_drift_ppm));
    } else if (event.mode == "mono") {
        clock.jump_monotonic(milliseconds(std::max<std::int64_t>(event.amount, 0)));
    } else {
        clock.jump_unix(milliseconds(event.amount));
    }
    return true;
}

bool FaultInjector::add_member(const FaultEvent& event) {
    const auto leader = cluster_.leader();
    if (!leader || membership_in_flight()) return false;
    const std::vector<std::size_t> members = cluster_.members();
    if (std::find(members.begin(), members.end(), event.node) != members.end()) return false;
    // A machine joining afresh: whatever it held before (an earlier membership) is wiped.
    cluster_.start_joiner(event.node);
    Process& target = cluster_.process(event.node);
    if (!target.up()) return false;
    send_membership(*leader);
    cluster_.process(*leader).driver()->add_member(target.options().self, event.mode != "nonvoter",
                                                   [this](node::Reply reply) {
                                                       membership_owner_.reset();
                                                       if (reply.ok()) ++membership_ok_;
                                                   });
    return true;
}

bool FaultInjector::remove_member(const FaultEvent& event) {
    const auto leader = cluster_.leader();
    if (!leader || membership_in_flight()) return false;
    const std::vector<std::size_t> members = cluster_.members();
    if (std::find(members.begin(), members.end(), event.node) == members.end()) return false;
    // Keep at least three voters: one machine may be lost for good to rot, and a majority must
    // still be there to heal in the liveness phase.
    const raft::Configuration& config = cluster_.process(*leader).driver()->raft().configuration();
    const raft::NodeId target = node::raft_id_of(cluster_.process(event.node).id());
    if (config.is_voter(target) && config.voters.size() <= 3) return false;
    send_membership(*leader);
    cluster_.process(*leader).driver()->remove_member(cluster_.process(event.node).id(), [this](node::Reply reply) {
        membership_owner_.reset();
        if (reply.ok()) ++membership_ok_;
    });
    return true;
}

bool FaultInjector::membership_in_flight() {
    if (membership_owner_ && cluster_.process(membership_owner_->first).generation() != membership_owner_->second) {
        membership_owner_.reset();
    }
    return membership_owner_.has_value();
}

void FaultInjector::send_membership(std::size_t leader) {
    membership_owner_ = std::make_pair(leader, cluster_.process(leader).generation());
}

bool FaultInjector::transfer(const FaultEvent& event) {
    const auto leader = cluster_.leader();
    if (!leader || *leader == event.node) return false;
    return cluster_.process(*leader).driver()->transfer_leadership(cluster_.process(event.node).id()) ==
           raft::Refusal::none;
}

bool FaultInjector::stall(const FaultEvent& event) {
    const auto leader = cluster_.leader();
    if (!leader || stalled_) return false;
    stalled_ = *leader;
    rejoined_ = {};
    Network& network = cluster_.network();
    for (std::size_t other = 0; other < cluster_.size(); ++other) {
        if (other == *leader) continue;
        network.clog(*leader, other);
        network.clog(other, *leader);
    }
    if (event.mode == "pause") cluster_.process(*leader).pause();
    if (trace_) trace_("stall " + cluster_.process(*leader).id());
    return true;
}

bool FaultInjector::rejoin(const FaultEvent& event) {
    if (!stalled_) return false;
    const std::size_t node = *stalled_;
    if (event.mode == "resume") {
        Process& p = cluster_.process(node);
        if (!p.paused()) return false;
        p.resume();
        return true;
    }
    const bool out = event.mode == "out";
    if (!out && event.mode != "in") return false;
    Network& network = cluster_.network();
    for (std::size_t other = 0; other < cluster_.size(); ++other) {
        if (other == node) continue;
        if (out) network.unclog(node, other);
        else network.unclog(other, node);
    }
    (out ? rejoined_.first : rejoined_.second) = true;
    if (rejoined_.first && rejoined_.second) stalled_.reset();  // the next stall may come
    return true;
}

void FaultInjector::heal_all() {
    Network& network = cluster_.network();
    network.heal_cuts();
    network.unclog_all();
    network.unslow_all();
    stalled_.reset();
    network.set_loss(0, 0);
    for (std::size_t i = 0; i < cluster_.size(); ++i) {
        Process& p = cluster_.process(i);
        p.disk().set_space_limit(std::nullopt);
        for (int op = 0; op < env::disk_operation_count; ++op) p.disk().fail_after(static_cast<env::DiskOperation>(op), 0);
        if (p.paused()) p.resume();
    }
    // Restart every member that is down (a removed machine stays off).
    for (std::size_t i : cluster_.members()) {
        if (!cluster_.process(i).up()) cluster_.restart(i);
    }
}

}  // namespace rq::sim
