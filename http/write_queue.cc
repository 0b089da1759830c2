#include "http/write_queue.h"

#include <memory>

namespace rq::http {

WriteQueue::WriteQueue(Backend& backend, Scheduler& scheduler, Counters& counters, WriteQueueOptions options,
                       std::int64_t sequence_start)
    : backend_(backend), scheduler_(scheduler), counters_(counters), options_(options), next_sequence_(sequence_start) {
    if (options_.batch_size == 0) options_.batch_size = 1;
    if (options_.capacity == 0) options_.capacity = 1;
}

WriteQueue::~WriteQueue() {
    *alive_ = false;
    batch_timer_.cancel();
    retry_timer_.cancel();
}

void WriteQueue::enqueue(std::vector<store::Statement> statements, std::function<void(std::int64_t)> admitted,
                         std::function<void()> flushed) {
    Parked request{std::move(statements), std::move(admitted), std::move(flushed)};
    // A full queue holds the request until a batch leaves (rqlite blocks the handler).
    if (queue_.size() >= options_.capacity || !parked_.empty()) {
        parked_.push_back(std::move(request));
        return;
    }
    admit(std::move(request));
}

void WriteQueue::admit(Parked request) {
    const std::int64_t sequence_number = ++next_sequence_;
    counters_.add("queued_executions_num_stmts_rx", static_cast<std::int64_t>(request.statements.size()));
    queue_.push_back(Entry{sequence_number, std::move(request.statements), std::move(request.flushed)});
    request.admitted(sequence_number);
    maybe_flush();
}

void WriteQueue::maybe_flush() {
    if (queue_.empty() || submitting_) return;
    if (queue_.size() >= options_.batch_size || flush_due_) {
        flush_now();
        return;
    }
    if (timer_armed_) return;
    timer_armed_ = true;
    std::weak_ptr<bool> alive = alive_;
    batch_timer_ = scheduler_.after(options_.timeout, [this, alive] {
        if (alive.expired()) return;
        timer_armed_ = false;
        flush_due_ = true;
        maybe_flush();
    });
}

void WriteQueue::flush_now() {
    if (submitting_ || queue_.empty()) return;
    batch_timer_.cancel();
    timer_armed_ = false;
    flush_due_ = false;
    const std::size_t take = std::min(queue_.size(), options_.batch_size);
    in_flight_.clear();
    for (std::size_t i = 0; i < take; ++i) {
        in_flight_.push_back(std::move(queue_.front()));
        queue_.pop_front();
    }
    while (!parked_.empty() && queue_.size() < options_.capacity) {
        Parked next = std::move(parked_.front());
        parked_.pop_front();
        const std::int64_t sequence_number = ++next_sequence_;
        counters_.add("queued_executions_num_stmts_rx", static_cast<std::int64_t>(next.statements.size()));
        queue_.push_back(Entry{sequence_number, std::move(next.statements), std::move(next.flushed)});
        next.admitted(sequence_number);
    }
    submitting_ = true;
    submit();
}

void WriteQueue::submit() {
    DataCall call;
    call.batch.transaction = options_.transaction;
    for (const Entry& entry : in_flight_) {
        call.batch.statements.insert(call.batch.statements.end(), entry.statements.begin(), entry.statements.end());
    }
    // Statements were rewritten when they were queued (API.md §5), so a retry proposes the same text.
    call.rewrite.parse = false;
    if (call.batch.statements.empty()) {  // only flush markers: nothing to execute
        complete_batch();
        return;
    }
    std::weak_ptr<bool> alive = alive_;
    backend_.execute(std::move(call), [this, alive](Outcome<DataResults> outcome) {
        if (alive.expired()) return;
        on_batch_done(outcome);
    });
}

void WriteQueue::on_batch_done(const Outcome<DataResults>& outcome) {
    if (const auto* error = std::get_if<EngineError>(&outcome)) {
        // Per-statement SQL errors are results, not failures, and are dropped as rqlite drops them.
        count_failure(*error);
        std::weak_ptr<bool> alive = alive_;
        retry_timer_ = scheduler_.after(options_.retry_delay, [this, alive] {
            if (!alive.expired()) submit();
        });
        return;
    }
    complete_batch();
}

void WriteQueue::complete_batch() {
    std::vector<Entry> done = std::move(in_flight_);
    in_flight_.clear();
    std::int64_t statements = 0;
    for (const Entry& entry : done) statements += static_cast<std::int64_t>(entry.statements.size());
    if (!done.empty()) last_written_ = done.back().sequence_number;
    counters_.add("queued_executions_num_stmts_tx", statements);
    counters_.add("queued_executions_ok");
    submitting_ = false;
    for (Entry& entry : done) {
        if (entry.flushed) entry.flushed();
    }
    maybe_flush();
}

void WriteQueue::count_failure(const EngineError& error) {
    counters_.add("queued_executions_failed");
    switch (error.kind) {
        case EngineErrorKind::leader_not_found: counters_.add("queued_executions_no_leader"); break;
        case EngineErrorKind::not_leader: counters_.add("queued_executions_not_leader"); break;
        case EngineErrorKind::leadership_lost: counters_.add("queued_executions_leadership_lost"); break;
        default: counters_.add("queued_executions_unknown_error"); break;
    }
}

}  // namespace rq::http
