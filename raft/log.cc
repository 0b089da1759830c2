#include "raft/log.h"

#include <algorithm>

#include "base/assert.h"
#include "raft/codec.h"

namespace rq::raft {

namespace {

constexpr std::uint64_t scan_batch_bytes = 64 << 20;

Configuration decode_configuration(const Entry& entry) {
    auto record = decode_config_record(entry.data);
    RQ_ASSERT(record.ok(), "config entry", entry.index, "does not decode:", record.ok() ? "" : record.error().message());
    return record->config;
}

}  // namespace

RaftLog::RaftLog(const Storage& storage, Index applied) : storage_(storage) {
    const SnapshotMetadata snapshot = storage.snapshot_metadata();
    const Index last = storage.last_index();
    unstable_offset_ = last + 1;
    handed_out_ = last;
    committed_ = std::max(storage.hard_state().commit, snapshot.index);
    RQ_ASSERT(committed_ <= last, "commit", committed_, "beyond the last stored entry", last);
    applied_ = std::max(applied, snapshot.index);
    RQ_ASSERT(applied_ <= committed_, "applied", applied_, "beyond commit", committed_);
    base_configuration_ = snapshot.config;
    base_configuration_index_ = snapshot.index;
    for (Index low = storage.first_index(); low <= last;) {
        const std::vector<Entry> batch = storage.entries(low, last + 1, scan_batch_bytes);
        track_configurations(batch, 0);
        low = batch.back().index + 1;
    }
}

Index RaftLog::first_index() const {
    return unstable_snapshot_ ? unstable_snapshot_->index + 1 : storage_.first_index();
}

Index RaftLog::last_index() const { return unstable_offset_ + unstable_.size() - 1; }

std::optional<Term> RaftLog::term(Index index) const {
    if (unstable_snapshot_ && index == unstable_snapshot_->index) return unstable_snapshot_->term;
    if (index >= unstable_offset_) {
        const std::uint64_t position = index - unstable_offset_;
        if (position < unstable_.size()) return unstable_[position].term;
        return std::nullopt;
    }
    if (unstable_snapshot_) return std::nullopt;  // below a received snapshot: compacted
    if (index + 1 < storage_.first_index() || index > storage_.last_index()) return std::nullopt;
    return storage_.term(index);
}

bool RaftLog::match_term(Index index, Term expected) const {
    const auto actual = term(index);
    return actual && *actual == expected;
}

bool RaftLog::is_up_to_date(Index index, Term last) const {
    const Term my_last_term = last_term();
    return last > my_last_term || (last == my_last_term && index >= last_index());
}

std::pair<Index, Term> RaftLog::find_conflict_by_term(Index index, Term limit) const {
    for (;;) {
        const auto at = term(index);
        if (!at) return {index, Term(0)};  // compacted or beyond the end: no better hint
        if (*at <= limit || index == Index(0)) return {index, *at};
        --index;
    }
}

std::vector<Entry> RaftLog::entries_from(Index low, std::uint64_t max_bytes) const {
    return slice(low, last_index() + 1, max_bytes);
}

std::vector<Entry> RaftLog::slice(Index low, Index high, std::uint64_t max_bytes) const {
    RQ_ASSERT(low >= first_index() && high <= last_index() + 1 && low <= high, "slice", low, high, "of log",
              first_index(), last_index());
    std::vector<Entry> out;
    if (low == high) return out;
    std::uint64_t bytes = 0;
    if (low < unstable_offset_) {
        const Index stable_high = std::min(high, unstable_offset_);
        out = storage_.entries(low, stable_high, max_bytes);
        for (const Entry& entry : out) bytes += entry.size_bytes();
        if (out.back().index + 1 < stable_high) return out;  // the byte limit cut the stable part short
        low = stable_high;
    }
    for (Index i = low; i < high; ++i) {
        const Entry& entry = unstable_[i - unstable_offset_];
        if (!out.empty() && bytes + entry.size_bytes() > max_bytes) break;
        bytes += entry.size_bytes();
        out.push_back(entry);
    }
    return out;
}

void RaftLog::append(std::vector<Entry> entries) {
    if (entries.empty()) return;
    RQ_ASSERT(entries.front().index == last_index() + 1, "append at", entries.front().index, "after", last_index());
    track_configurations(entries, 0);
    for (Entry& entry : entries) unstable_.push_back(std::move(entry));
}

std::optional<Index> RaftLog::maybe_append(Index prev_index, Term prev_term, const std::vector<Entry>& entries) {
    if (!match_term(prev_index, prev_term)) return std::nullopt;
    const Index last_new = prev_index + entries.size();
    for (std::size_t k = 0; k < entries.size(); ++k) {
        if (match_term(entries[k].index, entries[k].term)) continue;
        // Thesis 3.5: delete the conflicting entry and all that follow it. A committed entry can
        // never conflict (Log Matching and Leader Completeness); if it does, the state is corrupt.
        RQ_ASSERT(entries[k].index > committed_, "conflict at committed entry", entries[k].index, "commit",
                  committed_);
        truncate_and_append(entries, k);
        break;
    }
    return last_new;
}

void RaftLog::truncate_and_append(const std::vector<Entry>& entries, std::size_t from) {
    const Index first = entries[from].index;
    RQ_ASSERT(first <= last_index() + 1 && first > first_index() - 1, "append at", first, "log", first_index(),
              last_index());
    if (first <= unstable_offset_) {
        // Overwrites part of the stable log: the new entries become the whole unstable tail.
        unstable_.clear();
        unstable_offset_ = first;
    } else {
        unstable_.truncate(first - unstable_offset_);
    }
    handed_out_ = std::min(handed_out_, first - 1);
    forget_configurations_from(first);
    track_configurations(entries, from);
    unstable_.append(std::span<const Entry>(entries).subspan(from));
}

void RaftLog::commit_to(Index index) {
    if (index <= committed_) return;
    RQ_ASSERT(index <= last_index(), "commit", index, "beyond last index", last_index());
    committed_ = index;
}

void RaftLog::applied_to(Index index) {
    if (index <= applied_) return;
    RQ_ASSERT(index <= committed_, "applied", index, "beyond commit", committed_);
    applied_ = index;
}

void RaftLog::restore(const SnapshotMetadata& snapshot) {
    RQ_ASSERT(snapshot.index > committed_, "restore of snapshot", snapshot.index, "at commit", committed_);
    unstable_snapshot_ = snapshot;
    snapshot_handed_out_ = false;
    unstable_.clear();
    unstable_offset_ = snapshot.index + 1;
    handed_out_ = snapshot.index;
    committed_ = snapshot.index;
    base_configuration_ = snapshot.config;
    base_configuration_index_ = snapshot.index;
    configurations_.clear();
}

const Configuration& RaftLog::configuration() const {
    return configurations_.empty() ? base_configuration_ : configurations_.back().second;
}

Index RaftLog::configuration_index() const {
    return configurations_.empty() ? base_configuration_index_ : configurations_.back().first;
}

const Configuration& RaftLog::configuration_at(Index index) const {
    for (auto it = configurations_.rbegin(); it != configurations_.rend(); ++it) {
        if (it->first <= index) return it->second;
    }
    return base_configuration_;
}

std::vector<Entry> RaftLog::take_entries_to_persist() {
    std::vector<Entry> out;
    for (Index i = handed_out_ + 1; i <= last_index(); ++i) out.push_back(unstable_[i - unstable_offset_]);
    handed_out_ = last_index();
    return out;
}

std::optional<SnapshotMetadata> RaftLog::take_snapshot_to_persist() {
    if (!has_snapshot_to_persist()) return std::nullopt;
    snapshot_handed_out_ = true;
    return unstable_snapshot_;
}

bool RaftLog::has_entries_to_persist() const { return handed_out_ < last_index(); }

Index RaftLog::last_handed_out_or_stable() const { return handed_out_; }

void RaftLog::stable_to(Index index, Term expected) {
    if (index < unstable_offset_ || !match_term(index, expected)) return;  // overwritten since handed out
    while (!unstable_.empty() && unstable_.front().index <= index) unstable_.pop_front();
    unstable_offset_ = index + 1;
}

void RaftLog::stable_snapshot_to(Index index) {
    if (!unstable_snapshot_ || unstable_snapshot_->index != index) return;
    unstable_snapshot_.reset();
    snapshot_handed_out_ = false;
    applied_ = std::max(applied_, index);  // the application restored its state machine from it
}

Index RaftLog::apply_start() const {
    const Index pending_snapshot = unstable_snapshot_ ? unstable_snapshot_->index : Index(0);
    return std::max(applied_, pending_snapshot) + 1;
}

std::vector<Entry> RaftLog::next_committed_entries(std::uint64_t max_bytes) const {
    if (!has_next_committed_entries()) return {};
    const Index high = std::min(committed_, last_handed_out_or_stable()) + 1;
    return slice(apply_start(), high, max_bytes);
}

bool RaftLog::has_next_committed_entries() const {
    return apply_start() <= std::min(committed_, last_handed_out_or_stable());
}

void RaftLog::track_configurations(const std::vector<Entry>& entries, std::size_t from) {
    for (std::size_t k = from; k < entries.size(); ++k) {
        if (entries[k].type == EntryType::config) {
            configurations_.emplace_back(entries[k].index, decode_configuration(entries[k]));
        }
    }
}

void RaftLog::forget_configurations_from(Index index) {
    while (!configurations_.empty() && configurations_.back().first >= index) configurations_.pop_back();
}

}  // namespace rq::raft
