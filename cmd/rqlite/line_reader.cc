#include "cmd/rqlite/line_reader.h"

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <vector>

#include "http/go_text.h"

#if RQ_SHELL_HAVE_LIBEDIT
#include <editline/readline.h>
#endif

namespace rq::shell {
namespace {

constexpr int default_history_size = 100;

void strip_line_end(std::string& line) {
    if (!line.empty() && line.back() == '\n') line.pop_back();
    if (!line.empty() && line.back() == '\r') line.pop_back();
}

std::optional<std::string> read_stream_line(std::FILE* in) {
    char* data = nullptr;
    std::size_t capacity = 0;
    const ssize_t length = ::getline(&data, &capacity, in);
    std::optional<std::string> line;
    if (length >= 0) {
        line.emplace(data, static_cast<std::size_t>(length));
        strip_line_end(*line);
    }
    std::free(data);
    return line;
}

bool is_blank(const std::string& line) { return line.find_first_not_of(" \t\r\n") == std::string::npos; }

volatile std::sig_atomic_t sigint_seen = 0;
extern "C" void note_sigint(int) { sigint_seen = 1; }

// While it lives, SIGINT interrupts the terminal read (no SA_RESTART) instead of ending the
// process; outside line reading Ctrl-C keeps its default meaning, as in rqlite's CLI.
class SigintWhileReading {
public:
    SigintWhileReading() {
        sigint_seen = 0;
        struct sigaction action {};
        action.sa_handler = note_sigint;
        sigemptyset(&action.sa_mask);
        action.sa_flags = 0;
        ::sigaction(SIGINT, &action, &previous_);
    }
    ~SigintWhileReading() { ::sigaction(SIGINT, &previous_, nullptr); }
    SigintWhileReading(const SigintWhileReading&) = delete;
    SigintWhileReading& operator=(const SigintWhileReading&) = delete;

    [[nodiscard]] static bool seen() { return sigint_seen != 0; }

private:
    struct sigaction previous_ {};
};

class StreamReader final : public LineReader {
public:
    explicit StreamReader(std::FILE* in) : in_(in) {}
    std::optional<std::string> read_line(const std::string&) override { return read_stream_line(in_); }

private:
    std::FILE* in_;
};

// History kept as rqlite keeps it: a plain file, one command per line, blank lines dropped,
// consecutive repeats collapsed, the newest `size` entries.
class History {
public:
    History(std::string path, int size) : path_(std::move(path)), size_(size) {
        if (path_.empty()) return;
        std::ifstream in(path_);
        for (std::string line; std::getline(in, line);) {
            strip_line_end(line);
            if (!is_blank(line)) entries_.push_back(line);
        }
    }

    ~History() {
        if (path_.empty()) return;
        if (size_ <= 0) {
            std::remove(path_.c_str());
            return;
        }
        std::vector<std::string> kept;
        for (const std::string& entry : entries_) {
            if (kept.empty() || kept.back() != entry) kept.push_back(entry);
        }
        const std::size_t size = static_cast<std::size_t>(size_);
        if (kept.size() > size) kept.erase(kept.begin(), kept.end() - static_cast<std::ptrdiff_t>(size));
        std::ofstream out(path_, std::ios::trunc);
        for (std::size_t i = 0; i < kept.size(); ++i) out << kept[i] << (i + 1 < kept.size() ? "\n" : "");
    }

    History(const History&) = delete;
    History& operator=(const History&) = delete;

    void add(const std::string& line) {
        if (!is_blank(line)) entries_.push_back(line);
    }
    [[nodiscard]] const std::vector<std::string>& entries() const { return entries_; }

private:
    std::string path_;
    int size_;
    std::vector<std::string> entries_;
};

class TerminalReader final : public LineReader {
public:
    TerminalReader(std::string history_path, int history_size) : history_(std::move(history_path), history_size) {
#if RQ_SHELL_HAVE_LIBEDIT
        for (const std::string& entry : history_.entries()) add_history(entry.c_str());
#endif
    }

    std::optional<std::string> read_line(const std::string& prompt) override {
        SigintWhileReading sigint;
#if RQ_SHELL_HAVE_LIBEDIT
        char* data = readline(prompt.c_str());
        interrupted_ = data == nullptr && SigintWhileReading::seen();
        if (data == nullptr) return std::nullopt;
        std::string line(data);
        std::free(data);
        return line;
#else
        std::fputs(prompt.c_str(), stdout);
        std::fflush(stdout);
        std::optional<std::string> line = read_stream_line(stdin);
        interrupted_ = !line && SigintWhileReading::seen();
        if (interrupted_) std::clearerr(stdin);
        return line;
#endif
    }

    [[nodiscard]] bool interrupted() const override { return interrupted_; }

    void remember(const std::string& line) override {
        history_.add(line);
#if RQ_SHELL_HAVE_LIBEDIT
        add_history(line.c_str());
#endif
    }

private:
    History history_;
    bool interrupted_ = false;
};

}  // namespace

std::unique_ptr<LineReader> make_stream_reader(std::FILE* in) { return std::make_unique<StreamReader>(in); }

std::unique_ptr<LineReader> make_terminal_reader(std::string history_path, int history_size) {
    return std::make_unique<TerminalReader>(std::move(history_path), history_size);
}

std::string default_history_path() {
    const char* home = std::getenv("HOME");
    if (home == nullptr || *home == '\0') return {};
    return std::string(home) + "/.rqlite_history";
}

int history_size_from_environment() {
    const char* text = std::getenv("RQLITE_HISTFILESIZE");
    if (text == nullptr || *text == '\0') return default_history_size;
    const std::optional<std::int64_t> size = http::parse_go_decimal_int(text);
    if (!size || *size > 1'000'000) return default_history_size;
    return static_cast<int>(*size);
}

}  // namespace rq::shell
