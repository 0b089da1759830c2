// Driver: opening (bootstrap, state machine recovery), the Ready loop and fail-stop.
#include "node/driver.h"

#include "base/assert.h"
#include "node/snapshot_envelope.h"
#include "raft/codec.h"

namespace rq::node {

const char* failure_name(Failure failure) {
    switch (failure) {
        case Failure::none: return "none";
        case Failure::not_leader: return "not leader";
        case Failure::no_leader: return "leader not found";
        case Failure::leadership_lost: return "leadership lost";
        case Failure::timeout: return "timeout";
        case Failure::stale: return "stale read";
        case Failure::rejected: return "rejected";
        case Failure::busy: return "busy";
        case Failure::stopped: return "stopped";
    }
    return "?";
}

Result<std::unique_ptr<Driver>> Driver::open(DriverOptions options, Environment environment) {
    const std::string context = "open node " + options.self.id;
    if (options.self.id.empty()) return Error(ErrorCode::invalid_argument, context + ": empty node id");
    options.raft.id = raft_id_of(options.self.id);
    options.raft.planted_bug = options.planted_bug;
    const std::string raft_directory = env::join_path(options.data_directory, "raft");
    RQ_TRY_STATUS(environment.disk.make_directory(raft_directory), context);
    wal::DurableStorageOptions storage_options;
    storage_options.snapshots.planted_bug = options.planted_bug;
    auto storage = wal::DurableStorage::open(environment.disk, raft_directory, storage_options);
    if (!storage.ok()) return storage.error().with_context(context);
    auto store = store::Store::open(options.store, environment.clock, Random(options.seed ^ 0x5eed5eed5eed5eedULL));
    if (!store.ok()) return store.error().with_context(context);
    std::unique_ptr<Driver> driver(
        new Driver(std::move(options), environment, std::move(storage).value(), std::move(store).value()));
    RQ_TRY_STATUS(driver->bootstrap_if_new(), context + ": bootstrap");
    RQ_TRY_STATUS(driver->recover_state_machine(), context + ": recover the database");
    RQ_TRY_STATUS(driver->start_raft(), context);
    return driver;
}

Driver::Driver(DriverOptions options, Environment environment, std::unique_ptr<wal::DurableStorage> storage,
               std::unique_ptr<store::Store> store)
    : options_(std::move(options)),
      env_(environment),
      random_(options_.seed),
      storage_(std::move(storage)),
      store_(std::move(store)),
      lifetime_(std::make_shared<int>(0)) {}

Driver::~Driver() = default;

// A brand-new cluster: every founding voter writes the same first entry, naming all founders and
// carrying their addresses, and a hard state committing it.
Status Driver::bootstrap_if_new() {
    const bool has_state = storage_->last_index() > raft::Index(0) || storage_->hard_state().term > raft::Term(0) ||
                           storage_->snapshot_metadata().index > raft::Index(0);
    if (has_state || options_.bootstrap.empty()) return ok_status();
    std::map<raft::NodeId, NodeMeta> founders;
    raft::Configuration config;
    for (const NodeMeta& meta : options_.bootstrap) {
        const raft::NodeId id = raft_id_of(meta.id);
        if (!founders.emplace(id, meta).second) {
            return Error(ErrorCode::invalid_argument, "founding member " + meta.id + " is listed twice");
        }
        config.voters.push_back(id);
    }
    std::sort(config.voters.begin(), config.voters.end());
    const raft::Entry founding = raft::bootstrap_entry(config, encode_snapshot(founders, {}));
    RQ_TRY_STATUS(storage_->save({&founding, 1}, raft::HardState{raft::Term(1), raft::no_node, raft::Index(1)}),
                  "write the founding entry");
    RQ_TRY_STATUS(storage_->sync(), "sync the founding entry");
    return ok_status();
}

// The database is derived state: trust the store only if it covers the snapshot and does not run
// ahead of the durable commit point; otherwise rebuild it from the snapshot (the log replays the
// rest through the Ready loop). Rebuilds the member table the same way.
Status Driver::recover_state_machine() {
    const raft::SnapshotMetadata snapshot = storage_->snapshot_metadata();
    const raft::Index commit = std::max(storage_->hard_state().commit, snapshot.index);
    const raft::Index applied = store_->applied_index();
    if (applied > commit) {
        return Error(ErrorCode::corrupt, "the database file is at index " + std::to_string(applied.value()) +
                                             " but the log commits only up to " + std::to_string(commit.value()) +
                                             "; remove the database file to rebuild it from the log");
    }
    last_snapshot_index_ = snapshot.index;
    if (snapshot.index > raft::Index(0)) {
        RQ_TRY_STATUS(install_snapshot_contents(snapshot.index, applied < snapshot.index), "restore the snapshot");
    }
    // Member changes between the snapshot and what the store already applied are not replayed by
    // the Ready loop, so fold them in here.
    for (raft::Index index = snapshot.index + 1; index <= store_->applied_index(); ++index) {
        const std::vector<raft::Entry> entries = storage_->entries(index, index + 1, UINT64_MAX);
        if (entries.front().type == raft::EntryType::config) RQ_TRY_STATUS(apply_config(entries.front()), "replay members");
    }
    return ok_status();
}

Status Driver::start_raft() {
    options_.raft.applied = store_->applied_index();
    auto node = raft::Node::create(options_.raft, *storage_);
    if (!node.ok()) return node.error();
    node_ = std::move(node).value();
    last_leader_contact_ = env_.clock.monotonic_now();
    return ok_status();
}

void Driver::tick() {
    if (failure_) return;
    node_->tick();
    expire_requests();
    process();
}

void Driver::receive(const raft::Message& message) {
    if (failure_) return;
    node_->step(message);
    const bool from_leader = std::holds_alternative<raft::AppendRequest>(message.payload) ||
                             std::holds_alternative<raft::Heartbeat>(message.payload) ||
                             std::holds_alternative<raft::SnapshotChunk>(message.payload);
    if (from_leader && node_->leader() == message.from) last_leader_contact_ = env_.clock.monotonic_now();
    process();
}

// The Ready loop (raft/ready.h): persist, sync, then send, apply, serve reads, advance. While a sync
// runs nothing is written; inputs keep arriving and the next Ready carries all of them, so one sync
// covers everything that came in during the previous one (group commit).
void Driver::process() {
    if (in_process_ || failure_) return;
    in_process_ = true;
    while (!failure_ && !persisting_ && node_->has_ready()) {
        raft::Ready ready = node_->ready();
        ++stats_.ready_batches;
        if (ready.soft_state) on_soft_state(*ready.soft_state);
        if (auto status = write_ready(ready); !status.ok()) {
            fail_stop(status.error().with_context("persist raft state"));
            break;
        }
        // Test-only planted bug ack_before_fsync: acknowledge at once and skip the fsync.
        if (!ready.must_sync || options_.planted_bug == PlantedBug::ack_before_fsync) {
            finish_ready(std::move(ready));
            continue;
        }
        persisting_ = true;
        ++stats_.syncs;
        syncing_ = std::move(ready);  // one sync at a time: it waits here, not in a heap copy per sync
        std::weak_ptr<int> alive = lifetime_;
        env_.syncer.run([this] { return storage_->sync(); },
                        [this, alive](Status status) {
                            if (alive.expired()) return;
                            persisting_ = false;
                            raft::Ready synced = std::move(*syncing_);
                            syncing_.reset();
                            if (!status.ok()) {
                                fail_stop(status.error().with_context("sync raft log"));
                                return;
                            }
                            finish_ready(std::move(synced));
                            process();  // a no-op when called from inside the loop above
                        });
    }
    in_process_ = false;
}

Status Driver::write_ready(const raft::Ready& ready) {
    for (const raft::SnapshotChunk& chunk : ready.snapshot_chunks) {
        RQ_TRY_STATUS(storage_->save_snapshot_chunk(chunk), "save snapshot chunk");
    }
    if (ready.snapshot) {
        RQ_TRY_STATUS(storage_->install_received_snapshot(*ready.snapshot), "install received snapshot");
        RQ_TRY_STATUS(install_snapshot_contents(ready.snapshot->index, true), "restore received snapshot");
        ++stats_.snapshots_installed;
    }
    return storage_->save(ready.entries, ready.hard_state);
}

void Driver::finish_ready(raft::Ready&& ready) {
    for (raft::Message& message : ready.messages) env_.transport.send(std::move(message));
    for (const raft::Entry& entry : ready.committed_entries) {
        if (auto status = apply(entry); !status.ok()) {
            fail_stop(status.error());
            return;
        }
    }
    for (const raft::ReadState& read : ready.read_states) {
        if (read_round_in_flight_ != read.read_id) continue;  // a round failed and forgotten meanwhile
        for (PendingRead& pending : reads_in_round_) reads_awaiting_apply_.emplace(read.index, std::move(pending));
        reads_in_round_.clear();
        read_round_in_flight_.reset();
    }
    node_->advance();
    serve_ready_reads();
    issue_read_round();
    maybe_snapshot();
    run_requested_snapshots();
}

void Driver::on_soft_state(const raft::SoftState& state) {
    const bool was_leader = soft_state_.role == raft::Role::leader;
    soft_state_ = state;
    if (options_.on_state_change) options_.on_state_change(state, node_->term());
    if (was_leader && state.role != raft::Role::leader) {
        fail_all(Failure::leadership_lost, "leadership lost while the request was in flight");
    }
}

void Driver::fail_stop(const Error& error) {
    if (failure_) return;
    failure_ = error;
    fail_all(Failure::stopped, "node stopped: " + error.message());
}

// Fails every pending request. Replies run after the tables are emptied: a reply may call back in.
void Driver::fail_all(Failure failure, const std::string& message) {
    std::vector<ReplyCallback> replies;
    for (auto& [index, write] : pending_writes_) replies.push_back(std::move(write.reply));
    pending_writes_.clear();
    for (PendingRead& read : reads_to_issue_) replies.push_back(std::move(read.reply));
    reads_to_issue_.clear();
    for (PendingRead& read : reads_in_round_) replies.push_back(std::move(read.reply));
    reads_in_round_.clear();
    read_round_in_flight_.reset();
    for (auto& [index, read] : reads_awaiting_apply_) replies.push_back(std::move(read.reply));
    reads_awaiting_apply_.clear();
    for (ReplyCallback& reply : replies) {
        Reply failed;
        failed.failure = failure;
        failed.message = message;
        failed.leader = leader();
        reply(std::move(failed));
    }
}

bool Driver::is_leader() const { return node_->role() == raft::Role::leader; }

std::optional<NodeMeta> Driver::leader() const {
    const auto it = members_.find(node_->leader());
    if (it == members_.end()) return std::nullopt;
    return it->second;
}

env::Duration Driver::since_leader_contact() const {
    if (is_leader()) return env::Duration(0);
    return env_.clock.monotonic_now() - last_leader_contact_;
}

Status Driver::close() {
    fail_all(Failure::stopped, "node is shutting down");
    for (auto& request : snapshot_requests_) request(Error(ErrorCode::invalid_argument, "node is shutting down"));
    snapshot_requests_.clear();
    if (persisting_) return Error(ErrorCode::invalid_argument, "close while a sync is running");
    if (failure_) return *failure_;
    RQ_TRY_STATUS(storage_->sync(), "sync raft log on close");
    return store_->close_clean();
}

}  // namespace rq::node
