// Driver: applying committed entries to the SQLite state machine and the member table, completing
// the requests that proposed them, and snapshots (taking them, and loading received ones).
#include <string>

#include "node/driver.h"
#include "node/snapshot_envelope.h"
#include "raft/codec.h"

namespace rq::node {

namespace {

std::string index_text(raft::Index index) { return std::to_string(index.value()); }

}  // namespace

Status Driver::apply(const raft::Entry& entry) {
    const auto pending = pending_writes_.find(entry.index);
    // The proposer learns its outcome here: its entry committed iff the entry at its index has the
    // term it was proposed in (anything else replaced it after a leadership change).
    const bool ours = pending != pending_writes_.end() && pending->second.term == entry.term;
    Result<store::BatchResult> result = store::BatchResult{};
    switch (entry.type) {
        case raft::EntryType::normal: {
            auto command = store::decode_command(entry.data.view());
            if (!command.ok()) return command.error().with_context("committed entry " + index_text(entry.index));
            result = store_->apply(entry.index, *command, ours ? store::ResultsWanted::yes : store::ResultsWanted::no);
            break;
        }
        case raft::EntryType::config:
            RQ_TRY_STATUS(apply_config(entry), "apply membership change at " + index_text(entry.index));
            result = store_->apply(entry.index, store::Command{}, store::ResultsWanted::no);
            break;
        case raft::EntryType::noop:
            result = store_->apply(entry.index, store::Command{}, store::ResultsWanted::no);
            break;
    }
    if (!result.ok()) return result.error().with_context("apply entry " + index_text(entry.index));
    ++stats_.applied_entries;
    if (pending == pending_writes_.end()) return ok_status();
    ReplyCallback reply = std::move(pending->second.reply);
    pending_writes_.erase(pending);
    Reply outcome;
    if (ours) {
        outcome.results = std::move(result).value();
        outcome.index = entry.index;
    } else {
        outcome.failure = Failure::leadership_lost;
        outcome.message = "leadership lost while committing the request";
        outcome.leader = leader();
    }
    reply(std::move(outcome));
    return ok_status();
}

// Keeps the member table (ids to addresses) in step with the applied configuration. The founding
// entry names every founder; later entries add or remove one member each.
Status Driver::apply_config(const raft::Entry& entry) {
    auto record = raft::decode_config_record(entry.data.view());
    if (!record.ok()) return record.error();
    const raft::ConfigChange& change = record->change;
    if (change.type == raft::ConfigChangeType::remove_node) {
        members_.erase(change.node);
        return ok_status();
    }
    if (change.context.empty()) return ok_status();  // a change made without metadata (tests of raft/)
    if (auto founders = decode_snapshot(change.context); founders.ok()) {
        for (auto& [id, meta] : founders->members) members_[id] = meta;
        return ok_status();
    }
    auto meta = decode_meta(change.context);
    if (!meta.ok()) return meta.error();
    members_[change.node] = std::move(meta).value();
    return ok_status();
}

Status Driver::install_snapshot_contents(raft::Index index, bool restore_database) {
    const std::uint64_t size = storage_->snapshot_size();
    auto bytes = storage_->read_snapshot(0, size);
    if (!bytes.ok()) return bytes.error().with_context("read snapshot " + index_text(index));
    auto contents = decode_snapshot(*bytes);
    if (!contents.ok()) return contents.error().with_context("snapshot " + index_text(index));
    members_ = std::move(contents->members);
    last_snapshot_index_ = index;
    if (!restore_database) return ok_status();
    return store_->restore(contents->database_image, index);
}

void Driver::maybe_snapshot() {
    if (persisting_ || failure_) return;
    if (store_->applied_index() - last_snapshot_index_ < options_.snapshot_threshold_entries) return;
    if (auto status = take_snapshot(); !status.ok()) fail_stop(status.error().with_context("take snapshot"));
}

void Driver::snapshot_now(std::function<void(Result<bool>)> done) {
    snapshot_requests_.push_back(std::move(done));
    if (!persisting_) run_requested_snapshots();
}

// A snapshot compacts the WAL, which must not change while a sync of it runs on another thread.
void Driver::run_requested_snapshots() {
    if (snapshot_requests_.empty()) return;
    std::vector<std::function<void(Result<bool>)>> requests;
    requests.swap(snapshot_requests_);
    Result<bool> outcome = failure_ ? Result<bool>(*failure_) : Result<bool>(false);
    if (!failure_) {
        const bool nothing_new = store_->applied_index() <= last_snapshot_index_;
        if (auto status = take_snapshot(); !status.ok()) {
            outcome = status.error();
        } else {
            outcome = nothing_new;
        }
    }
    for (auto& request : requests) request(outcome);
}

// Thesis 5.1: the state machine's image at the applied index replaces the log up to it. The WAL
// compaction becomes durable with the next sync; until then recovery still finds the old segments.
Status Driver::take_snapshot() {
    const raft::Index index = store_->applied_index();
    if (index <= last_snapshot_index_) return ok_status();
    const auto term = node_->log().term(index);
    if (!term) return Error(ErrorCode::internal, "no term for applied index " + index_text(index));
    const raft::SnapshotMetadata metadata{index, *term, node_->log().configuration_at(index)};
    auto image = store_->serialize_image();
    if (!image.ok()) return image.error().with_context("serialize database");
    auto writer = storage_->begin_snapshot(metadata);
    if (!writer.ok()) return writer.error();
    RQ_TRY_STATUS((*writer)->append(encode_snapshot(members_, image->bytes())), "write snapshot " + index_text(index));
    auto info = (*writer)->finish();
    if (!info.ok()) return info.error();
    RQ_TRY_STATUS(storage_->install_snapshot(*info), "install snapshot " + index_text(index));
    last_snapshot_index_ = index;
    ++stats_.snapshots_taken;
    return ok_status();
}

}  // namespace rq::node
