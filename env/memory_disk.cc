#include "env/memory_disk.h"

#include <algorithm>
#include <limits>
#include <set>

namespace rq::env {

namespace {

void apply_write(std::string& bytes, std::uint64_t offset, std::string_view data) {
    const auto start = static_cast<std::size_t>(offset);
    if (bytes.size() < start) bytes.resize(start, '\0');  // a hole reads as zeros
    const std::size_t overwritten = std::min(data.size(), bytes.size() - start);
    bytes.replace(start, overwritten, data.data(), overwritten);
    bytes.append(data.substr(overwritten));
}

std::string base_name(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

Error stale_handle(const std::string& path) {
    return Error(ErrorCode::closed, path + ": file handle opened before a crash");
}

Error injected_error(const std::string& what) { return Error(ErrorCode::io, what + ": injected I/O error"); }

std::string write_what(const std::string& path, std::uint64_t offset) {
    return "write " + path + " at " + std::to_string(offset);
}

}  // namespace

// One unsynced change to a file, kept so a crash can replay a prefix of them over the durable bytes.
struct PendingChange {
    bool is_truncate = false;
    std::uint64_t offset = 0;        // write offset, or the new size of a truncate
    std::size_t journal_offset = 0;  // where the written bytes start in Inode::journal
    std::size_t length = 0;          // written bytes (0 for a truncate)
};

// A half-open range of byte positions.
struct ByteRange {
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
};

// Past this many separate dirty ranges a sync copies their hull instead (still correct, and bounded).
constexpr std::size_t dirty_ranges_max = 64;

struct MemoryDisk::Inode {
    std::string data;     // what reads see
    std::string durable;  // what a crash keeps for sure
    std::vector<PendingChange> pending;  // since the last sync, oldest first
    std::string journal;  // the bytes of the pending writes, back to back (one buffer, not one per write)
    // Where `durable` may differ from `data`, so a sync copies these ranges rather than the whole file
    // (WAL segments are megabytes; a sync follows every few hundred bytes). Outside them the two agree
    // below both sizes; every byte of data past durable's end is inside them.
    std::vector<ByteRange> dirty;

    [[nodiscard]] std::string_view written(const PendingChange& change) const {
        return std::string_view(journal).substr(change.journal_offset, change.length);
    }

    void write(std::uint64_t offset, std::string_view bytes) {
        const std::uint64_t old_size = data.size();
        apply_write(data, offset, bytes);
        // A hole before the write reads as zeros; after a truncate durable may hold other bytes there.
        mark_dirty(std::min(offset, old_size), offset + bytes.size());
        pending.push_back({false, offset, journal.size(), bytes.size()});
        journal.append(bytes);
    }

    void truncate(std::uint64_t size) {
        const std::uint64_t old_size = data.size();
        data.resize(static_cast<std::size_t>(size), '\0');
        mark_dirty(old_size, size);  // growing adds zeros where durable may hold other bytes
        pending.push_back({true, size, journal.size(), 0});
    }

    void sync() {
        durable.resize(data.size(), '\0');
        for (const ByteRange& range : dirty) {
            const auto begin = static_cast<std::size_t>(std::min<std::uint64_t>(range.begin, data.size()));
            const auto end = static_cast<std::size_t>(std::min<std::uint64_t>(range.end, data.size()));
            durable.replace(begin, end - begin, data, begin, end - begin);
        }
        forget_pending();
    }

    // Sector rot: flips the bits of [offset, end) in both copies, as far as each reaches. Where both
    // reach they stay equal or stay dirty; past durable's end every byte of data is dirty already
    // (only writes and truncates grow data, and both mark what they add).
    void rot(std::uint64_t offset, std::uint64_t end) {
        for (std::string* bytes : {&data, &durable}) {
            for (std::uint64_t i = offset; i < end && i < bytes->size(); ++i) {
                auto& byte = (*bytes)[static_cast<std::size_t>(i)];
                byte = static_cast<char>(~static_cast<unsigned char>(byte));
            }
        }
    }

    void replay(std::string& bytes, const PendingChange& change) const {
        if (change.is_truncate) {
            bytes.resize(static_cast<std::size_t>(change.offset), '\0');
        } else {
            apply_write(bytes, change.offset, written(change));
        }
    }

    // After a crash: what survived is both what reads see and what is durable.
    void settle(std::string bytes) {
        data = bytes;
        durable = std::move(bytes);
        forget_pending();
    }

private:
    void mark_dirty(std::uint64_t begin, std::uint64_t end) {
        if (begin >= end) return;
        if (!dirty.empty() && begin <= dirty.back().end && end >= dirty.back().begin) {
            // Appends and rewrites of the tail touch or overlap the last range: grow it.
            dirty.back().begin = std::min(dirty.back().begin, begin);
            dirty.back().end = std::max(dirty.back().end, end);
        } else if (dirty.size() < dirty_ranges_max) {
            dirty.push_back({begin, end});
        } else {
            ByteRange hull{begin, end};
            for (const ByteRange& range : dirty) {
                hull.begin = std::min(hull.begin, range.begin);
                hull.end = std::max(hull.end, range.end);
            }
            dirty.assign(1, hull);
        }
    }

    void forget_pending() {
        pending.clear();
        journal.clear();
        dirty.clear();
    }
};

struct MemoryDisk::Directory {
    std::map<std::string, std::shared_ptr<Inode>> entries;          // what lookups see
    std::map<std::string, std::shared_ptr<Inode>> durable_entries;  // what a crash keeps
};

const char* disk_operation_name(DiskOperation operation) {
    switch (operation) {
        case DiskOperation::read: return "read";
        case DiskOperation::write: return "write";
        case DiskOperation::sync: return "sync";
        case DiskOperation::rename: return "rename";
        case DiskOperation::remove: return "remove";
        case DiskOperation::create: return "create";
    }
    return "unknown";
}

// A handle: the inode stays alive while open, even after the file is removed (as on POSIX).
class MemoryFile final : public File {
public:
    MemoryFile(MemoryDisk& disk, std::shared_ptr<MemoryDisk::Inode> inode, std::string path, bool writable)
        : disk_(disk), inode_(std::move(inode)), path_(std::move(path)), writable_(writable),
          generation_(disk.generation_) {}

    Result<std::uint64_t> size() override {
        if (stale()) return stale_handle(path_);
        return static_cast<std::uint64_t>(inode_->data.size());
    }
    Result<std::string> read(std::uint64_t offset, std::uint64_t length) override {
        if (stale()) return stale_handle(path_);
        return disk_.read_inode(*inode_, path_, offset, length);
    }
    Status write(std::uint64_t offset, std::string_view data) override {
        if (auto status = check_writable("write"); !status.ok()) return status;
        return disk_.write_inode(*inode_, path_, offset, data);
    }
    Status truncate(std::uint64_t size) override {
        if (auto status = check_writable("truncate"); !status.ok()) return status;
        return disk_.truncate_inode(*inode_, path_, size);
    }
    Status sync() override {
        if (stale()) return stale_handle(path_);
        return disk_.sync_inode(*inode_, path_);
    }

private:
    [[nodiscard]] bool stale() const { return generation_ != disk_.generation_; }
    Status check_writable(const char* operation) const {
        if (stale()) return stale_handle(path_);
        if (!writable_) {
            return Error(ErrorCode::invalid_argument, std::string(operation) + " " + path_ + ": opened read-only");
        }
        return ok_status();
    }

    MemoryDisk& disk_;
    std::shared_ptr<MemoryDisk::Inode> inode_;
    std::string path_;
    bool writable_;
    std::uint64_t generation_;
};

MemoryDisk::MemoryDisk(std::uint64_t seed) : random_(seed) {
    directories_["/"];
    directories_[""];
}

MemoryDisk::~MemoryDisk() = default;

bool MemoryDisk::injects_failure(DiskOperation operation) {
    const auto kind = static_cast<std::size_t>(operation);
    ++attempts_[kind];
    if (countdown_[kind] == 0) return false;
    return --countdown_[kind] == 0;
}

MemoryDisk::Directory* MemoryDisk::find_directory(const std::string& path) {
    auto found = directories_.find(path);
    return found == directories_.end() ? nullptr : &found->second;
}

const MemoryDisk::Directory* MemoryDisk::find_directory(const std::string& path) const {
    auto found = directories_.find(path);
    return found == directories_.end() ? nullptr : &found->second;
}

std::shared_ptr<MemoryDisk::Inode> MemoryDisk::lookup(const std::string& path) const {
    const Directory* directory = find_directory(parent_path(path));
    if (directory == nullptr) return nullptr;
    auto found = directory->entries.find(base_name(path));
    return found == directory->entries.end() ? nullptr : found->second;
}

Result<std::unique_ptr<File>> MemoryDisk::open(const std::string& path, OpenMode mode) {
    const std::string what = "open " + path;
    Directory* directory = find_directory(parent_path(path));
    if (directory == nullptr) return Error(ErrorCode::not_found, what + ": no such directory");
    if (directories_.contains(path)) return Error(ErrorCode::invalid_argument, what + ": is a directory");
    std::shared_ptr<Inode> inode = lookup(path);
    const bool creates = mode == OpenMode::create_exclusive || mode == OpenMode::create_or_truncate;
    if (!creates && inode == nullptr) return Error(ErrorCode::not_found, what + ": no such file");
    if (mode == OpenMode::create_exclusive && inode != nullptr) {
        return Error(ErrorCode::invalid_argument, what + ": file exists");
    }
    if (creates) {
        if (injects_failure(DiskOperation::create)) return injected_error(what);
        if (inode == nullptr) {
            inode = std::make_shared<Inode>();
            directory->entries[base_name(path)] = inode;
        } else if (!inode->data.empty()) {
            if (auto status = truncate_inode(*inode, path, 0); !status.ok()) return status.error();
        }
    }
    return std::unique_ptr<File>(new MemoryFile(*this, inode, path, mode != OpenMode::read_only));
}

Result<std::string> MemoryDisk::read_inode(Inode& inode, const std::string& path, std::uint64_t offset,
                                           std::uint64_t length) {
    if (injects_failure(DiskOperation::read)) return injected_error("read " + path + " at " + std::to_string(offset));
    if (offset >= inode.data.size()) return std::string();
    const auto count = std::min<std::uint64_t>(length, inode.data.size() - offset);
    return inode.data.substr(static_cast<std::size_t>(offset), static_cast<std::size_t>(count));
}

Status MemoryDisk::write_inode(Inode& inode, const std::string& path, std::uint64_t offset,
                               std::string_view data) {
    std::uint64_t kept = data.size();
    std::optional<Error> failure;
    if (injects_failure(DiskOperation::write)) {
        kept = random_.below(data.size() + 1);  // a failed write may have written a prefix
        failure = injected_error(write_what(path, offset));
    }
    if (space_limit_bytes_) {
        const std::uint64_t used = used_bytes();
        const std::uint64_t old_size = inode.data.size();
        const std::uint64_t end = offset + kept;
        const std::uint64_t growth = end > old_size ? end - old_size : 0;
        if (used + growth > *space_limit_bytes_) {
            const std::uint64_t room = *space_limit_bytes_ > used ? *space_limit_bytes_ - used : 0;
            const std::uint64_t reachable_end = std::max(old_size, std::min(end, old_size + room));
            kept = reachable_end > offset ? reachable_end - offset : 0;
            failure = Error(ErrorCode::no_space, write_what(path, offset) + ": no space left on device");
        }
    }
    if (kept > 0 || offset > inode.data.size()) inode.write(offset, data.substr(0, static_cast<std::size_t>(kept)));
    if (failure) return *failure;
    return ok_status();
}

Status MemoryDisk::truncate_inode(Inode& inode, const std::string& path, std::uint64_t size) {
    if (injects_failure(DiskOperation::write)) {
        return injected_error("truncate " + path + " to " + std::to_string(size));
    }
    inode.truncate(size);
    return ok_status();
}

Status MemoryDisk::sync_inode(Inode& inode, const std::string& path) {
    if (injects_failure(DiskOperation::sync)) return injected_error("sync " + path);
    inode.sync();
    return ok_status();
}

Status MemoryDisk::rename(const std::string& from, const std::string& to) {
    const std::string what = "rename " + from + " to " + to;
    Directory* source = find_directory(parent_path(from));
    Directory* target = find_directory(parent_path(to));
    if (source == nullptr || target == nullptr) return Error(ErrorCode::not_found, what + ": no such directory");
    auto found = source->entries.find(base_name(from));
    if (found == source->entries.end()) return Error(ErrorCode::not_found, what + ": no such file");
    if (injects_failure(DiskOperation::rename)) return injected_error(what);
    std::shared_ptr<Inode> inode = found->second;
    source->entries.erase(found);
    target->entries[base_name(to)] = std::move(inode);
    return ok_status();
}

Status MemoryDisk::remove(const std::string& path) {
    const std::string what = "remove " + path;
    Directory* directory = find_directory(parent_path(path));
    if (directory == nullptr || !directory->entries.contains(base_name(path))) {
        return Error(ErrorCode::not_found, what + ": no such file");
    }
    if (injects_failure(DiskOperation::remove)) return injected_error(what);
    directory->entries.erase(base_name(path));
    return ok_status();
}

Result<std::vector<std::string>> MemoryDisk::list(const std::string& path) {
    const Directory* directory = find_directory(path);
    if (directory == nullptr) return Error(ErrorCode::not_found, "list " + path + ": no such directory");
    std::vector<std::string> names;
    for (const auto& [name, inode] : directory->entries) names.push_back(name);
    for (const auto& [other, unused] : directories_) {
        if (!other.empty() && other != path && other != "/" && parent_path(other) == path) {
            names.push_back(base_name(other));
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

Status MemoryDisk::make_directory(const std::string& path) {
    std::size_t position = 0;
    while (position != std::string::npos) {
        position = path.find('/', position + 1);
        const std::string prefix = path.substr(0, position);
        if (prefix.empty()) continue;
        if (lookup(prefix) != nullptr) {
            return Error(ErrorCode::invalid_argument, "make directory " + path + ": " + prefix + " is a file");
        }
        directories_[prefix];
    }
    return ok_status();
}

Status MemoryDisk::sync_directory(const std::string& path) {
    Directory* directory = find_directory(path);
    if (directory == nullptr) return Error(ErrorCode::not_found, "sync directory " + path + ": no such directory");
    if (injects_failure(DiskOperation::sync)) return injected_error("sync directory " + path);
    directory->durable_entries = directory->entries;
    return ok_status();
}

void MemoryDisk::fail_after(DiskOperation operation, std::uint64_t count) {
    countdown_[static_cast<std::size_t>(operation)] = count;
}

std::uint64_t MemoryDisk::operation_count(DiskOperation operation) const {
    return attempts_[static_cast<std::size_t>(operation)];
}

void MemoryDisk::set_space_limit(std::optional<std::uint64_t> bytes_max) { space_limit_bytes_ = bytes_max; }

std::uint64_t MemoryDisk::used_bytes() const {
    std::set<const Inode*> counted;
    std::uint64_t total = 0;
    for (const auto& [path, directory] : directories_) {
        for (const auto& [name, inode] : directory.entries) {
            if (counted.insert(inode.get()).second) total += inode->data.size();
        }
    }
    return total;
}

Status MemoryDisk::corrupt(const std::string& path, std::uint64_t offset, std::uint64_t length) {
    std::shared_ptr<Inode> inode = lookup(path);
    if (inode == nullptr) return Error(ErrorCode::not_found, "corrupt " + path + ": no such file");
    constexpr std::uint64_t last = std::numeric_limits<std::uint64_t>::max();
    const std::uint64_t end = length > last - offset ? last : offset + length;
    inode->rot(offset, end);
    return ok_status();
}

void MemoryDisk::crash_inode(Inode& inode, const CrashOptions& options) {
    const std::size_t change_count = inode.pending.size();
    std::size_t kept = 0;  // changes that survive whole; the next one, if a write, may be torn
    bool tear_next = false;
    switch (options.mode) {
        case CrashMode::lose_unsynced: break;
        case CrashMode::tear_last_write:
            kept = change_count == 0 ? 0 : change_count - 1;
            tear_next = change_count > 0;
            break;
        case CrashMode::keep_random_prefix:
            kept = static_cast<std::size_t>(random_.below(change_count + 1));
            tear_next = kept < change_count;
            break;
    }
    if (change_count == 0) return;  // nothing pending: data and durable already agree
    std::string bytes = inode.durable;
    for (std::size_t i = 0; i < kept; ++i) inode.replay(bytes, inode.pending[i]);
    if (tear_next && !inode.pending[kept].is_truncate) {
        const PendingChange& torn = inode.pending[kept];
        const std::string_view written = inode.written(torn);
        // Torn: at least the last byte is lost (a whole write is the case of one more kept change).
        const auto prefix = written.empty() ? 0 : static_cast<std::size_t>(random_.below(written.size()));
        std::string data(written.substr(0, prefix));
        if (options.zero_fill_torn_write) data.resize(written.size(), '\0');
        apply_write(bytes, torn.offset, data);
    }
    inode.settle(std::move(bytes));
}

void MemoryDisk::crash(CrashOptions options) {
    for (auto& [path, directory] : directories_) directory.entries = directory.durable_entries;
    // Crash the surviving files in path order, so the random choices depend only on the seed. Files
    // no durable entry names are dropped with their last handle.
    std::set<Inode*> crashed;
    for (auto& [path, directory] : directories_) {
        for (auto& [name, inode] : directory.entries) {
            if (crashed.insert(inode.get()).second) crash_inode(*inode, options);
        }
    }
    ++generation_;
}

bool MemoryDisk::exists(const std::string& path) const { return lookup(path) != nullptr; }

bool MemoryDisk::durably_exists(const std::string& path) const {
    const Directory* directory = find_directory(parent_path(path));
    return directory != nullptr && directory->durable_entries.contains(base_name(path));
}

std::uint64_t MemoryDisk::unsynced_change_count() const {
    std::set<const Inode*> counted;
    std::uint64_t total = 0;
    for (const auto& [path, directory] : directories_) {
        for (const auto& [name, inode] : directory.entries) {
            if (counted.insert(inode.get()).second) total += inode->pending.size();
        }
    }
    return total;
}

}  // namespace rq::env
