// Durability of a real rqlited: SIGKILL in the middle of a write load loses no acknowledged write,
// and SIGTERM shuts down cleanly and restarts with everything.
#include <gtest/gtest.h>

#include <atomic>
#include <iostream>
#include <set>
#include <thread>

#include "tests/integration/rqlited_process.h"

namespace rq::testing {
namespace {

// Writers insert rows named "<writer>-<n>" until told to stop; a row counts as acknowledged only
// when rqlited answered 200 with rows_affected 1 and no error.
class WriteLoad {
public:
    WriteLoad(unsigned short port, int writers, int round) {
        for (int w = 0; w < writers; ++w) {
            threads_.emplace_back([this, port, w, round] {
                HttpClient client("127.0.0.1", port, std::chrono::seconds(5));
                for (int n = 0; !stop_.load(); ++n) {
                    const std::string name = std::to_string(round) + "-" + std::to_string(w) + "-" + std::to_string(n);
                    const Response response =
                        client.post("/db/execute", R"j([["INSERT INTO acked(name) VALUES(?)", ")j" + name + R"j("]])j");
                    if (response.status == 200 && response.body.find("\"rows_affected\":1") != std::string::npos &&
                        response.body.find("error") == std::string::npos) {
                        std::lock_guard lock(mutex_);
                        acknowledged_.insert(name);
                    }
                    if (n == 0 && w == 0) first_response_ = std::to_string(response.status) + " " + response.body + response.error;
                    if (response.status == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
                }
            });
        }
    }
    std::set<std::string> stop() {
        stop_ = true;
        for (auto& thread : threads_) thread.join();
        threads_.clear();
        std::lock_guard lock(mutex_);
        return acknowledged_;
    }
    ~WriteLoad() {
        if (!threads_.empty()) stop();
    }

private:
public:
    std::string first_response_;

private:
    std::atomic<bool> stop_{false};
    std::mutex mutex_;
    std::set<std::string> acknowledged_;
    std::vector<std::thread> threads_;
};

std::set<std::string> stored_names(HttpClient& client) {
    const Response response = client.get("/db/query?q=" + url_encode("SELECT name FROM acked") + "&level=strong");
    EXPECT_EQ(response.status, 200u) << response.body;
    std::set<std::string> names;
    const std::string& body = response.body;
    // Values are [["name"],["name"],...]: pick every quoted string after "values".
    std::size_t at = body.find("\"values\":");
    while (at != std::string::npos) {
        const std::size_t open = body.find("[\"", at);
        if (open == std::string::npos) break;
        const std::size_t close = body.find("\"]", open + 2);
        names.insert(body.substr(open + 2, close - open - 2));
        at = close;
    }
    return names;
}

TEST(Crash, KillNineDuringWritesLosesNothingAcknowledged) {
    TempDirectory directory;
    // A small snapshot threshold makes the crashes land around snapshots and log compaction too.
    RqlitedProcess node(directory.path(), {"-raft-snap", "200"});
    ASSERT_NO_FATAL_FAILURE(node.start());
    ASSERT_EQ(node.client().post("/db/execute", R"j(["CREATE TABLE acked (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"])j").status, 200u);
    std::set<std::string> acknowledged;
    for (int round = 0; round < 3; ++round) {
        WriteLoad load(node.http_port(), 8, round);
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        node.kill_hard();
        const std::set<std::string> acked = load.stop();
        acknowledged.insert(acked.begin(), acked.end());
        std::cout << "round " << round << ": " << acked.size() << " writes acknowledged before SIGKILL\n";
        ASSERT_FALSE(acked.empty()) << "no write was acknowledged in round " << round << "; first answer: " << load.first_response_ << "; log:\n" << node.log();
        ASSERT_NO_FATAL_FAILURE(node.start());
        const std::set<std::string> stored = stored_names(node.client());
        std::vector<std::string> lost;
        for (const std::string& name : acknowledged) {
            if (!stored.count(name)) lost.push_back(name);
        }
        EXPECT_TRUE(lost.empty()) << lost.size() << " acknowledged rows lost after round " << round << ", e.g. "
                                  << lost.front() << "; log:\n" << node.log();
    }
}

TEST(Crash, SigtermShutsDownCleanlyAndRestartsWithEverything) {
    TempDirectory directory;
    RqlitedProcess node(directory.path());
    ASSERT_NO_FATAL_FAILURE(node.start());
    ASSERT_EQ(node.client().post("/db/execute", R"j(["CREATE TABLE acked (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"])j").status, 200u);
    WriteLoad load(node.http_port(), 4, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const std::set<std::string> acknowledged = load.stop();
    ASSERT_FALSE(acknowledged.empty()) << "first answer: " << load.first_response_;
    EXPECT_EQ(node.terminate(), 0) << node.log();
    EXPECT_NE(node.log().find("store closed cleanly"), std::string::npos) << node.log();
    ASSERT_NO_FATAL_FAILURE(node.start());
    const std::set<std::string> stored = stored_names(node.client());
    for (const std::string& name : acknowledged) EXPECT_TRUE(stored.count(name)) << name;
    EXPECT_EQ(stored.size(), acknowledged.size());
}

// ../shared/peers and many scripts start a node, wait for /status (served before the store opens,
// API.md 1.5) and write at once: the write waits for the store and a leader instead of failing.
TEST(Startup, AWriteSentAsSoonAsStatusAnswersSucceeds) {
    for (int attempt = 0; attempt < 5; ++attempt) {
        TempDirectory directory;
        RqlitedProcess node(directory.path());
        ASSERT_NO_FATAL_FAILURE(node.start(std::chrono::seconds(30), "/status"));
        const Response created = node.client().post("/db/execute", R"j(["CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT)"])j");
        EXPECT_EQ(created.status, 200u);
        EXPECT_EQ(created.body, R"j({"results":[{}]})j") << node.log();
    }
}

}  // namespace
}  // namespace rq::testing
