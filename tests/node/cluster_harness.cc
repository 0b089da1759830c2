#include "tests/node/cluster_harness.h"

#include <atomic>

#include "base/assert.h"

namespace rq::node::testing {

namespace {

constexpr env::Duration tick_length = std::chrono::milliseconds(100);

std::string next_instance() {
    static std::atomic<int> counter{0};
    return "c" + std::to_string(counter++);
}

store::StatementBatch batch_of(const std::vector<std::string>& statements) {
    store::StatementBatch batch;
    for (const std::string& sql : statements) batch.statements.push_back(store::Statement{sql, {}, false});
    return batch;
}

}  // namespace

TestCluster::TestCluster(std::size_t size, std::uint64_t snapshot_threshold, PlantedBug planted_bug)
    : instance_(next_instance()) {
    std::vector<NodeMeta> founders;
    for (std::size_t i = 1; i <= size; ++i) {
        const std::string id = "n" + std::to_string(i);
        founders.push_back(NodeMeta{id, id + ":4002", id + ":4001"});
    }
    for (std::size_t i = 0; i < size; ++i) {
        Member member;
        member.meta = founders[i];
        member.disk = std::make_unique<env::MemoryDisk>(1000 + i);
        member.transport = std::make_unique<QueueTransport>(network_);
        member.options.self = member.meta;
        member.options.data_directory = "/data/" + member.meta.id;
        member.options.store.location = store::DatabaseLocation::in_memory;
        member.options.store.path = instance_ + "-" + member.meta.id;
        member.options.raft.election_timeout_ticks = 10;
        member.options.raft.heartbeat_interval_ticks = 1;
        member.options.raft.seed = 42;
        member.options.raft.snapshot_chunk_bytes = 4096;
        member.options.raft.max_snapshot_inflight_bytes = 16384;
        member.options.tick_interval = tick_length;
        member.options.request_timeout = std::chrono::seconds(5);
        member.options.snapshot_threshold_entries = snapshot_threshold;
        member.options.bootstrap = founders;
        member.options.seed = 7 + i;
        member.options.planted_bug = planted_bug;
        by_raft_id_[raft_id_of(member.meta.id)] = member.meta.id;
        members_.emplace(member.meta.id, std::move(member));
    }
    for (const auto& [id, member] : members_) start(id);
}

TestCluster::~TestCluster() = default;

void TestCluster::start(const std::string& id) {
    const Status started = try_start(id);
    RQ_ASSERT(started.ok(), "open", id, ":", started.ok() ? "" : started.error().message());
}

Status TestCluster::try_start(const std::string& id) {
    Member& member = members_.at(id);
    RQ_ASSERT(!member.driver, "node", id, "is already running");
    auto driver = Driver::open(member.options, Environment{clock_, *member.disk, *member.transport, syncer_});
    if (!driver.ok()) return driver.error();
    member.driver = std::move(driver).value();
    return ok_status();
}

void TestCluster::crash(const std::string& id) {
    Member& member = members_.at(id);
    member.driver.reset();
    member.disk->crash();
}

void TestCluster::deliver_all() {
    for (std::size_t delivered = 0; !network_.empty(); ++delivered) {
        RQ_ASSERT(delivered < 1'000'000, "the network never settles");
        raft::Message message = std::move(network_.front());
        network_.pop_front();
        const auto to = by_raft_id_.find(message.to);
        const auto from = by_raft_id_.find(message.from);
        if (to == by_raft_id_.end() || from == by_raft_id_.end()) continue;
        if (isolated_.count(to->second) > 0 || isolated_.count(from->second) > 0) continue;
        Member& member = members_.at(to->second);
        if (member.driver) member.driver->receive(message);
    }
}

void TestCluster::run_ticks(std::size_t ticks) {
    for (std::size_t i = 0; i < ticks; ++i) {
        clock_.advance(tick_length);
        for (auto& [id, member] : members_) {
            if (member.driver) member.driver->tick();
        }
        deliver_all();
    }
}

std::string TestCluster::await_leader(std::size_t max_ticks) {
    for (std::size_t i = 0; i <= max_ticks; ++i) {
        for (auto& [id, member] : members_) {
            if (member.driver && member.driver->is_leader()) return id;
        }
        run_ticks(1);
    }
    return "";
}

Reply TestCluster::await_reply(const std::shared_ptr<std::optional<Reply>>& slot, std::size_t max_ticks) {
    deliver_all();
    for (std::size_t i = 0; !*slot && i < max_ticks; ++i) run_ticks(1);
    RQ_ASSERT(slot->has_value(), "no reply within", max_ticks, "ticks");
    return std::move(**slot);
}

Reply TestCluster::execute(const std::string& id, const std::vector<std::string>& statements, std::size_t max_ticks) {
    auto slot = std::make_shared<std::optional<Reply>>();
    driver(id).execute(batch_of(statements), WriteOptions{}, [slot](Reply reply) { *slot = std::move(reply); });
    return await_reply(slot, max_ticks);
}

Reply TestCluster::query(const std::string& id, const std::string& sql, ReadLevel level, std::size_t max_ticks) {
    auto slot = std::make_shared<std::optional<Reply>>();
    ReadOptions options;
    options.level = level;
    driver(id).query(batch_of({sql}), options, [slot](Reply reply) { *slot = std::move(reply); });
    return await_reply(slot, max_ticks);
}

std::vector<std::string> TestCluster::ids() const {
    std::vector<std::string> out;
    for (const auto& [id, member] : members_) out.push_back(id);
    return out;
}

std::map<std::string, std::uint64_t> TestCluster::hashes() {
    std::map<std::string, std::uint64_t> out;
    for (auto& [id, member] : members_) {
        if (!member.driver) continue;
        auto hash = member.driver->store().content_hash();
        RQ_ASSERT(hash.ok(), "hash of", id);
        out[id] = *hash;
    }
    return out;
}

}  // namespace rq::node::testing
