#pragma once
// The data API's response bodies (API.md §3.4) as the shell reads them, with Go's decoding rules:
// absent and null members are zero values, and a result "has rows" when it carries columns, types
// or values (rqlite's CLI tells a query result from an execute result that way).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "cmd/rqlite/render.h"

namespace rq::shell {

struct StatementResult {
    bool has_rows = false;
    RowSet rows;
    std::int64_t last_insert_id = 0;
    std::int64_t rows_affected = 0;
    double time_seconds = 0;
    std::string error;
};

struct DataResponse {
    std::vector<StatementResult> results;
    std::string error;  // top-level "error"
};

// Decodes a /db/execute, /db/query, /db/request or /db/load body.
Result<DataResponse> decode_data_response(std::string_view body);

}  // namespace rq::shell
