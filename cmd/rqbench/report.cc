#include "cmd/rqbench/report.h"

#include <cmath>
#include <cstdio>

#include "http/go_text.h"
#include "http/json_writer.h"

namespace rq::rqbench {

namespace {

double rounded(double value, int decimals) {
    const double scale = std::pow(10.0, decimals);
    return std::round(value * scale) / scale;
}

double milliseconds(std::uint64_t nanoseconds) { return static_cast<double>(nanoseconds) / 1e6; }

std::string fixed(double value, int decimals) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

std::string run_length(const Options& options) {
    if (options.duration) return http::format_go_duration(*options.duration);
    return std::to_string(options.requests) + " requests";
}

std::string line(const char* label, const std::string& value) {
    std::string out = label;
    out.resize(16, ' ');
    return out + value + "\n";
}

void write_number(http::JsonWriter& writer, std::string_view key, double value, int decimals) {
    writer.key(key);
    if (!writer.number(rounded(value, decimals))) writer.null();
}

// null when no request succeeded: zeros would read as a very fast server.
void write_latency(http::JsonWriter& writer, const LatencyHistogram& latency) {
    writer.key("latency_ms");
    if (latency.count() == 0) {
        writer.null();
        return;
    }
    writer.begin_object();
    write_number(writer, "min", milliseconds(latency.min()), 3);
    write_number(writer, "mean", latency.mean() / 1e6, 3);
    write_number(writer, "p50", milliseconds(latency.percentile(50)), 3);
    write_number(writer, "p90", milliseconds(latency.percentile(90)), 3);
    write_number(writer, "p99", milliseconds(latency.percentile(99)), 3);
    write_number(writer, "p999", milliseconds(latency.percentile(99.9)), 3);
    write_number(writer, "max", milliseconds(latency.max()), 3);
    writer.end_object();
}

void write_errors(http::JsonWriter& writer, const LoadResult& load) {
    writer.key("errors");
    writer.begin_object();
    writer.key("total");
    writer.unsigned_integer(load.errors.total());
    writer.key("http_status");
    writer.unsigned_integer(load.errors.http_status);
    writer.key("sql");
    writer.unsigned_integer(load.errors.sql);
    writer.key("bad_response");
    writer.unsigned_integer(load.errors.bad_response);
    writer.key("transport");
    writer.unsigned_integer(load.errors.transport);
    writer.key("statuses");
    writer.begin_object();
    for (const auto& [status, count] : load.error_statuses) {
        writer.key(std::to_string(status));
        writer.unsigned_integer(count);
    }
    writer.end_object();
    writer.end_object();
}

}  // namespace

double Report::requests_per_second() const {
    const double seconds = load.seconds();
    return seconds > 0 ? static_cast<double>(load.ok) / seconds : 0.0;
}

double Report::statements_per_second() const { return requests_per_second() * options.batch; }

std::string format_text(const Report& report) {
    const LoadResult& load = report.load;
    const LatencyHistogram& latency = load.latency;
    std::string out;
    out += line("target:", "POST http://" + report.options.address() + report.options.target());
    out += line("statement:", report.workload + ", " + std::to_string(report.options.batch) + " per request");
    out += line("load:", std::to_string(report.options.clients) + " client(s), " + run_length(report.options));
    out += line("requests:", std::to_string(load.requests) + " (" + std::to_string(load.ok) + " ok, " +
                                 std::to_string(load.errors.total()) + " failed)");
    out += line("elapsed:", fixed(load.seconds(), 3) + " s");
    out += line("requests/s:", fixed(report.requests_per_second(), 1));
    out += line("statements/s:", fixed(report.statements_per_second(), 1));
    if (latency.count() == 0) {
        out += line("latency (ok):", "none: no request succeeded");
    } else {
        out += line("latency (ok):", "p50 " + fixed(milliseconds(latency.percentile(50)), 3) + " ms, p99 " +
                                         fixed(milliseconds(latency.percentile(99)), 3) + " ms, p99.9 " +
                                         fixed(milliseconds(latency.percentile(99.9)), 3) + " ms");
        out += line("", "min " + fixed(milliseconds(latency.min()), 3) + " ms, mean " +
                            fixed(latency.mean() / 1e6, 3) + " ms, max " + fixed(milliseconds(latency.max()), 3) + " ms");
    }
    std::string statuses;
    for (const auto& [status, count] : load.error_statuses) {
        statuses += (statuses.empty() ? " (" : ", ") + std::to_string(count) + " x " + std::to_string(status);
    }
    if (!statuses.empty()) statuses += ")";
    out += line("errors:", std::to_string(load.errors.http_status) + " HTTP status" + statuses + ", " +
                               std::to_string(load.errors.sql) + " SQL, " + std::to_string(load.errors.bad_response) +
                               " bad response, " + std::to_string(load.errors.transport) + " transport");
    if (!load.first_error.empty()) out += line("first error:", load.first_error);
    out += line("connections:", std::to_string(load.connections));
    if (report.queue_wait) {
        out += line("queue wait:", fixed(std::chrono::duration<double, std::milli>(*report.queue_wait).count(), 3) + " ms");
    }
    return out;
}

std::string format_json(const Report& report) {
    const LoadResult& load = report.load;
    std::string out;
    http::JsonWriter writer(out, http::JsonStyle::compact);
    writer.begin_object();
    writer.key("address");
    writer.string(report.options.address());
    writer.key("target");
    writer.string(report.options.target());
    writer.key("statement");
    writer.string(report.workload);
    writer.key("clients");
    writer.unsigned_integer(report.options.clients);
    writer.key("batch");
    writer.unsigned_integer(report.options.batch);
    if (report.options.duration) {
        write_number(writer, "duration_asked_s", std::chrono::duration<double>(*report.options.duration).count(), 3);
    } else {
        writer.key("requests_asked");
        writer.unsigned_integer(report.options.requests);
    }
    write_number(writer, "elapsed_s", load.seconds(), 3);
    writer.key("requests");
    writer.unsigned_integer(load.requests);
    writer.key("ok");
    writer.unsigned_integer(load.ok);
    write_errors(writer, load);
    write_number(writer, "requests_per_s", report.requests_per_second(), 1);
    write_number(writer, "statements_per_s", report.statements_per_second(), 1);
    write_latency(writer, load.latency);
    writer.key("connections");
    writer.unsigned_integer(load.connections);
    if (!load.first_error.empty()) {
        writer.key("first_error");
        writer.string(load.first_error);
    }
    if (report.queue_wait) {
        write_number(writer, "queue_wait_ms", std::chrono::duration<double, std::milli>(*report.queue_wait).count(), 3);
    }
    writer.end_object();
    out += "\n";
    return out;
}

}  // namespace rq::rqbench
