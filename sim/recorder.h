#pragma once
// What clients saw: one check::History of every operation (the oracles pick what each checks), the
// read level of each read, operation counts by kind and outcome, and the bank invariant's breaks.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "check/history.h"
#include "node/driver.h"

namespace rq::sim {

const char* read_level_name(node::ReadLevel level);

class Recorder {
public:
    // `level` is set for reads.
    void invoke(check::ProcessId process, std::int64_t time, const std::string& f, const std::string& key,
                const check::Value& input, std::optional<node::ReadLevel> level);
    void complete(check::ProcessId process, std::int64_t time, check::Outcome outcome, check::Value output = {},
                  const std::string& note = {});
    void invariant_broken(const std::string& what) { invariant_breaks_.push_back(what); }

    [[nodiscard]] const check::History& history() const { return history_; }
    // The read level of the operation invoked at this event index, if it was a read.
    [[nodiscard]] std::optional<node::ReadLevel> level_of(std::size_t invoke_event) const;
    // "write", "read@weak", ... -> outcome name -> count.
    [[nodiscard]] const std::map<std::string, std::map<std::string, std::uint64_t>>& counts() const { return counts_; }
    [[nodiscard]] const std::vector<std::string>& invariant_breaks() const { return invariant_breaks_; }

private:
    check::History history_;
    std::map<std::size_t, node::ReadLevel> levels_;      // by invoke event
    std::map<check::ProcessId, std::string> in_flight_;  // process -> counted kind
    std::map<std::string, std::map<std::string, std::uint64_t>> counts_;
    std::vector<std::string> invariant_breaks_;
};

}  // namespace rq::sim
