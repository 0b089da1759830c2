#include "sim/schedule.h"

#include <algorithm>
#include <charconv>
#include <chrono>

namespace rq::sim {

namespace {

constexpr const char* kind_names[fault_kind_count] = {
    "crash",      "restart",    "pause",      "resume",     "partition",   "heal",
    "clog",       "unclog",     "loss",       "disk_error", "disk_full",   "disk_free",
    "sector_rot", "clock_jump", "clock_drift", "add_member", "remove_member", "transfer",
    "stall",      "rejoin",     "slow",
};

constexpr const char* family_names[fault_family_count] = {
    "crash", "pause", "partition", "oneway", "clog", "loss", "disk", "full", "rot", "clock", "membership", "transfer",
    "stall", "slow",
};

Result<std::int64_t> parse_int(std::string_view text, std::string_view what) {
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) {
        return Error(ErrorCode::invalid_argument, "bad " + std::string(what) + ": '" + std::string(text) + "'");
    }
    return value;
}

Result<std::size_t> parse_node(std::string_view text) {
    auto value = parse_int(text, "node");
    if (!value.ok()) return value.error();
    if (*value < 1) return Error(ErrorCode::invalid_argument, "nodes are numbered from 1: '" + std::string(text) + "'");
    return static_cast<std::size_t>(*value - 1);
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> out;
    while (!text.empty()) {
        const std::size_t at = text.find(separator);
        const std::string_view piece = text.substr(0, at);
        if (!piece.empty()) out.push_back(piece);
        if (at == std::string_view::npos) break;
        text.remove_prefix(at + 1);
    }
    return out;
}

Result<std::vector<std::pair<std::size_t, std::size_t>>> parse_cuts(std::string_view text) {
    std::vector<std::pair<std::size_t, std::size_t>> cuts;
    for (std::string_view link : split(text, ',')) {
        const std::size_t arrow = link.find('>');
        if (arrow == std::string_view::npos) {
            return Error(ErrorCode::invalid_argument, "a cut is FROM>TO: '" + std::string(link) + "'");
        }
        auto from = parse_node(link.substr(0, arrow));
        auto to = parse_node(link.substr(arrow + 1));
        if (!from.ok()) return from.error();
        if (!to.ok()) return to.error();
        cuts.emplace_back(*from, *to);
    }
    return cuts;
}

Status parse_field(FaultEvent& event, std::string_view field) {
    const std::size_t eq = field.find('=');
    if (eq == std::string_view::npos) {
        return Error(ErrorCode::invalid_argument, "expected key=value, got '" + std::string(field) + "'");
    }
    const std::string_view key = field.substr(0, eq);
    const std::string_view value = field.substr(eq + 1);
    if (key == "node" || key == "peer") {
        auto node = parse_node(value);
        if (!node.ok()) return node.error();
        (key == "node" ? event.node : event.peer) = *node;
    } else if (key == "mode") {
        event.mode = std::string(value);
    } else if (key == "amount" || key == "amount2") {
        auto number = parse_int(value, key);
        if (!number.ok()) return number.error();
        (key == "amount" ? event.amount : event.amount2) = *number;
    } else if (key == "cuts") {
        auto cuts = parse_cuts(value);
        if (!cuts.ok()) return cuts.error();
        event.cuts = std::move(cuts).value();
    } else {
        return Error(ErrorCode::invalid_argument, "unknown field '" + std::string(key) + "'");
    }
    return ok_status();
}

Result<FaultEvent> parse_line(std::string_view line) {
    const std::vector<std::string_view> words = split(line, ' ');
    if (words.size() < 2) return Error(ErrorCode::invalid_argument, "expected 'MILLISECONDS KIND [key=value...]'");
    auto ms = parse_int(words[0], "time");
    if (!ms.ok()) return ms.error();
    if (*ms < 0) return Error(ErrorCode::invalid_argument, "negative time");
    FaultEvent event;
    event.at = std::chrono::milliseconds(*ms);
    const auto* name = std::find(std::begin(kind_names), std::end(kind_names), words[1]);
    if (name == std::end(kind_names)) return Error(ErrorCode::invalid_argument, "unknown fault '" + std::string(words[1]) + "'");
    event.kind = static_cast<FaultKind>(name - std::begin(kind_names));
    for (std::size_t i = 2; i < words.size(); ++i) {
        Status status = parse_field(event, words[i]);
        if (!status.ok()) return status.error();
    }
    return event;
}

}  // namespace

const char* fault_kind_name(FaultKind kind) { return kind_names[static_cast<std::size_t>(kind)]; }
const char* fault_family_name(FaultFamily family) { return family_names[static_cast<std::size_t>(family)]; }

Result<FaultFamilies> parse_fault_families(std::string_view list) {
    FaultFamilies out;
    if (list == "none") return out;
    for (std::string_view name : split(list, ',')) {
        if (name == "all") {
            for (std::size_t i = 0; i < fault_family_count; ++i) out.push_back(static_cast<FaultFamily>(i));
            continue;
        }
        const auto* found = std::find(std::begin(family_names), std::end(family_names), name);
        if (found == std::end(family_names)) {
            std::string known = "all, none";
            for (const char* family : family_names) known += std::string(", ") + family;
            return Error(ErrorCode::invalid_argument, "unknown fault family '" + std::string(name) + "' (known: " + known + ")");
        }
        const auto family = static_cast<FaultFamily>(found - std::begin(family_names));
        if (std::find(out.begin(), out.end(), family) == out.end()) out.push_back(family);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string fault_families_text(const FaultFamilies& families) {
    if (families.empty()) return "none";
    if (families.size() == fault_family_count) return "all";
    std::string out;
    for (FaultFamily family : families) out += (out.empty() ? "" : ",") + std::string(fault_family_name(family));
    return out;
}

std::string fault_event_to_text(const FaultEvent& event) {
    std::string out = std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(event.at).count()) + " " +
                      fault_kind_name(event.kind);
    const bool has_node = event.kind != FaultKind::partition && event.kind != FaultKind::heal &&
                          event.kind != FaultKind::loss && event.kind != FaultKind::stall &&
                          event.kind != FaultKind::rejoin;
    if (has_node) out += " node=" + std::to_string(event.node + 1);
    if (event.kind == FaultKind::clog || event.kind == FaultKind::unclog || event.kind == FaultKind::slow) out += " peer=" + std::to_string(event.peer + 1);
    if (!event.mode.empty()) out += " mode=" + event.mode;
    if (event.amount != 0) out += " amount=" + std::to_string(event.amount);
    if (event.amount2 != 0) out += " amount2=" + std::to_string(event.amount2);
    if (!event.cuts.empty()) {
        out += " cuts=";
        for (std::size_t i = 0; i < event.cuts.size(); ++i) {
            if (i > 0) out += ",";
            out += std::to_string(event.cuts[i].first + 1) + ">" + std::to_string(event.cuts[i].second + 1);
        }
    }
    return out;
}

std::string schedule_to_text(const Schedule& schedule) {
    std::string out;
    for (const FaultEvent& event : schedule) out += fault_event_to_text(event) + "\n";
    return out;
}

Result<Schedule> parse_schedule(std::string_view text) {
    Schedule schedule;
    std::size_t number = 0;
    for (std::string_view rest = text; !rest.empty();) {
        const std::size_t end = rest.find('\n');
        std::string_view line = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
        ++number;
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
        if (line.empty() || line.front() == '#') continue;
        auto event = parse_line(line);
        if (!event.ok()) return Error(event.error().code(), "schedule line " + std::to_string(number) + ": " + event.error().message());
        if (!schedule.empty() && event->at < schedule.back().at) {
            return Error(ErrorCode::invalid_argument, "schedule line " + std::to_string(number) + ": time goes back");
        }
        schedule.push_back(std::move(event).value());
    }
    return schedule;
}

}  // namespace rq::sim
