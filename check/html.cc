#include "check/html.h"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <utility>

#include "check/report.h"

namespace rq::check {

namespace {

constexpr int kUnit = 16;        // pixels per event on the time axis
constexpr int kLabelWidth = 56;  // the process labels on the left
constexpr int kRowHeight = 26;
constexpr int kBarHeight = 18;
constexpr int kTop = 8;

const char* kStyle = R"css(<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1d232b; }
h1 { font-size: 20px; } h2 { font-size: 17px; margin-top: 32px; } h3 { font-size: 15px; margin: 20px 0 6px; }
.ok { color: #2d6a4f; } .illegal { color: #b00020; } .unknown { color: #9a6700; }
.scroll { overflow-x: auto; border: 1px solid #d0d7de; border-radius: 4px; background: #fbfcfd; }
pre { background: #f6f8fa; padding: 8px 12px; border-radius: 4px; overflow-x: auto; font-size: 12px; }
svg text { font: 10px ui-monospace, monospace; dominant-baseline: middle; }
rect.op { fill: #d5dde8; stroke: #7a8ca3; }
rect.lin { fill: #b7e4c7; stroke: #2d6a4f; }
rect.bad { fill: #f4a3a3; stroke: #b00020; }
rect.blocking { stroke-width: 3; }
rect.failed { fill: url(#hatch); stroke: #aaa; }
rect.tail { fill: url(#fade); stroke: none; }
.legend span { display: inline-block; padding: 0 8px; margin-right: 8px; border: 1px solid; border-radius: 3px; }
</style>
)css";

const char* kDefs = R"svg(<svg width="0" height="0" style="position:absolute"><defs>
<linearGradient id="fade"><stop offset="0" stop-color="#9aa7b8" stop-opacity="0.7"/><stop offset="1" stop-color="#9aa7b8" stop-opacity="0"/></linearGradient>
<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f3f3f3"/><line x1="0" y1="0" x2="0" y2="6" stroke="#bbb" stroke-width="2"/></pattern>
</defs></svg>
)svg";

std::string escape(std::string_view text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out.push_back(c);
        }
    }
    return out;
}

const char* verdict_class(Verdict verdict) {
    switch (verdict) {
        case Verdict::ok: return "ok";
        case Verdict::illegal: return "illegal";
        case Verdict::unknown: return "unknown";
    }
    return "";
}

// Where each drawn operation sits: its row, and its ends on the compressed time axis.
struct Layout {
    std::map<ProcessId, int> rows;
    std::unordered_map<std::size_t, int> x_of_event;  // event index -> x
    int right_edge = 0;
};

Layout lay_out(std::span<const Operation> ops, const std::vector<std::size_t>& members) {
    Layout layout;
    std::vector<std::size_t> events;
    for (std::size_t i : members) {
        layout.rows.emplace(ops[i].process, 0);
        events.push_back(ops[i].invoke_event);
        if (ops[i].complete_event != kNoEvent) events.push_back(ops[i].complete_event);
    }
    std::sort(events.begin(), events.end());
    events.erase(std::unique(events.begin(), events.end()), events.end());
    for (std::size_t rank = 0; rank < events.size(); ++rank) {
        layout.x_of_event[events[rank]] = kLabelWidth + static_cast<int>(rank) * kUnit;
    }
    layout.right_edge = kLabelWidth + static_cast<int>(events.size() + 3) * kUnit;
    int row = 0;
    for (auto& [process, y] : layout.rows) y = kTop + kRowHeight * row++;
    return layout;
}

struct Marks {
    std::unordered_map<std::size_t, std::size_t> rank;  // op -> 1-based place in the longest prefix
    std::unordered_map<std::size_t, bool> unplaceable;
    std::size_t blocking = kNoOperation;
};

void render_operation(std::string& out, const HtmlSection& section, std::size_t i, const Layout& layout,
                      const Marks& marks) {
    const Operation& op = section.ops[i];
    const int y = layout.rows.at(op.process);
    const int x0 = layout.x_of_event.at(op.invoke_event);
    const bool completed = op.complete_event != kNoEvent;
    const int x1 = completed ? layout.x_of_event.at(op.complete_event) + kUnit / 2 : layout.right_edge;
    std::string cls = "op";
    std::string status;
    if (op.outcome == Outcome::fail) {
        cls = "failed", status = "failed: never took effect";
    } else if (auto it = marks.rank.find(i); it != marks.rank.end()) {
        cls = "lin", status = "linearized #" + std::to_string(it->second);
    } else if (marks.unplaceable.count(i) != 0) {
        cls = "bad", status = "could not be placed next";
    }
    if (i == marks.blocking) cls += " blocking", status += " (blocking: the earliest completion not placed)";
    std::string label;
    if (auto it = marks.rank.find(i); it != marks.rank.end()) {
        label = "#";
        label += std::to_string(it->second);
        label += ' ';
    }
    label += section.model->describe(op);
    out += "<g><title>" + escape(describe_operation(*section.model, op) + (status.empty() ? std::string() : "\n" + status)) +
           "</title>";
    out += "<rect class=\"" + cls + "\" x=\"" + std::to_string(x0) + "\" y=\"" + std::to_string(y) + "\" width=\"" +
           std::to_string(std::max(x1 - x0, 4)) + "\" height=\"" + std::to_string(kBarHeight) + "\" rx=\"3\"/>";
    if (op.outcome == Outcome::unknown && completed) {
        // It may take effect after its completion event too: fade out to the right edge.
        out += "<rect class=\"tail\" x=\"" + std::to_string(x1) + "\" y=\"" + std::to_string(y) + "\" width=\"" +
               std::to_string(std::max(layout.right_edge - x1, 4)) + "\" height=\"" + std::to_string(kBarHeight) + "\"/>";
    }
    out += "<text x=\"" + std::to_string(x0 + 3) + "\" y=\"" + std::to_string(y + kBarHeight / 2) + "\">" +
           escape(label) + "</text></g>\n";
}

// The range of a key's operations (positions in `members`, invocation order) to draw: all of them
// when few enough, else kHtmlOperationsPerKeyMax of them, mostly before the blocking operation
// (where the search got stuck) and a few after it; the first ones when there is none.
std::pair<std::size_t, std::size_t> drawn_window(const std::vector<std::size_t>& members, std::size_t blocking) {
    if (members.size() <= kHtmlOperationsPerKeyMax) return {0, members.size()};
    std::size_t last = kHtmlOperationsPerKeyMax;
    if (auto it = std::find(members.begin(), members.end(), blocking); it != members.end()) {
        const auto at = static_cast<std::size_t>(it - members.begin());
        last = std::clamp(at + kHtmlOperationsPerKeyMax / 4, kHtmlOperationsPerKeyMax, members.size());
    }
    return {last - kHtmlOperationsPerKeyMax, last};
}

void render_key(std::string& out, const HtmlSection& section, const KeyResult& key,
                const std::vector<std::size_t>& members) {
    out += "<h3>key " + escape(key.key.empty() ? "\"\"" : "\"" + key.key + "\"") + ": <span class=\"" +
           verdict_class(key.result.verdict) + "\">" + verdict_name(key.result.verdict) + "</span> (" +
           std::to_string(members.size()) + " operations)</h3>\n";
    if (key.result.verdict != Verdict::ok) {
        out += "<pre>" + escape(explain_key(*section.model, section.ops, key, 12, "")) + "</pre>\n";
    }
    const Explanation& explanation = key.result.explanation;
    const auto [first, last] = drawn_window(members, explanation.blocking);
    const std::vector<std::size_t> drawn(members.begin() + static_cast<std::ptrdiff_t>(first),
                                         members.begin() + static_cast<std::ptrdiff_t>(last));
    if (drawn.size() < members.size()) {
        out += "<p>Showing operations " + std::to_string(first + 1) + " to " + std::to_string(last) + " of " +
               std::to_string(members.size()) + (explanation.blocking != kNoOperation ? ", around the blocking one" : "") +
               ".</p>\n";
    }
    Marks marks;
    for (std::size_t r = 0; r < explanation.longest_prefix.size(); ++r) marks.rank[explanation.longest_prefix[r]] = r + 1;
    for (std::size_t op : explanation.unplaceable) marks.unplaceable[op] = true;
    marks.blocking = explanation.blocking;
    const Layout layout = lay_out(section.ops, drawn);
    const int height = kTop * 2 + kRowHeight * static_cast<int>(layout.rows.size());
    out += "<div class=\"scroll\"><svg width=\"" + std::to_string(layout.right_edge) + "\" height=\"" +
           std::to_string(height) + "\">\n";
    for (const auto& [process, y] : layout.rows) {
        out += "<text x=\"4\" y=\"" + std::to_string(y + kBarHeight / 2) + "\">p" + std::to_string(process) + "</text>\n";
    }
    for (std::size_t i : drawn) render_operation(out, section, i, layout, marks);
    out += "</svg></div>\n";
}

void render_section(std::string& out, const HtmlSection& section) {
    const CheckResult& result = section.result;
    out += "<h2>" + escape(section.title) + ": <span class=\"" + verdict_class(result.verdict) + "\">" +
           verdict_name(result.verdict) + "</span></h2>\n";
    out += "<p>" + escape(std::string(section.model->name())) + " model; " + std::to_string(result.keys.size()) +
           " keys: " + std::to_string(result.count(Verdict::ok)) + " ok, " + std::to_string(result.count(Verdict::illegal)) +
           " not linearizable, " + std::to_string(result.count(Verdict::unknown)) + " unknown.</p>\n";
    std::map<std::string, std::vector<std::size_t>> members;
    for (std::size_t i = 0; i < section.ops.size(); ++i) members[section.ops[i].key].push_back(i);
    std::vector<const KeyResult*> keys;
    for (const KeyResult& key : result.keys) keys.push_back(&key);
    std::stable_sort(keys.begin(), keys.end(), [](const KeyResult* a, const KeyResult* b) {
        return (a->result.verdict != Verdict::ok) > (b->result.verdict != Verdict::ok);
    });
    if (keys.size() > kHtmlKeysMax) {
        out += "<p>Showing " + std::to_string(kHtmlKeysMax) + " of " + std::to_string(keys.size()) + " keys.</p>\n";
        keys.resize(kHtmlKeysMax);
    }
    for (const KeyResult* key : keys) render_key(out, section, *key, members[key->key]);
}

}  // namespace

std::string render_html(std::span<const HtmlSection> sections) {
    std::string out = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>lincheck</title>\n";
    out += kStyle;
    out += "</head><body>\n";
    out += kDefs;
    out += "<h1>Linearizability check</h1>\n<p class=\"legend\">Bars run from invocation to completion, one row "
           "per process. <span style=\"background:#b7e4c7\">#n: linearized n-th in the longest prefix</span>"
           "<span style=\"background:#f4a3a3\">could not be placed next</span>"
           "<span style=\"border-width:3px\">blocking</span>"
           "<span style=\"background:#eef1f5\">fading: unknown outcome</span>"
           "<span style=\"background:#f3f3f3\">hatched: failed</span></p>\n";
    if (sections.empty()) out += "<p>No histories.</p>\n";
    for (const HtmlSection& section : sections) render_section(out, section);
    out += "</body></html>\n";
    return out;
}

}  // namespace rq::check
