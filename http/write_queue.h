#pragma once
// Queued writes (API.md §5): `POST /db/execute?queue` is acknowledged at once with a sequence
// number; queued requests are merged, in order, into one execute per batch of `batch_size` requests
// or after `timeout`, and a failed batch is retried after a pause until it succeeds. `?wait` waits
// for the batch holding the request, which (FIFO) covers every request queued before it.
//
// Runs on the event loop; timers come from a Scheduler. The backend may answer synchronously.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "env/clock.h"
#include "http/backend.h"
#include "http/scheduler.h"
#include "store/command.h"

namespace rq::http {

// Named counters of one expvar map ("http").
class Counters {
public:
    void add(const std::string& name, std::int64_t delta = 1) { values_[name] += delta; }
    [[nodiscard]] std::int64_t get(const std::string& name) const {
        const auto found = values_.find(name);
        return found == values_.end() ? 0 : found->second;
    }
    [[nodiscard]] const std::map<std::string, std::int64_t>& all() const { return values_; }

private:
    std::map<std::string, std::int64_t> values_;
};

struct WriteQueueOptions {
    std::size_t capacity = 1024;   // -write-queue-capacity: requests waiting (a full queue parks new ones)
    std::size_t batch_size = 128;  // -write-queue-batch-size: requests merged into one execute
    env::Duration timeout = std::chrono::milliseconds(50);  // -write-queue-timeout
    bool transaction = false;                                // -write-queue-tx
    env::Duration retry_delay = std::chrono::seconds(1);    // pause before retrying a failed batch
};

class WriteQueue {
public:
    // Sequence numbers continue from `sequence_start` (rqlite: the start time in Unix nanoseconds).
    WriteQueue(Backend& backend, Scheduler& scheduler, Counters& counters, WriteQueueOptions options,
               std::int64_t sequence_start);
    ~WriteQueue();
    WriteQueue(const WriteQueue&) = delete;
    WriteQueue& operator=(const WriteQueue&) = delete;

    // Queues `statements` (already rewritten; may be empty: a flush marker). `admitted` receives the
    // request's sequence number once there is room (at once unless the queue is full); `flushed`, if
    // set, runs after the batch holding the request has executed successfully.
    void enqueue(std::vector<store::Statement> statements, std::function<void(std::int64_t)> admitted,
                 std::function<void()> flushed);

    // The highest sequence number whose batch has executed (0 before any).
    [[nodiscard]] std::int64_t last_written_sequence_number() const { return last_written_; }
    [[nodiscard]] const WriteQueueOptions& options() const { return options_; }
    [[nodiscard]] std::size_t queued() const { return queue_.size(); }

private:
    struct Entry {
        std::int64_t sequence_number;
        std::vector<store::Statement> statements;
        std::function<void()> flushed;
    };
    struct Parked {
        std::vector<store::Statement> statements;
        std::function<void(std::int64_t)> admitted;
        std::function<void()> flushed;
    };

    void admit(Parked request);
    void maybe_flush();
    void flush_now();
    void submit();
    void on_batch_done(const Outcome<DataResults>& outcome);
    void complete_batch();
    void count_failure(const EngineError& error);

    Backend& backend_;
    Scheduler& scheduler_;
    Counters& counters_;
    WriteQueueOptions options_;
    std::int64_t next_sequence_;
    std::int64_t last_written_ = 0;
    std::deque<Entry> queue_;
    std::deque<Parked> parked_;
    std::vector<Entry> in_flight_;
    bool submitting_ = false;
    bool timer_armed_ = false;
    bool flush_due_ = false;
    TimerToken batch_timer_;
    TimerToken retry_timer_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace rq::http
