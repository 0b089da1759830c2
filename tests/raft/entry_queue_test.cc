// EntryQueue against std::deque, the container it replaces: random pushes, appends, pops at both
// ends, truncations and clears, long enough to close the front gap many times.

#include "raft/entry_queue.h"

#include <gtest/gtest.h>

#include <deque>

namespace rq::raft {
namespace {

void expect_same(const EntryQueue& queue, const std::deque<Entry>& model) {
    ASSERT_EQ(queue.size(), model.size());
    ASSERT_EQ(queue.empty(), model.empty());
    for (std::size_t i = 0; i < model.size(); ++i) ASSERT_EQ(queue[i], model[i]) << i;
    if (!model.empty()) {
        EXPECT_EQ(queue.front(), model.front());
        EXPECT_EQ(queue.back(), model.back());
    }
    EXPECT_TRUE(std::equal(queue.begin(), queue.end(), model.begin(), model.end()));
}

TEST(EntryQueueTest, BehavesAsADequeOfEntries) {
    EntryQueue queue;
    std::deque<Entry> model;
    std::uint64_t state = 7;
    auto next = [&state](std::uint64_t below) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return (state >> 33) % below;
    };
    std::uint64_t index = 0;
    auto make = [&index] {
        ++index;
        return Entry{Term(index / 10 + 1), Index(index), EntryType::normal, "e" + std::to_string(index)};
    };
    for (int step = 0; step < 20000; ++step) {
        switch (next(9)) {
            case 0:
            case 1:
            case 2: {
                Entry entry = make();
                model.push_back(entry);
                queue.push_back(std::move(entry));
                break;
            }
            case 3: {
                std::vector<Entry> batch;
                for (std::uint64_t k = next(5); k > 0; --k) batch.push_back(make());
                model.insert(model.end(), batch.begin(), batch.end());
                queue.append(batch);
                break;
            }
            case 4:
            case 5:
                if (!model.empty()) {
                    model.pop_front();
                    queue.pop_front();
                }
                break;
            case 6:
                if (!model.empty()) {
                    model.pop_back();
                    queue.pop_back();
                }
                break;
            case 7: {
                const std::size_t keep = model.empty() ? 0 : next(model.size() + 1);
                model.resize(keep);
                queue.truncate(keep);
                break;
            }
            case 8:
                if (next(50) == 0) {
                    model.clear();
                    queue.clear();
                }
                break;
        }
        expect_same(queue, model);
        if (::testing::Test::HasFatalFailure()) return;
    }
}

TEST(EntryQueueTest, DrainingFromTheFrontKeepsTheRestInOrder) {
    EntryQueue queue;
    for (std::uint64_t i = 1; i <= 1000; ++i) queue.push_back(Entry{Term(1), Index(i), EntryType::normal, {}});
    for (std::uint64_t i = 1; i <= 990; ++i) {
        ASSERT_EQ(queue.front().index, Index(i));
        queue.pop_front();
    }
    ASSERT_EQ(queue.size(), 10u);
    for (std::size_t k = 0; k < queue.size(); ++k) EXPECT_EQ(queue[k].index, Index(991 + k));
}

}  // namespace
}  // namespace rq::raft
