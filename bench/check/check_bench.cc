// Benchmarks of the linearizability checker. Not tests: nothing here asserts a time.
//
//   build-check/bin/check_bench                          # everything
//   build-check/bin/check_bench --benchmark_filter=etcd  # the Porcupine etcd files
//
// BM_generated/<model>: a linearizable history of 100,000 operations over 1,000 keys from 50
// clients, made by check/generate.h (generation is outside the timing). BM_etcd_all: all the
// Porcupine etcd files (../shared/data/porcupine/etcd) checked one after the other, parsing
// excluded; BM_etcd/<file>: each alone.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "check/checker.h"
#include "check/foreign_formats.h"
#include "check/generate.h"

namespace {

using namespace rq::check;

void check_or_abort(const Model& model, const std::vector<Operation>& ops, benchmark::State& state, Verdict expected) {
    rq::Result<CheckResult> result = check_operations(model, ops);
    if (!result.ok() || result->verdict != expected) state.SkipWithError("unexpected verdict");
}

void BM_generated(benchmark::State& state, const char* model_name) {
    const Model& model = *find_model(model_name);
    GenerateOptions options;
    options.operations = 100'000;
    options.keys = 1'000;
    options.processes = 50;
    options.values = 5;
    options.unknown_per_mille = 10;
    options.crash_per_mille = 2;
    rq::Random random(42);
    const std::vector<Operation> ops = generate_linearizable_history(model, options, random).history.operations();
    for (auto _ : state) check_or_abort(model, ops, state, Verdict::ok);
    state.counters["ops"] = static_cast<double>(ops.size());
}
BENCHMARK_CAPTURE(BM_generated, register, "register")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_generated, kv, "kv")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_generated, list, "list")->Unit(benchmark::kMillisecond);

std::filesystem::path data_dir() {
    const char* source = std::getenv("RQ_SOURCE_DIR");
    return std::filesystem::path(source != nullptr ? source : RQ_SOURCE_DIR_DEFAULT) / ".." / "shared" / "data" /
           "porcupine" / "etcd";
}

struct EtcdFile {
    std::string name;
    std::vector<Operation> ops;
    Verdict expected;
};

std::vector<EtcdFile> load_etcd_files() {
    std::vector<EtcdFile> files;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(data_dir(), error)) {
        if (entry.path().extension() != ".log") continue;
        std::ifstream in(entry.path());
        std::stringstream text;
        text << in.rdbuf();
        rq::Result<History> history = parse_jepsen_etcd_log(text.str());
        if (!history.ok()) continue;
        const std::string name = entry.path().filename().string();
        static const char* kLinearizable[] = {"002", "005", "007", "018", "025", "031", "038",
                                              "045", "048", "049", "051", "053", "056"};
        const bool ok = std::any_of(std::begin(kLinearizable), std::end(kLinearizable),
                                    [&](const char* n) { return name.find(n) != std::string::npos; });
        files.push_back({name, history->operations(), ok ? Verdict::ok : Verdict::illegal});
    }
    std::sort(files.begin(), files.end(), [](const EtcdFile& a, const EtcdFile& b) { return a.name < b.name; });
    return files;
}

const std::vector<EtcdFile>& etcd_files() {
    static const std::vector<EtcdFile> files = load_etcd_files();
    return files;
}

void BM_etcd_all(benchmark::State& state) {
    if (etcd_files().empty()) state.SkipWithError("no etcd files under ../shared/data/porcupine/etcd");
    const Model& model = *find_model("register");
    for (auto _ : state) {
        for (const EtcdFile& file : etcd_files()) check_or_abort(model, file.ops, state, file.expected);
    }
    state.counters["files"] = static_cast<double>(etcd_files().size());
}
BENCHMARK(BM_etcd_all)->Unit(benchmark::kMillisecond);

void register_etcd_benchmarks() {
    for (const EtcdFile& file : etcd_files()) {
        benchmark::RegisterBenchmark(("BM_etcd/" + file.name).c_str(), [&file](benchmark::State& state) {
            for (auto _ : state) check_or_abort(*find_model("register"), file.ops, state, file.expected);
        })->Unit(benchmark::kMicrosecond);
    }
}

}  // namespace

int main(int argc, char** argv) {
    register_etcd_benchmarks();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
