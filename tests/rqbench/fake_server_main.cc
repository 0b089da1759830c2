// rqbench_fake_server: our HTTP server over the fake backend (in-memory SQLite, always leader, no
// Raft, no disk), for trying rqbench and bench/peers/run-single-node.sh before rqlited exists, and
// for measuring the HTTP layer alone. It is a test double: its figures are not rqlited's.
//
// It accepts the command line ../shared/peers/targets/rqlited.sh gives rqlited, so it can stand in
// for it there (RQLITED_BIN=build/bin/rqbench_fake_server): -node-id ID, -http-addr HOST:PORT,
// -raft-addr and -join (ignored), and a data directory (ignored). -version prints what it is.
// SIGTERM and SIGINT stop it at once.

// Boost 1.74's asio needs <utility> before it under C++20.
#include <utility>

#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "http/fake_backend.h"
#include "http/server.h"
#include "http/service.h"
#include "io/system_clock.h"

namespace {

struct FakeServerOptions {
    std::string http_address = "localhost:4001";
    bool version = false;
};

bool parse(const std::vector<std::string>& args, FakeServerOptions& options, std::string& error) {
    bool saw_directory = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string name = args[i];
        if (name.rfind("--", 0) == 0) name.erase(0, 1);
        if (name == "-version") {
            options.version = true;
        } else if (name == "-http-addr" || name == "-node-id" || name == "-raft-addr" || name == "-join") {
            if (i + 1 >= args.size()) {
                error = "flag needs an argument: " + name;
                return false;
            }
            if (name == "-http-addr") options.http_address = args[i + 1];
            ++i;
        } else if (!name.empty() && name[0] != '-' && !saw_directory) {
            saw_directory = true;  // the data directory: nothing is stored
        } else {
            error = "unsupported argument: " + args[i] + " (this is a test double, not rqlited)";
            return false;
        }
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    FakeServerOptions options;
    std::string error;
    if (!parse(std::vector<std::string>(argv + 1, argv + argc), options, error)) {
        std::fprintf(stderr, "fatal: %s\n", error.c_str());
        return 1;
    }
    if (options.version) {
        std::puts("rqbench_fake_server (fake backend, in-memory, no Raft: not rqlited)");
        return 0;
    }
    rq::io::SystemClock clock;
    auto backend = rq::http::FakeBackend::open(clock);
    boost::asio::io_context io;
    rq::http::AsioScheduler scheduler(io);
    rq::http::ServiceOptions service_options;
    service_options.build.version = "v0.0.0-fake";
    service_options.advertised_http_address = options.http_address;
    service_options.bind_address = options.http_address;
    rq::http::Service service(*backend, clock, scheduler, service_options);
    rq::http::ServerOptions server_options;
    server_options.address = options.http_address;
    auto server = rq::http::Server::start(io, service, server_options);
    if (!server.ok()) {
        std::fprintf(stderr, "fatal: %s\n", server.error().message().c_str());
        return 1;
    }
    std::fprintf(stderr, "rqbench_fake_server listening on %s\n", (*server)->bound_address().c_str());
    io.run();
    return 0;
}
