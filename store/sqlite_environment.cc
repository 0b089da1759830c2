#include "store/sqlite_environment.h"

#include <atomic>

#include "store/sqlite_handle.h"

namespace rq::store {
namespace {

constexpr std::int64_t nanos_per_milli = 1'000'000;
// Milliseconds from the Julian day epoch to the Unix epoch: SQLite's clock counts Julian milliseconds.
constexpr sqlite3_int64 julian_millis_at_unix_epoch = 210'866'760'000'000;
constexpr double millis_per_day = 86'400'000.0;

TimeVfs* self(sqlite3_vfs* vfs) { return static_cast<TimeVfs*>(vfs->pAppData); }
sqlite3_vfs* base(sqlite3_vfs* vfs) { return self(vfs)->base(); }

sqlite3_int64 julian_millis_now(sqlite3_vfs* vfs) {
    return self(vfs)->now().count() / nanos_per_milli + julian_millis_at_unix_epoch;
}

// Every other method forwards to the wrapped VFS, passing the wrapped VFS itself: its methods find
// their own state through their own sqlite3_vfs.
int forward_open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
    return base(vfs)->xOpen(base(vfs), name, file, flags, out_flags);
}
int forward_delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
    return base(vfs)->xDelete(base(vfs), name, sync_dir);
}
int forward_access(sqlite3_vfs* vfs, const char* name, int flags, int* result) {
    return base(vfs)->xAccess(base(vfs), name, flags, result);
}
int forward_full_pathname(sqlite3_vfs* vfs, const char* name, int size, char* out) {
    return base(vfs)->xFullPathname(base(vfs), name, size, out);
}
void* forward_dl_open(sqlite3_vfs* vfs, const char* name) { return base(vfs)->xDlOpen(base(vfs), name); }
void forward_dl_error(sqlite3_vfs* vfs, int size, char* out) { base(vfs)->xDlError(base(vfs), size, out); }
void (*forward_dl_sym(sqlite3_vfs* vfs, void* handle, const char* symbol))(void) {
    return base(vfs)->xDlSym(base(vfs), handle, symbol);
}
void forward_dl_close(sqlite3_vfs* vfs, void* handle) { base(vfs)->xDlClose(base(vfs), handle); }
int forward_randomness(sqlite3_vfs* vfs, int size, char* out) {
    return base(vfs)->xRandomness(base(vfs), size, out);
}
int forward_sleep(sqlite3_vfs* vfs, int microseconds) { return base(vfs)->xSleep(base(vfs), microseconds); }
int forward_get_last_error(sqlite3_vfs* vfs, int size, char* out) {
    return base(vfs)->xGetLastError != nullptr ? base(vfs)->xGetLastError(base(vfs), size, out) : 0;
}
int forward_set_system_call(sqlite3_vfs* vfs, const char* name, sqlite3_syscall_ptr call) {
    return base(vfs)->xSetSystemCall(base(vfs), name, call);
}
sqlite3_syscall_ptr forward_get_system_call(sqlite3_vfs* vfs, const char* name) {
    return base(vfs)->xGetSystemCall(base(vfs), name);
}
const char* forward_next_system_call(sqlite3_vfs* vfs, const char* name) {
    return base(vfs)->xNextSystemCall(base(vfs), name);
}

int current_time(sqlite3_vfs* vfs, double* julian_days) {
    *julian_days = static_cast<double>(julian_millis_now(vfs)) / millis_per_day;
    return SQLITE_OK;
}
int current_time_int64(sqlite3_vfs* vfs, sqlite3_int64* julian_millis) {
    *julian_millis = julian_millis_now(vfs);
    return SQLITE_OK;
}

Random* generator(sqlite3_context* context) { return static_cast<Random*>(sqlite3_user_data(context)); }

void random_function(sqlite3_context* context, int, sqlite3_value**) {
    sqlite3_result_int64(context, static_cast<sqlite3_int64>(generator(context)->next_u64()));
}

// randomblob(N): N random bytes, at least one (SQLite's own rule), at most SQLITE_LIMIT_LENGTH.
void random_blob_function(sqlite3_context* context, int, sqlite3_value** arguments) {
    sqlite3_int64 size = sqlite3_value_int64(arguments[0]);
    if (size < 1) size = 1;
    if (size > sqlite3_limit(sqlite3_context_db_handle(context), SQLITE_LIMIT_LENGTH, -1)) {
        sqlite3_result_error_toobig(context);
        return;
    }
    auto* bytes = static_cast<unsigned char*>(sqlite3_malloc64(static_cast<sqlite3_uint64>(size)));
    if (bytes == nullptr) {
        sqlite3_result_error_nomem(context);
        return;
    }
    Random* random = generator(context);
    std::uint64_t word = 0;
    for (sqlite3_int64 i = 0; i < size; ++i) {
        // Byte by byte from the low end, so the bytes do not depend on the machine's endianness.
        if (i % 8 == 0) word = random->next_u64();
        bytes[i] = static_cast<unsigned char>(word & 0xff);
        word >>= 8;
    }
    sqlite3_result_blob64(context, bytes, static_cast<sqlite3_uint64>(size), sqlite3_free);
}

}  // namespace

TimeVfs::TimeVfs(sqlite3_vfs* base_vfs, TimeSource source, std::string name)
    : base_(base_vfs), source_(std::move(source)), name_(std::move(name)) {
    vfs_ = *base_vfs;  // sizes and version; every method is replaced below
    vfs_.pNext = nullptr;
    vfs_.zName = name_.c_str();
    vfs_.pAppData = this;
    vfs_.xOpen = forward_open;
    vfs_.xDelete = forward_delete;
    vfs_.xAccess = forward_access;
    vfs_.xFullPathname = forward_full_pathname;
    vfs_.xDlOpen = base_vfs->xDlOpen != nullptr ? forward_dl_open : nullptr;
    vfs_.xDlError = base_vfs->xDlError != nullptr ? forward_dl_error : nullptr;
    vfs_.xDlSym = base_vfs->xDlSym != nullptr ? forward_dl_sym : nullptr;
    vfs_.xDlClose = base_vfs->xDlClose != nullptr ? forward_dl_close : nullptr;
    vfs_.xRandomness = forward_randomness;
    vfs_.xSleep = forward_sleep;
    vfs_.xCurrentTime = current_time;
    vfs_.xGetLastError = forward_get_last_error;
    if (vfs_.iVersion >= 2) vfs_.xCurrentTimeInt64 = current_time_int64;
    if (vfs_.iVersion >= 3) {
        vfs_.xSetSystemCall = base_vfs->xSetSystemCall != nullptr ? forward_set_system_call : nullptr;
        vfs_.xGetSystemCall = base_vfs->xGetSystemCall != nullptr ? forward_get_system_call : nullptr;
        vfs_.xNextSystemCall = base_vfs->xNextSystemCall != nullptr ? forward_next_system_call : nullptr;
    }
}

Result<std::unique_ptr<TimeVfs>> TimeVfs::create(const char* base_vfs_name, TimeSource source) {
    sqlite3_initialize();
    sqlite3_vfs* base_vfs = sqlite3_vfs_find(base_vfs_name);
    if (base_vfs == nullptr) {
        return Error(ErrorCode::not_found, std::string("SQLite VFS not found: ") + base_vfs_name);
    }
    // Names only need to be unique among live stores of this process.
    static std::atomic<std::uint64_t> next_id{0};
    std::string name = "rq-" + std::string(base_vfs_name) + "-" + std::to_string(next_id.fetch_add(1));
    std::unique_ptr<TimeVfs> vfs(new TimeVfs(base_vfs, std::move(source), std::move(name)));
    const int rc = sqlite3_vfs_register(&vfs->vfs_, 0);
    if (rc != SQLITE_OK) return sqlite_error(nullptr, rc, "register VFS " + vfs->name_);
    return vfs;
}

TimeVfs::~TimeVfs() { sqlite3_vfs_unregister(&vfs_); }

Status install_random_functions(sqlite3* db, Random* random) {
    constexpr int flags = SQLITE_UTF8 | SQLITE_INNOCUOUS;
    int rc = sqlite3_create_function_v2(db, "random", 0, flags, random, random_function, nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) {
        rc = sqlite3_create_function_v2(db, "randomblob", 1, flags, random, random_blob_function, nullptr, nullptr,
                                        nullptr);
    }
    if (rc != SQLITE_OK) return sqlite_error(db, rc, "install random functions");
    return ok_status();
}

}  // namespace rq::store
