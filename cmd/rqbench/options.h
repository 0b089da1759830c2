#pragma once
// rqbench's command line. It keeps the flags of rqlite's own rqbench (API.md §12: -a -n -b -m -x -q -p
// -t -o and the SQL statement as the one positional argument) and adds what a concurrent load needs
// (-c clients, -d run length, -l read level, -json, -rows, -timeout). Syntax is Go's flag package:
// one or two dashes, `-flag value` or `-flag=value`, booleans as `-flag` or `-flag=false`, and
// parsing stops at the first argument that is not a flag (or after `--`).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "env/clock.h"

namespace rq::rqbench {

// Limits on what the command line may ask for; larger values are refused with a clear error.
inline constexpr std::uint64_t kClientsMax = 10'000;
inline constexpr std::uint64_t kBatchMax = 1'000'000;
inline constexpr std::uint64_t kRowsMax = 100'000'000;

struct Options {
    std::string host = "localhost";  // -a host:port
    std::string port = "4001";
    std::uint64_t requests = 100;             // -n, or -d with a bare count
    std::optional<env::Duration> duration;    // -d with a Go duration: run for this long instead
    std::uint32_t clients = 1;                // -c concurrent keep-alive connections
    std::uint32_t batch = 1;                  // -b statements per request
    std::uint64_t progress_every = 0;         // -m: print progress every m requests (0 = never)
    bool transaction = false;                 // -x: add `transaction` to the query string
    bool queued = false;                      // -q: add `queue`; finish with one `queue&wait` request
    std::string path = "/db/execute";         // -p: endpoint path, may carry a query string
    std::string level;                        // -l: none, weak, linearizable, strong or auto ("" = omit)
    std::string one_shot;                     // -o: executed once through /db/execute before the load
    std::uint64_t rows = 1000;                // -rows: rows the default read workload preloads
    env::Duration timeout = std::chrono::seconds(30);  // -timeout: per request, connecting included
    bool json = false;                        // -json: print one JSON object instead of text
    std::string statement;                    // positional; empty = the default workload
    bool help = false;                        // -h, -help: print usage and exit 0

    [[nodiscard]] std::string address() const;  // host:port as given to -a
    // The request target: the path with transaction, queue and level added to its query string.
    [[nodiscard]] std::string target() const;
    // True when the load reads: the path is /db/query.
    [[nodiscard]] bool reads() const;
};

// Parses argv[1..] (without the program name). Errors carry Go flag's wording where one exists
// ("flag provided but not defined: -z", "flag needs an argument: -a").
Result<Options> parse_options(const std::vector<std::string>& args);

// The usage text printed by -h and after a command-line error.
const char* usage_text();

}  // namespace rq::rqbench
