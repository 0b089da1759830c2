// lincheck: checks histories for linearizability.
//
//   lincheck [--model NAME] [--format NAME] [--time-limit SECONDS] [--html OUT] [--keys] [--quiet] FILE...
//
// Reads each FILE (our JSON lines, Jepsen etcd logs, or EDN maps: see check/README.md), checks it,
// and prints per-key and per-file verdicts with the time taken. Exit status: 0 every history is
// linearizable; 1 some history is not; 2 a verdict is unknown (time limit) or an input is bad.
// Bad input outranks everything (nothing can be vouched for), then "not linearizable".

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "check/checker.h"
#include "check/foreign_formats.h"
#include "check/html.h"
#include "check/report.h"

namespace {

using namespace rq::check;

struct Options {
    std::string model;
    std::string format;
    double time_limit_seconds = 60.0;
    std::string html_path;
    bool all_keys = false;
    bool quiet = false;
    std::vector<std::string> files;
};

constexpr int kExitOk = 0;
constexpr int kExitIllegal = 1;
constexpr int kExitUnknown = 2;
constexpr std::size_t kKeysListedMax = 10;  // above this many keys, list only those not ok

const char* kUsage =
    "usage: lincheck [options] FILE...\n"
    "  --model NAME        register, row, kv or list (default: implied by the format, else inferred)\n"
    "  --format NAME       jsonl, jepsen-etcd or edn (default: detected from the first line)\n"
    "  --time-limit SEC    per file; past it the verdict is unknown (default 60)\n"
    "  --html OUT          write a self-contained HTML timeline of the histories to OUT\n"
    "  --keys              print every key's verdict (default: all when at most 10 keys, else those not ok)\n"
    "  --quiet             print only the overall verdict\n"
    "exit status: 0 linearizable, 1 not linearizable, 2 unknown or bad input\n";

constexpr double kTimeLimitMaxSeconds = 1e6;  // far beyond any real use, and safely inside a steady_clock duration

// Seconds as a finite number in [0, kTimeLimitMaxSeconds], or an error saying what is wrong.
rq::Result<double> parse_seconds(const std::string& text) {
    std::size_t used = 0;
    double seconds = 0;
    try {
        seconds = std::stod(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text.size() || !std::isfinite(seconds) || seconds < 0 || seconds > kTimeLimitMaxSeconds) {
        return rq::Error(rq::ErrorCode::invalid_argument, "--time-limit wants seconds from 0 to 1e6, got \"" + text + "\"");
    }
    return seconds;
}

// Fills `options` from the command line; an error says which argument is wrong.
rq::Status parse_options(int argc, char** argv, Options& options) {
    std::vector<std::string> args(argv + 1, argv + argc);
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        auto value = [&](std::string& out) -> rq::Status {
            if (i + 1 >= args.size()) return rq::Error(rq::ErrorCode::invalid_argument, arg + " needs a value");
            out = args[++i];
            return rq::ok_status();
        };
        std::string text;
        rq::Status status = rq::ok_status();
        if (arg == "--model") {
            status = value(options.model);
        } else if (arg == "--format") {
            status = value(options.format);
        } else if (arg == "--html") {
            status = value(options.html_path);
        } else if (arg == "--time-limit") {
            status = value(text);
            if (status.ok()) {
                rq::Result<double> seconds = parse_seconds(text);
                if (!seconds.ok()) return seconds.error();
                options.time_limit_seconds = *seconds;
            }
        } else if (arg == "--keys") {
            options.all_keys = true;
        } else if (arg == "--quiet") {
            options.quiet = true;
        } else if (arg.size() > 1 && arg[0] == '-') {
            return rq::Error(rq::ErrorCode::invalid_argument, "unknown option " + arg);
        } else {
            options.files.push_back(arg);
        }
        if (!status.ok()) return status;
    }
    if (options.files.empty()) return rq::Error(rq::ErrorCode::invalid_argument, "no history files given");
    return rq::ok_status();
}

rq::Result<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return rq::Error(rq::ErrorCode::not_found, "cannot open");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return rq::Error(rq::ErrorCode::io, "read failed");
    return text.str();
}

struct Loaded {
    const Model* model = nullptr;
    std::vector<Operation> ops;
};

rq::Result<Loaded> load(const std::string& path, const Options& options) {
    rq::Result<std::string> text = read_file(path);
    if (!text.ok()) return text.error();
    rq::Result<HistoryFormat> format =
        options.format.empty() ? detect_history_format(*text) : parse_history_format(options.format);
    if (!format.ok()) return format.error();
    rq::Result<History> history = parse_history(*text, *format);
    if (!history.ok()) return history.error();
    Loaded loaded;
    loaded.ops = history->operations();
    std::string model_name = options.model.empty() ? std::string(default_model_name(*format)) : options.model;
    if (model_name.empty()) {
        rq::Result<const Model*> inferred = infer_model(loaded.ops);
        if (!inferred.ok()) return inferred.error();
        loaded.model = *inferred;
    } else {
        loaded.model = find_model(model_name);
        if (loaded.model == nullptr) {
            return rq::Error(rq::ErrorCode::invalid_argument, "unknown model \"" + model_name + "\"");
        }
    }
    return loaded;
}

std::string milliseconds(std::chrono::steady_clock::duration elapsed) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.2f ms", std::chrono::duration<double, std::milli>(elapsed).count());
    return buffer;
}

void print_result(const std::string& path, const Loaded& loaded, const CheckResult& result,
                  std::chrono::steady_clock::duration elapsed, const Options& options) {
    std::cout << path << ": " << verdict_name(result.verdict) << " (" << loaded.model->name() << " model, "
              << result.keys.size() << (result.keys.size() == 1 ? " key, " : " keys, ") << loaded.ops.size()
              << " operations) in " << milliseconds(elapsed) << "\n";
    const bool every_key = options.all_keys || result.keys.size() <= kKeysListedMax;
    for (const KeyResult& key : result.keys) {
        if (!every_key && key.result.verdict == Verdict::ok) continue;
        std::cout << "  " << describe_key(*loaded.model, loaded.ops, key);
    }
    if (!every_key) {
        std::cout << "  " << result.count(Verdict::ok) << " keys ok, " << result.count(Verdict::illegal)
                  << " not linearizable, " << result.count(Verdict::unknown) << " unknown\n";
    }
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    if (argc == 2 && (std::string(argv[1]) == "-h" || std::string(argv[1]) == "--help")) {
        std::cout << kUsage;
        return kExitOk;
    }
    if (rq::Status parsed = parse_options(argc, argv, options); !parsed.ok()) {
        std::cerr << "lincheck: " << parsed.error().message() << "\n" << kUsage;
        return kExitUnknown;
    }
    std::size_t counts[3] = {0, 0, 0};  // by Verdict
    std::size_t bad_inputs = 0;
    std::vector<HtmlSection> sections;
    std::vector<Loaded> kept;  // the HTML sections point into these
    kept.reserve(options.files.size());
    const auto start = std::chrono::steady_clock::now();
    for (const std::string& path : options.files) {
        const auto file_start = std::chrono::steady_clock::now();
        rq::Result<Loaded> loaded = load(path, options);
        rq::Result<CheckResult> result = loaded.ok() ? rq::Result<CheckResult>(rq::Error(rq::ErrorCode::internal, ""))
                                                     : rq::Result<CheckResult>(loaded.error());
        if (loaded.ok()) {
            const auto deadline = file_start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                   std::chrono::duration<double>(options.time_limit_seconds));
            CheckOptions check_options;
            check_options.out_of_time = [deadline] { return std::chrono::steady_clock::now() >= deadline; };
            result = check_operations(*loaded->model, loaded->ops, check_options);
        }
        const auto elapsed = std::chrono::steady_clock::now() - file_start;
        if (!result.ok()) {
            ++bad_inputs;
            std::cerr << path << ": bad input: " << result.error().message() << "\n";
            continue;
        }
        ++counts[static_cast<int>(result->verdict)];
        if (!options.quiet) print_result(path, *loaded, *result, elapsed, options);
        if (!options.html_path.empty()) {
            kept.push_back(std::move(*loaded));
            sections.push_back({path, kept.back().model, kept.back().ops, std::move(*result)});
        }
    }
    const auto elapsed = std::chrono::steady_clock::now() - start;
    int status = kExitOk;
    const char* overall = "ok";
    if (bad_inputs > 0) {
        status = kExitUnknown;
        overall = "bad input";
    } else if (counts[static_cast<int>(Verdict::illegal)] > 0) {
        status = kExitIllegal;
        overall = "not linearizable";
    } else if (counts[static_cast<int>(Verdict::unknown)] > 0) {
        status = kExitUnknown;
        overall = "unknown";
    }
    std::cout << "overall: " << overall << " (" << options.files.size() << " files: " << counts[0] << " ok, " << counts[1]
              << " not linearizable, " << counts[2] << " unknown, " << bad_inputs << " bad input) in "
              << milliseconds(elapsed) << "\n";
    if (!options.html_path.empty()) {
        std::ofstream out(options.html_path, std::ios::binary);
        out << render_html(sections);
        if (!out) {
            std::cerr << options.html_path << ": cannot write the HTML report\n";
            return kExitUnknown;
        }
    }
    return status;
}
