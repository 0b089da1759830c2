#pragma once
// What rqbench sends: the setup requests that run once before the load, and the body of each load
// request. Bodies are rqlite's JSON statement arrays (API.md §3.1).
//
// With a statement on the command line, every request carries it `batch` times, as rqlite's rqbench
// does. Without one, the default workload uses a table of its own, rqbench(id INTEGER PRIMARY KEY,
// v TEXT), created first:
//   - writes (any endpoint but /db/query): each statement inserts one row with a 100-byte value, the
//     same row size the peer benchmarks write (../shared/peers);
//   - reads (/db/query): the ids 1..rows are written first (INSERT OR REPLACE, so repeated runs
//     agree), then each statement selects one of them by primary key, spread by a fixed hash of
//     the request's sequence number (no randomness, so two runs send the same keys).

#include <cstdint>
#include <string>
#include <vector>

#include "cmd/rqbench/options.h"

namespace rq::rqbench {

inline constexpr std::size_t kValueBytes = 100;
inline constexpr std::uint64_t kPreloadRowsPerRequest = 500;

class Workload {
public:
    static Workload from_options(const Options& options);

    // Bodies for POST /db/execute, to send in order before the load; every one must succeed.
    [[nodiscard]] const std::vector<std::string>& setup_bodies() const { return setup_bodies_; }
    // The body of load request number `sequence` (0, 1, 2, ... across all clients).
    [[nodiscard]] std::string body(std::uint64_t sequence) const;
    // One line for the report: what each statement is.
    [[nodiscard]] const std::string& description() const { return description_; }

private:
    Workload() = default;

    std::vector<std::string> setup_bodies_;
    std::string fixed_body_;   // the same for every request (a given statement, or default writes)
    std::uint64_t read_rows_ = 0;  // > 0: default reads over ids 1..read_rows_
    std::uint32_t batch_ = 1;
    std::string description_;
};

}  // namespace rq::rqbench
