// Property: for any sequence of appends, suffix overwrites, hard states, group-commit syncs,
// snapshots (compaction) and crashes in any mode, every recovery yields a state the reference model
// allows: nothing acknowledged is lost and nothing never written appears.

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "reference_model.h"
#include "wal/durable_storage.h"
#include "wal_test_support.h"

namespace rq::wal {
namespace {

using testing::DurableState;
using testing::make_entry;
using testing::ReferenceModel;

enum class OpKind { append, overwrite, hard_state, sync, snapshot, crash, restart };

struct Op {
    OpKind kind = OpKind::append;
    std::uint64_t count = 1;       // entries to append, or how far back an overwrite starts
    std::uint64_t data_bytes = 0;  // per entry
    std::uint64_t variant = 0;     // crash mode, zero fill
};

rc::Gen<Op> gen_op() {
    return rc::gen::map(rc::gen::tuple(rc::gen::weightedElement<OpKind>({{6, OpKind::append},
                                                                         {2, OpKind::overwrite},
                                                                         {2, OpKind::hard_state},
                                                                         {4, OpKind::sync},
                                                                         {1, OpKind::snapshot},
                                                                         {1, OpKind::crash},
                                                                         {1, OpKind::restart}}),
                                       rc::gen::inRange<std::uint64_t>(1, 6), rc::gen::inRange<std::uint64_t>(0, 700),
                                       rc::gen::inRange<std::uint64_t>(0, 6)),
                        [](const std::tuple<OpKind, std::uint64_t, std::uint64_t, std::uint64_t>& t) {
                            return Op{std::get<0>(t), std::get<1>(t), std::get<2>(t), std::get<3>(t)};
                        });
}

DurableStorageOptions options() {
    DurableStorageOptions result;
    result.wal.segment_bytes_max = 4096;
    return result;
}

DurableState state_of(const DurableStorage& storage) {
    DurableState state;
    state.hard_state = storage.hard_state();
    state.snapshot = {storage.snapshot_metadata().index, storage.snapshot_metadata().term};
    state.entries = storage.entries(storage.first_index(), storage.last_index() + 1, UINT64_MAX);
    return state;
}

class Runner {
public:
    explicit Runner(std::uint64_t seed) : disk_(seed) { reopen(); }

    void run(const Op& op) {
        switch (op.kind) {
            case OpKind::append: return append(op.count, op.data_bytes, false);
            case OpKind::overwrite: return append(op.count, op.data_bytes, true);
            case OpKind::hard_state: return save_hard_state();
            case OpKind::sync:
                RC_ASSERT(storage_->sync().ok());
                model_.acknowledge();
                return;
            case OpKind::snapshot: return snapshot();
            case OpKind::crash:
                storage_.reset();
                disk_.crash({static_cast<env::CrashMode>(op.variant % 3), op.variant >= 3});
                return reopen();
            case OpKind::restart:
                storage_.reset();
                return reopen();
        }
    }

private:
    void append(std::uint64_t count, std::uint64_t data_bytes, bool overwrite) {
        const DurableState& current = model_.current();
        raft::Index first = current.last_index() + 1;
        if (overwrite) {
            // Only entries after the snapshot (in Raft: uncommitted ones) can be overwritten.
            const std::uint64_t room = current.entries.size();
            if (room == 0) return;
            first = first - std::min(count, room);
            ++term_;
        }
        std::vector<raft::Entry> entries;
        for (std::uint64_t i = 0; i < count; ++i) {
            entries.push_back(make_entry(first.value() + i, term_, std::string(data_bytes, static_cast<char>('a' + i))));
        }
        model_.append(entries);
        RC_ASSERT(storage_->save(entries, std::nullopt).ok());
    }

    void save_hard_state() {
        const raft::HardState state{raft::Term(term_), raft::NodeId(1 + term_ % 3), model_.current().last_index()};
        model_.save_hard_state(state);
        RC_ASSERT(storage_->save({}, state).ok());
    }

    void snapshot() {
        const DurableState& current = model_.current();
        if (current.entries.empty()) return;
        const raft::Index index = current.entries[current.entries.size() / 2].index;
        const raft::SnapshotMetadata metadata{index, current.term_at(index), {{raft::NodeId(1)}, {}}};
        auto writer = storage_->begin_snapshot(metadata);
        RC_ASSERT(writer.ok());
        RC_ASSERT((*writer)->append("snapshot at " + std::to_string(index.value())).ok());
        auto info = (*writer)->finish();
        RC_ASSERT(info.ok());
        model_.snapshot_durable({metadata.index, metadata.term});
        RC_ASSERT(storage_->install_snapshot(*info).ok());
    }

    void reopen() {
        auto storage = DurableStorage::open(disk_, "/node", options());
        RC_ASSERT(storage.ok());
        storage_ = std::move(*storage);
        const DurableState recovered = state_of(*storage_);
        RC_ASSERT(model_.allows(recovered));
        if (recovered.snapshot.index > raft::Index(0)) {
            RC_ASSERT(*storage_->read_snapshot(0, 1000) == "snapshot at " + std::to_string(recovered.snapshot.index.value()));
        }
        model_.restart_from(recovered);
        term_ = std::max(term_, recovered.entries.empty() ? recovered.snapshot.term.value() : recovered.entries.back().term.value());
        if (term_ == 0) term_ = 1;
    }

    env::MemoryDisk disk_;
    ReferenceModel model_;
    std::unique_ptr<DurableStorage> storage_;
    std::uint64_t term_ = 1;
};

RC_GTEST_PROP(WalProperty, RecoveryNeverLosesAcknowledgedStateNorInventsAny, ()) {
    const auto seed = *rc::gen::arbitrary<std::uint64_t>();
    const auto ops = *rc::gen::container<std::vector<Op>>(gen_op());
    Runner runner(seed);
    for (const Op& op : ops) runner.run(op);
    runner.run(Op{OpKind::crash, 1, 0, seed % 6});
}

}  // namespace
}  // namespace rq::wal
