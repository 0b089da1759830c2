#include "wal/memory_log.h"

#include "base/assert.h"

namespace rq::wal {

raft::Term MemoryLog::term(raft::Index index) const {
    if (index == snapshot_.index) return snapshot_.term;
    return at(index).term;
}

const raft::Entry& MemoryLog::at(raft::Index index) const {
    RQ_ASSERT(index >= first_index() && index <= last_index(), "index", index, "first", first_index(), "last",
              last_index());
    return entries_[static_cast<std::size_t>(index - first_index())];
}

std::vector<raft::Entry> MemoryLog::entries(raft::Index low, raft::Index high, std::uint64_t max_bytes) const {
    RQ_ASSERT(low >= first_index() && low <= high && high <= last_index() + 1, "low", low, "high", high, "first",
              first_index(), "last", last_index());
    std::vector<raft::Entry> result;
    std::uint64_t total = 0;
    for (raft::Index index = low; index < high; ++index) {
        const raft::Entry& entry = at(index);
        if (!result.empty() && total + entry.size_bytes() > max_bytes) break;
        total += entry.size_bytes();
        result.push_back(entry);
    }
    return result;
}

std::optional<std::string> MemoryLog::append_problem(const raft::Entry& entry) const {
    if (entry.index < first_index()) {
        return "entry " + std::to_string(entry.index.value()) + " is at or below the snapshot at " +
               std::to_string(snapshot_.index.value());
    }
    if (entry.index > last_index() + 1) {
        return "entry " + std::to_string(entry.index.value()) + " leaves a gap after the last entry " +
               std::to_string(last_index().value());
    }
    if (entry.term == raft::Term(0)) return "entry " + std::to_string(entry.index.value()) + " has term 0";
    const raft::Term previous = term(entry.index - 1);
    if (entry.term < previous) {
        return "entry " + std::to_string(entry.index.value()) + " has term " + std::to_string(entry.term.value()) +
               ", below its predecessor's term " + std::to_string(previous.value());
    }
    return std::nullopt;
}

void MemoryLog::append(raft::Entry entry) {
    const auto problem = append_problem(entry);
    RQ_ASSERT(!problem, *problem);
    while (last_index() >= entry.index) {
        size_bytes_ -= entries_.back().size_bytes();
        entries_.pop_back();
    }
    size_bytes_ += entry.size_bytes();
    entries_.push_back(std::move(entry));
}

void MemoryLog::apply_snapshot(SnapshotPoint snapshot) {
    RQ_ASSERT(snapshot.index >= snapshot_.index, "snapshot", snapshot.index, "current", snapshot_.index);
    const bool keeps_suffix = snapshot.index <= last_index() && term(snapshot.index) == snapshot.term;
    if (!keeps_suffix) {
        entries_.clear();
        size_bytes_ = 0;
    }
    while (!entries_.empty() && entries_.front().index <= snapshot.index) {
        size_bytes_ -= entries_.front().size_bytes();
        entries_.pop_front();
    }
    snapshot_ = snapshot;
}

}  // namespace rq::wal
