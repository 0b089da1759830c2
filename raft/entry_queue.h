#pragma once
// A run of consecutive log entries that grows at the back and is trimmed at both ends: the unstable
// tail of RaftLog, the WAL's in-memory log. It replaces std::deque there: entries sit in one vector,
// so reading one (the core reads terms on every message) is an index instead of a deque's two-level
// lookup. Entries dropped at the front leave a gap that is closed, in one move, once it is as large
// as what remains, so trimming stays O(1) amortised.

#include <cstddef>
#include <span>
#include <utility>
#include <vector>

#include "base/assert.h"
#include "raft/types.h"

namespace rq::raft {

class EntryQueue {
public:
    [[nodiscard]] std::size_t size() const { return entries_.size() - head_; }
    [[nodiscard]] bool empty() const { return size() == 0; }

    [[nodiscard]] const Entry& operator[](std::size_t position) const { return entries_[head_ + position]; }
    [[nodiscard]] const Entry& front() const { return entries_[head_]; }
    [[nodiscard]] const Entry& back() const { return entries_.back(); }
    [[nodiscard]] std::span<const Entry> view() const { return std::span<const Entry>(entries_).subspan(head_); }
    [[nodiscard]] auto begin() const { return view().begin(); }
    [[nodiscard]] auto end() const { return view().end(); }

    void push_back(Entry entry) { entries_.push_back(std::move(entry)); }
    void append(std::span<const Entry> entries) { entries_.insert(entries_.end(), entries.begin(), entries.end()); }
    void pop_back() {
        RQ_ASSERT(!empty(), "pop_back of an empty entry queue");
        entries_.pop_back();
    }
    // Keeps the first `count` entries.
    void truncate(std::size_t count) {
        RQ_ASSERT(count <= size(), "truncate to", count, "of", size());
        entries_.resize(head_ + count);
    }
    void pop_front() {
        RQ_ASSERT(!empty(), "pop_front of an empty entry queue");
        entries_[head_++] = Entry{};  // its data may be the last reference to large bytes: free them now
        if (head_ >= compact_at_least && head_ >= size()) {
            entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(head_));
            head_ = 0;
        }
    }
    void clear() {
        entries_.clear();
        head_ = 0;
    }

private:
    // Below this many dropped entries the gap is left alone: closing it would cost more than it frees.
    static constexpr std::size_t compact_at_least = 64;

    std::vector<Entry> entries_;
    std::size_t head_ = 0;  // entries_[0, head_) were popped from the front
};

}  // namespace rq::raft
