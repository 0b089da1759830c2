#pragma once
// What SQLite would otherwise take from the machine, taken from the store instead:
//   - the current time ('now', CURRENT_TIMESTAMP), through a VFS that wraps the real one ("unix" on
//     disk, "memdb" in memory) and forwards everything except the clock;
//   - random() and randomblob(), through application functions that replace the built-in ones and
//     draw from an rq::Random.
// While a command is applied, the time is the command's timestamp and the generator is seeded from
// the Raft index, so SQL that escaped rewriting still computes the same bytes on every replica. Reads
// see the environment's clock, which in the simulator is virtual time.

#include <sqlite3.h>

#include <functional>
#include <memory>
#include <string>

#include "base/random.h"
#include "base/result.h"
#include "env/clock.h"

namespace rq::store {

class TimeVfs {
public:
    // Returns the current wall-clock time (Unix epoch based) whenever SQLite asks.
    using TimeSource = std::function<env::Duration()>;

    // Registers a new VFS named uniquely in this process, wrapping `base_vfs_name`.
    static Result<std::unique_ptr<TimeVfs>> create(const char* base_vfs_name, TimeSource source);
    ~TimeVfs();  // unregisters: every connection using it must be closed first

    TimeVfs(const TimeVfs&) = delete;
    TimeVfs& operator=(const TimeVfs&) = delete;

    [[nodiscard]] const std::string& name() const { return name_; }
    [[nodiscard]] env::Duration now() const { return source_(); }
    [[nodiscard]] sqlite3_vfs* base() const { return base_; }

private:
    TimeVfs(sqlite3_vfs* base, TimeSource source, std::string name);

    sqlite3_vfs vfs_{};
    sqlite3_vfs* base_;
    TimeSource source_;
    std::string name_;
};

// Replaces random() and randomblob() on `db` with versions drawing from `*random`, which must outlive
// the connection.
Status install_random_functions(sqlite3* db, Random* random);

}  // namespace rq::store
