// rqbench: a load generator for rqlite's HTTP data API (ours and rqlite's own); see options.h for
// the flags (`rqbench -h`), report.h for what it prints, load_runner.h for how it loads.
//
//   rqbench -a 127.0.0.1:4001 -c 16 -d 10s                       default one-row INSERTs
//   rqbench -a 127.0.0.1:4001 -c 16 -d 10s -p /db/query -l none  default SELECTs by primary key
//   rqbench -n 1000 -b 100 -x -c 4 -o "CREATE TABLE foo(id INTEGER PRIMARY KEY, name TEXT)"
//           "INSERT INTO foo(name) VALUES('fiona')"              rqlite's rqbench, with 4 clients

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "cmd/rqbench/http_client.h"
#include "cmd/rqbench/load_runner.h"
#include "cmd/rqbench/options.h"
#include "cmd/rqbench/report.h"
#include "cmd/rqbench/setup.h"
#include "cmd/rqbench/workload.h"
#include "http/go_text.h"

namespace {

using namespace rq::rqbench;

constexpr int kExitOk = 0;
constexpr int kExitSomeFailed = 1;
constexpr int kExitUsage = 2;

void print_progress(std::uint64_t finished, std::chrono::nanoseconds elapsed) {
    std::fprintf(stderr, "%llu requests completed in %s\n", static_cast<unsigned long long>(finished),
                 rq::http::format_go_duration(elapsed).c_str());
}

int run(const Options& options) {
    const Workload workload = Workload::from_options(options);
    const Endpoint endpoint{options.host, options.port};
    if (rq::Result<void> reachable = probe(endpoint, options.timeout); !reachable.ok()) {
        std::fprintf(stderr, "rqbench: %s\n", reachable.error().message().c_str());
        return kExitUsage;
    }
    if (rq::Result<void> setup = run_setup(endpoint, workload, options.timeout); !setup.ok()) {
        std::fprintf(stderr, "rqbench: %s\n", setup.error().message().c_str());
        return kExitUsage;
    }
    LoadSettings settings{endpoint,        options.target(), options.clients, options.requests,
                          options.duration, options.timeout,  options.batch,   options.progress_every};
    rq::Result<LoadResult> load = run_load(settings, workload, print_progress);
    if (!load.ok()) {
        std::fprintf(stderr, "rqbench: %s\n", load.error().message().c_str());
        return kExitUsage;
    }
    std::optional<std::chrono::nanoseconds> queue_wait;
    bool queue_wait_failed = false;
    if (options.queued) {
        // Waits for every queued write before it (API.md §5); carries one more write of the workload.
        const auto started = std::chrono::steady_clock::now();
        rq::Result<void> waited =
            post_checked(endpoint, options.target() + "&wait", workload.body(load->requests), options.timeout);
        queue_wait = std::chrono::steady_clock::now() - started;
        if (!waited.ok()) {
            std::fprintf(stderr, "rqbench: queue wait: %s\n", waited.error().message().c_str());
            queue_wait_failed = true;
        }
    }
    const Report report{options, workload.description(), *load, queue_wait};
    const std::string text = options.json ? format_json(report) : format_text(report);
    std::fwrite(text.data(), 1, text.size(), stdout);
    const bool all_ok = load->ok > 0 && load->errors.total() == 0 && !queue_wait_failed;
    return all_ok ? kExitOk : kExitSomeFailed;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    rq::Result<Options> options = parse_options(args);
    if (!options.ok()) {
        std::fprintf(stderr, "rqbench: %s\n%s", options.error().message().c_str(), usage_text());
        return kExitUsage;
    }
    if (options->help) {
        std::fputs(usage_text(), stdout);
        return kExitOk;
    }
    return run(*options);
}
