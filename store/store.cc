#include "store/store.h"

#include <array>

#include "store/clean_marker.h"
#include "store/content_hash.h"
#include "store/database_image.h"
#include "store/pragma_guard.h"

namespace rq::store {
namespace {

// SQLite URIs give '%', '?' and '#' a meaning: escape them in a path.
std::string uri_escaped(const std::string& path) {
    std::string out;
    for (char c : path) {
        if (c == '%') {
            out += "%25";
        } else if (c == '?') {
            out += "%3f";
        } else if (c == '#') {
            out += "%23";
        } else {
            out += c;
        }
    }
    return out;
}

constexpr std::array<const char*, 5> reported_pragmas = {"busy_timeout", "foreign_keys", "journal_mode",
                                                         "synchronous", "wal_autocheckpoint"};

RunMode mode_for(CommandKind kind) { return kind == CommandKind::request ? RunMode::request : RunMode::execute; }

}  // namespace

Store::Store(StoreOptions options, const env::Clock& clock, Random random)
    : options_(std::move(options)), clock_(clock), read_random_(random) {}

Store::~Store() {
    close_connections();
    vfs_.reset();  // only once no connection uses it
}

Result<std::unique_ptr<Store>> Store::open(StoreOptions options, const env::Clock& clock, Random random) {
    if (options.path.empty()) return Error(ErrorCode::invalid_argument, "store: empty database path");
    const bool on_disk = options.location == DatabaseLocation::on_disk;
    std::unique_ptr<Store> store(new Store(std::move(options), clock, random));
    Store* raw = store.get();
    auto vfs = TimeVfs::create(on_disk ? "unix" : "memdb", [raw] { return raw->sqlite_now(); });
    if (!vfs.ok()) return vfs.error().with_context("open store");
    store->vfs_ = std::move(vfs).value();

    if (on_disk) {
        const std::string& path = store->options_.path;
        if (std::optional<raft::Index> clean_index = read_clean_marker(path)) {
            store->applied_index_ = *clean_index;
            store->reused_clean_file_ = true;
            RQ_TRY_STATUS(store->open_database(), "open store " + path);
            // From here on the file may change: the record must not outlive this moment.
            RQ_TRY_STATUS(remove_clean_marker(path), "open store " + path);
            return store;
        }
        RQ_TRY_STATUS(remove_database_files(path), "open store " + path);
    }
    RQ_TRY_STATUS(store->open_database(), "open store " + store->options_.path);
    if (!on_disk) {
        // A memdb name already in use would silently share another store's data.
        Result<std::string> pages = store->read_write_.query_text("PRAGMA page_count");
        if (!pages.ok()) return pages.error().with_context("open store");
        if (*pages != "0") {
            return Error(ErrorCode::invalid_argument,
                         "open store: in-memory database name already in use: " + store->options_.path);
        }
    }
    return store;
}

std::string Store::uri(bool read_only) const {
    std::string uri = options_.location == DatabaseLocation::on_disk ? "file:" + uri_escaped(options_.path)
                                                                     : "file:/" + uri_escaped(options_.path);
    uri += "?vfs=" + vfs_->name();
    if (read_only) uri += "&mode=ro";
    return uri;
}

// In memory nothing may touch the disk, including the temporary files SQLite uses for large sorts
// and statement journals. On disk SQLite's default (temporary files) is kept, as in rqlite.
std::string Store::temp_store_pragma() const {
    return options_.location == DatabaseLocation::in_memory ? " PRAGMA temp_store=MEMORY;" : "";
}

env::Duration Store::sqlite_now() const { return frozen_now_ ? *frozen_now_ : clock_.unix_now(); }

Status Store::open_database() {
    RQ_TRY_STATUS(open_read_write(), "read-write connection");
    RQ_TRY_STATUS(configure_read_write(), "read-write connection");
    RQ_TRY_STATUS(open_read_only(), "read-only connection");
    return ok_status();
}

Status Store::open_read_write() {
    Result<Connection> connection =
        Connection::open(uri(false), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, schema_epoch_);
    if (!connection.ok()) return connection.error();
    read_write_ = std::move(connection).value();
    return install_random_functions(read_write_.get(), &apply_random_);
}

Status Store::configure_read_write() {
    std::string pragmas = "PRAGMA synchronous=OFF; PRAGMA foreign_keys=" +
                          std::string(options_.foreign_keys ? "ON" : "OFF") + ";" + temp_store_pragma();
    if (options_.location == DatabaseLocation::on_disk) {
        Result<std::string> mode = read_write_.query_text("PRAGMA journal_mode=WAL");
        if (!mode.ok()) return mode.error();
        if (*mode != "wal") return Error(ErrorCode::internal, "could not enable WAL mode: journal_mode=" + *mode);
        // The store checkpoints when it is told to (at snapshots), never behind the caller's back.
        pragmas += " PRAGMA wal_autocheckpoint=0; PRAGMA busy_timeout=" + std::to_string(options_.busy_timeout_ms) + ";";
    }
    return read_write_.exec(pragmas);
}

Status Store::open_read_only() {
    Result<Connection> connection = Connection::open(uri(true), SQLITE_OPEN_READONLY, schema_epoch_);
    if (!connection.ok()) return connection.error();
    read_only_ = std::move(connection).value();
    RQ_TRY_STATUS(install_random_functions(read_only_.get(), &read_random_), "read-only connection");
    std::string pragmas = "PRAGMA query_only=1; PRAGMA synchronous=OFF; PRAGMA foreign_keys=" +
                          std::string(options_.foreign_keys ? "ON" : "OFF") + ";" + temp_store_pragma();
    // In memory a busy connection can only be one of ours, on this thread: waiting would never help.
    if (options_.location == DatabaseLocation::on_disk) {
        pragmas += " PRAGMA busy_timeout=" + std::to_string(options_.busy_timeout_ms) + ";";
    }
    return read_only_.exec(pragmas);
}

void Store::close_connections() {
    read_only_.close();
    read_write_.close();
}

Status Store::usable() const {
    if (closed_) return Error(ErrorCode::closed, "store is closed");
    if (poisoned_) return poisoned_->with_context("store unusable after an earlier failure");
    return ok_status();
}

Result<BatchResult> Store::apply(raft::Index index, const Command& command, ResultsWanted wanted) {
    RQ_ASSERT(index > applied_index_, "apply index", index, "applied", applied_index_);
    RQ_TRY_STATUS(usable(), "apply");
    // Whatever SQL escaped rewriting sees the same "now" and the same random stream everywhere.
    frozen_now_ = command.unix_time;
    apply_random_ = Random(index.value());
    BatchResult result = command.kind == CommandKind::load ? apply_load(command, index) : apply_batch(command, wanted);
    frozen_now_.reset();
    if (poisoned_) return *poisoned_;
    applied_index_ = index;
    return result;
}

BatchResult Store::apply_batch(const Command& command, ResultsWanted wanted) {
    BatchResult result;
    if (command.kind == CommandKind::noop) return result;
    if (command.kind == CommandKind::query && wanted == ResultsWanted::no) return result;
    if (Status allowed = check_pragmas(command.batch); !allowed.ok()) {
        result.error = allowed.error().message();
        return result;
    }
    if (command.kind == CommandKind::query) {
        // A strong read runs where every read runs: on the read-only connection, after the writes
        // before it in the log. Interrupting it changes nothing, so db_timeout always applies.
        BatchRunner runner(read_only_, clock_);
        return runner.run(command.batch, RunMode::query, true);
    }
    BatchRunner runner(read_write_, clock_);
    return runner.run(command.batch, mode_for(command.kind), options_.enforce_db_timeout_on_writes);
}

BatchResult Store::apply_load(const Command& command, raft::Index index) {
    BatchResult result;
    Result<Connection> image = open_database_image(command.database_image, ImageCheck::integrity);
    if (!image.ok()) {
        result.error = image.error().message();  // every replica refuses it alike
        return result;
    }
    if (Status installed = replace_database(std::move(image).value()); !installed.ok()) {
        poisoned_ = installed.error().with_context("load at index " + std::to_string(index.value()));
    }
    return result;
}

Status Store::replace_database(Connection image) {
    close_connections();
    if (options_.location == DatabaseLocation::on_disk) {
        RQ_TRY_STATUS(remove_database_files(options_.path), "replace database");
    }
    // A fresh file still in rollback mode accepts any page size from the backup; WAL comes after.
    RQ_TRY_STATUS(open_read_write(), "replace database");
    sqlite3_backup* backup = sqlite3_backup_init(read_write_.get(), "main", image.get(), "main");
    if (backup == nullptr) return sqlite_error(read_write_.get(), sqlite3_errcode(read_write_.get()), "backup");
    const int step = sqlite3_backup_step(backup, -1);
    const int finish = sqlite3_backup_finish(backup);
    if (step != SQLITE_DONE) return sqlite_error(read_write_.get(), step, "backup");
    if (finish != SQLITE_OK) return sqlite_error(read_write_.get(), finish, "backup");
    RQ_TRY_STATUS(configure_read_write(), "replace database");
    RQ_TRY_STATUS(open_read_only(), "replace database");
    return ok_status();
}

Result<BatchResult> Store::apply_encoded(raft::Index index, std::string_view bytes) {
    Result<Command> command = decode_command(bytes);
    if (!command.ok()) return command.error().with_context("apply index " + std::to_string(index.value()));
    return apply(index, *command);
}

Result<BatchResult> Store::query(const StatementBatch& batch) {
    RQ_TRY_STATUS(usable(), "query");
    if (Status allowed = check_pragmas(batch); !allowed.ok()) {
        BatchResult refused;
        refused.error = allowed.error().message();
        return refused;
    }
    BatchRunner runner(read_only_, clock_);
    return runner.run(batch, RunMode::query, true);
}

bool Store::is_read_only(const StatementBatch& batch) {
    if (!usable().ok()) return false;
    for (const Statement& statement : batch.statements) {
        if (!statement.sql.empty() && !is_read_only_sql(read_only_, statement.sql)) return false;
    }
    return true;
}

Result<std::string> Store::serialize() {
    Result<SerializedImage> image = serialize_image();
    if (!image.ok()) return image.error();
    return std::string(image->bytes());
}

Result<SerializedImage> Store::serialize_image() {
    RQ_TRY_STATUS(usable(), "serialize");
    sqlite3_int64 size = 0;
    unsigned char* data = sqlite3_serialize(read_write_.get(), "main", &size, 0);
    if (data == nullptr) {
        // A database never written has no pages at all; anything else is a failure.
        Result<std::string> pages = read_write_.query_text("PRAGMA page_count");
        if (pages.ok() && *pages == "0") return SerializedImage();
        return Error(ErrorCode::internal, "serialize: SQLite returned no image");
    }
    return SerializedImage(data, static_cast<std::size_t>(size));
}

Status Store::restore(std::string_view image, raft::Index index) {
    RQ_TRY_STATUS(usable(), "restore");
    Result<Connection> opened = open_database_image(image, ImageCheck::schema);
    if (!opened.ok()) return opened.error().with_context("restore");
    if (Status installed = replace_database(std::move(opened).value()); !installed.ok()) {
        poisoned_ = installed.error().with_context("restore at index " + std::to_string(index.value()));
        return *poisoned_;
    }
    applied_index_ = index;
    return ok_status();
}

Result<std::uint64_t> Store::content_hash() {
    RQ_TRY_STATUS(usable(), "content hash");
    return database_content_hash(read_only_);
}

Status Store::dump_sql(const std::vector<std::string>& tables, const DumpWriter& write) {
    RQ_TRY_STATUS(usable(), "dump");
    return store::dump_sql(read_only_.get(), tables, write);
}

Status Store::checkpoint() {
    RQ_TRY_STATUS(usable(), "checkpoint");
    if (options_.location != DatabaseLocation::on_disk) return ok_status();
    auto statement = read_write_.prepare("PRAGMA wal_checkpoint(TRUNCATE)");
    if (!statement.ok()) return statement.error();
    const int rc = sqlite3_step(statement->get());
    if (rc != SQLITE_ROW) return sqlite_error(read_write_.get(), rc, "checkpoint");
    // Columns: busy (non-zero if a reader or writer blocked it), WAL frames, frames checkpointed.
    if (sqlite3_column_int(statement->get(), 0) != 0) {
        return Error(ErrorCode::internal, "checkpoint: the WAL could not be fully checkpointed");
    }
    return ok_status();
}

Status Store::close_clean() {
    RQ_TRY_STATUS(usable(), "close");
    RQ_TRY_STATUS(checkpoint(), "close");
    close_connections();
    closed_ = true;
    if (options_.location == DatabaseLocation::on_disk) {
        RQ_TRY_STATUS(write_clean_marker(options_.path, applied_index_), "close");
    }
    return ok_status();
}

Store::StatementStats Store::statement_stats() const {
    StatementStats out;
    if (read_write_.is_open()) out.read_write = read_write_.statements().stats();
    if (read_only_.is_open()) out.read_only = read_only_.statements().stats();
    return out;
}

Result<StorePragmas> Store::pragmas() {
    RQ_TRY_STATUS(usable(), "pragmas");
    StorePragmas out;
    for (const char* name : reported_pragmas) {
        const std::string sql = std::string("PRAGMA ") + name;
        Result<std::string> read_write = read_write_.query_text(sql);
        if (!read_write.ok()) return read_write.error();
        Result<std::string> read_only = read_only_.query_text(sql);
        if (!read_only.ok()) return read_only.error();
        out.read_write[name] = *read_write;
        out.read_only[name] = *read_only;
    }
    return out;
}

}  // namespace rq::store
