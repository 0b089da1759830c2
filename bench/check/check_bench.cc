// Benchmarks of the linearizability checker. Not tests: nothing here asserts a time.
//
//   build-check/bin/check_bench                          # everything
//   build-check/bin/check_bench --benchmark_filter=etcd  # the Porcupine etcd files
//
// BM_generated/<model>: a linearizable history of 100,000 operations over 1,000 keys from 50
// clients, made by check/generate.h (generation is outside the timing). BM_etcd_all: all the
// Porcupine etcd files (../shared/data/porcupine/etcd, found from the source directory) checked
// one after the other, parsing excluded; BM_etcd/<file>: each alone.

#include <benchmark/benchmark.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "check/checker.h"
#include "check/foreign_formats.h"
#include "check/generate.h"
#include "tests/check/shared_data.h"

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

struct EtcdFile {
    std::string name;
    std::vector<Operation> ops;
    Verdict expected;
};

// The etcd files with the verdicts the folder's README lists (a wrong verdict stops the benchmark).
std::vector<EtcdFile> load_etcd_files() {
    const std::map<std::string, bool> verdicts = rq::check::testing::porcupine_readme_verdicts();
    std::vector<EtcdFile> files;
    for (const std::filesystem::path& path : rq::check::testing::files_in(rq::check::testing::porcupine_dir() / "etcd")) {
        const std::string name = path.filename().string();
        rq::Result<History> history = parse_jepsen_etcd_log(rq::check::testing::slurp(path));
        if (!history.ok() || verdicts.count(name) == 0) continue;
        files.push_back({name, history->operations(), verdicts.at(name) ? Verdict::ok : Verdict::illegal});
    }
    return files;
}

const std::vector<EtcdFile>& etcd_files() {
    static const std::vector<EtcdFile> files = load_etcd_files();
    return files;
}

void BM_etcd_all(benchmark::State& state) {
    if (etcd_files().empty()) {
        static const std::string message = rq::check::testing::no_porcupine_data_message();
        state.SkipWithError(message.c_str());
    }
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
