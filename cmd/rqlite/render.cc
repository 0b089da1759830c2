#include "cmd/rqlite/render.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace rq::shell {
namespace {

// Characters in UTF-8 text, as utf8.RuneCountInString counts them for valid input.
std::size_t character_count(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

std::string cell_text(const RowSet& rows, std::size_t row, std::size_t column) {
    const std::vector<JsonNode>& values = rows.values[row];
    if (column >= values.size()) return "NULL";
    return go_value_text(values[column]);
}

std::string border_line(const std::vector<std::size_t>& widths) {
    std::string line = "+";
    for (const std::size_t width : widths) {
        line.append(width + 2, '-');
        line += '+';
    }
    return line;
}

std::string render_column(const RowSet& rows) {
    std::vector<std::vector<std::string>> cells;
    cells.reserve(rows.values.size() + 1);
    cells.push_back(rows.columns);
    for (std::size_t row = 0; row < rows.values.size(); ++row) {
        std::vector<std::string> line;
        line.reserve(rows.columns.size());
        for (std::size_t column = 0; column < rows.columns.size(); ++column) line.push_back(cell_text(rows, row, column));
        cells.push_back(std::move(line));
    }
    return render_table(cells);
}

bool csv_needs_quotes(std::string_view field) {
    if (field.empty()) return false;
    if (field == "\\.") return true;
    if (field.find_first_of("\",\r\n") != std::string_view::npos) return true;
    const char first = field.front();
    return first == ' ' || first == '\t' || first == '\n' || first == '\v' || first == '\f' || first == '\r';
}

void append_csv_field(std::string& out, std::string_view field) {
    if (!csv_needs_quotes(field)) {
        out += field;
        return;
    }
    out += '"';
    for (const char c : field) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

void append_csv_line(std::string& out, const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) out += ',';
        append_csv_field(out, fields[i]);
    }
    out += '\n';
}

std::string render_csv(const RowSet& rows) {
    std::string out;
    append_csv_line(out, rows.columns);
    for (std::size_t row = 0; row < rows.values.size(); ++row) {
        std::vector<std::string> fields;
        for (std::size_t column = 0; column < rows.columns.size(); ++column) {
            const bool null = column >= rows.values[row].size() || rows.values[row][column].is_null();
            fields.push_back(null ? std::string() : cell_text(rows, row, column));
        }
        append_csv_line(out, fields);
    }
    return out;
}

std::string render_json(const RowSet& rows) {
    std::string out = "[";
    for (std::size_t row = 0; row < rows.values.size(); ++row) {
        if (row > 0) out += ",\n";
        out += '{';
        for (std::size_t column = 0; column < rows.columns.size(); ++column) {
            if (column > 0) out += ',';
            append_json_string_literal(out, rows.columns[column]);
            out += ':';
            const std::vector<JsonNode>& values = rows.values[row];
            if (column < values.size()) {
                append_json(out, values[column]);
            } else {
                out += "null";
            }
        }
        out += '}';
    }
    out += "]\n";
    return out;
}

std::string render_line(const RowSet& rows) {
    std::size_t name_width = 0;
    for (const std::string& name : rows.columns) name_width = std::max(name_width, character_count(name));
    std::string out;
    for (std::size_t row = 0; row < rows.values.size(); ++row) {
        if (row > 0) out += '\n';
        for (std::size_t column = 0; column < rows.columns.size(); ++column) {
            const std::string& name = rows.columns[column];
            out.append(name_width - character_count(name), ' ');
            out += name;
            out += " = ";
            out += cell_text(rows, row, column);
            out += '\n';
        }
    }
    return out;
}

void append_key_values(std::string& out, const JsonNode& object, std::size_t depth) {
    // A Go map: the last of repeated keys wins, and keys print sorted.
    std::map<std::string_view, const JsonNode*> members;
    for (const auto& [key, value] : object.members) members[key] = &value;
    for (const auto& [key, value] : members) {
        if (value->is_null()) continue;
        out.append(depth * 2, ' ');
        out += key;
        if (value->kind == JsonNode::Kind::object) {
            out += ":\n";
            append_key_values(out, *value, depth + 1);
        } else {
            out += ": ";
            out += go_value_text(*value);
            out += '\n';
        }
    }
}

}  // namespace

std::string_view mode_name(OutputMode mode) {
    switch (mode) {
        case OutputMode::column: return "column";
        case OutputMode::csv: return "csv";
        case OutputMode::json: return "json";
        case OutputMode::line: return "line";
    }
    return "column";
}

std::optional<OutputMode> parse_mode(std::string_view name) {
    for (const OutputMode mode : {OutputMode::column, OutputMode::csv, OutputMode::json, OutputMode::line}) {
        if (mode_name(mode) == name) return mode;
    }
    return std::nullopt;
}

std::string render_rows(const RowSet& rows, OutputMode mode) {
    if (rows.columns.empty()) return {};
    switch (mode) {
        case OutputMode::column: return render_column(rows);
        case OutputMode::csv: return render_csv(rows);
        case OutputMode::json: return render_json(rows);
        case OutputMode::line: return render_line(rows);
    }
    return {};
}

std::string render_table(const std::vector<std::vector<std::string>>& cells) {
    if (cells.empty() || cells.front().empty()) return {};
    const std::size_t columns = cells.front().size();
    std::vector<std::size_t> widths(columns, 0);
    for (const auto& row : cells) {
        for (std::size_t column = 0; column < columns && column < row.size(); ++column) {
            widths[column] = std::max(widths[column], row[column].size());
        }
    }
    const std::string border = border_line(widths);
    std::string out = border;
    for (const auto& row : cells) {
        out += "\n|";
        for (std::size_t column = 0; column < columns; ++column) {
            const std::string_view text = column < row.size() ? std::string_view(row[column]) : std::string_view();
            out += ' ';
            out += text;
            const std::size_t shown = character_count(text);
            if (shown < widths[column] + 1) out.append(widths[column] + 1 - shown, ' ');
            out += '|';
        }
        out += '\n';
        out += border;
    }
    out += '\n';
    return out;
}

std::string render_key_values(const JsonNode& object) {
    std::string out;
    if (object.kind == JsonNode::Kind::object) append_key_values(out, object, 0);
    return out;
}

std::string format_fixed6(double value) {
    char buffer[64];
    const int n = std::snprintf(buffer, sizeof buffer, "%f", value);
    if (n < 0) return "0.000000";
    if (static_cast<std::size_t>(n) < sizeof buffer) return std::string(buffer, static_cast<std::size_t>(n));
    std::string large(static_cast<std::size_t>(n) + 1, '\0');
    (void)std::snprintf(large.data(), large.size(), "%f", value);
    large.resize(static_cast<std::size_t>(n));
    return large;
}

}  // namespace rq::shell
