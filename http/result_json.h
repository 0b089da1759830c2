#pragma once
// The JSON body of /db/execute, /db/query and /db/request (API.md §3.4), streamed from the store's
// results without a DOM, byte-exact with rqlite: key order, omitted-when-empty fields, associative
// rows with sorted keys, base64 or byte-array BLOBs, Go number formatting.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "env/clock.h"
#include "http/json_writer.h"
#include "store/results.h"

namespace rq::http {

// Which of rqlite's result types the statements render as. The query endpoint renders row sets
// only (QueryRows); execute and request render a union of execute results and row sets
// (ExecuteQueryResponse), which differ in associative mode: execute results gain "rows":null.
enum class ResultFlavour : std::uint8_t { query, execute_or_request };

struct RenderOptions {
    JsonStyle style = JsonStyle::compact;
    ResultFlavour flavour = ResultFlavour::execute_or_request;
    bool associative = false;
    bool blob_array = false;
    bool timings = false;        // per-statement and top-level "time"
    bool raft_index = false;     // top-level "raft_index" (omitted when 0)
};

// Everything a data response can carry at the top level.
struct DataResponse {
    const store::BatchResult* batch = nullptr;  // null: "results":[]
    std::string_view error;                     // top-level "error"; batch->error when empty
    env::Duration time{0};                      // top-level "time" with timings (omitted when 0)
    std::optional<std::int64_t> sequence_number;  // queued writes (omitted when 0)
    std::uint64_t raft_index = 0;
};

// The body, or ErrorCode::invalid_argument with Go's marshal error ("json: unsupported value: +Inf")
// when a REAL is not finite; rqlite answers that with a 500.
Result<std::string> render_data_response(const DataResponse& response, const RenderOptions& options);

// Seconds as Go's float64 (time.Duration.Seconds()).
double duration_seconds(env::Duration duration);

// Standard, padded base64 (Go's base64.StdEncoding), as []byte values are marshalled.
void append_base64(std::string& out, std::string_view bytes);

}  // namespace rq::http
