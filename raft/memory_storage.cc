#include "raft/memory_storage.h"

#include "base/assert.h"

namespace rq::raft {

Term MemoryStorage::term(Index index) const {
    RQ_ASSERT(index >= snapshot_.index && index <= last_index(), "term of", index, "outside", snapshot_.index,
              last_index());
    if (index == snapshot_.index) return snapshot_.term;
    return entries_[index - first_index()].term;
}

std::vector<Entry> MemoryStorage::entries(Index low, Index high, std::uint64_t max_bytes) const {
    RQ_ASSERT(low >= first_index() && high <= last_index() + 1 && low <= high, low, high, first_index(),
              last_index());
    std::vector<Entry> out;
    std::uint64_t bytes = 0;
    for (Index i = low; i < high; ++i) {
        const Entry& entry = entries_[i - first_index()];
        bytes += entry.size_bytes();
        if (!out.empty() && bytes > max_bytes) break;
        out.push_back(entry);
    }
    return out;
}

Result<std::string> MemoryStorage::read_snapshot(std::uint64_t offset, std::uint64_t max_bytes) const {
    if (offset > snapshot_data_.size()) return Error(ErrorCode::invalid_argument, "snapshot offset past the end");
    return snapshot_data_.substr(offset, max_bytes);
}

void MemoryStorage::append(const std::vector<Entry>& entries) {
    if (entries.empty()) return;
    const Index first_new = entries.front().index;
    RQ_ASSERT(first_new > snapshot_.index && first_new <= last_index() + 1, "append at", first_new, "to log",
              first_index(), last_index());
    entries_.resize(first_new - first_index());
    entries_.insert(entries_.end(), entries.begin(), entries.end());
}

void MemoryStorage::install_snapshot(const SnapshotMetadata& metadata, std::string data) {
    snapshot_ = metadata;
    snapshot_data_ = std::move(data);
    entries_.clear();
}

void MemoryStorage::compact(Index index, const Configuration& config, std::string data) {
    RQ_ASSERT(index > snapshot_.index && index <= last_index(), "compact to", index, "log", first_index(),
              last_index());
    const Term term_at = term(index);
    entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(index - first_index() + 1));
    snapshot_ = SnapshotMetadata{index, term_at, config};
    snapshot_data_ = std::move(data);
}

}  // namespace rq::raft
