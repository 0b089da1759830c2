#pragma once
// How the shell prints what the server returns.
//
// Row sets, by output mode (.mode):
//   column  rqlite's table (the layout of the textutil package rqlite's CLI uses): a border line of
//           '+' and '-' above the header, below it and below every row; each cell is
//           "| " + value left-aligned + " ". A column is as wide as its longest cell counted in
//           bytes, while padding is counted in characters (Go's %-Ns), so a column holding
//           non-ASCII text is wider than its text, exactly as in rqlite. Values print as Go's %v
//           prints the decoded JSON: NULL as "<nil>", a missing cell as "NULL".
//   csv     a header line, then one line per row; fields quoted when they hold '"', ',', CR or LF,
//           or begin with a space (Go's encoding/csv rules); NULL is an empty field.
//   json    an array of objects keyed by column name, one row per line:
//           [{"id":1,"name":"fiona"},\n{"id":2,"name":"declan"}]; no rows prints [].
//   line    one "name = value" line per column, names right-aligned, a blank line between rows.
//
// Diagnostic JSON (.status, .expvar, .nodes) prints as rqlite's CLI prints it: "key: value" lines,
// keys sorted, two spaces of indentation per nested object, null members skipped.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cmd/rqlite/json_tree.h"

namespace rq::shell {

enum class OutputMode : std::uint8_t { column, csv, json, line };

std::string_view mode_name(OutputMode mode);
std::optional<OutputMode> parse_mode(std::string_view name);

struct RowSet {
    std::vector<std::string> columns;
    std::vector<std::vector<JsonNode>> values;  // rows; a row may be shorter than `columns`
};

// The row set in `mode`, ending with a line break (empty for a row set without columns).
std::string render_rows(const RowSet& rows, OutputMode mode);

// A table of text cells (row 0 is the header) in rqlite's column layout.
std::string render_table(const std::vector<std::vector<std::string>>& cells);

// A JSON object as rqlite's CLI prints it (see above).
std::string render_key_values(const JsonNode& object);

// Go's fmt "%f": six digits after the point.
std::string format_fixed6(double value);

}  // namespace rq::shell
