#include "env/memory_disk.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

namespace rq::env {

namespace {

// Lookups split paths with env::split_path: views, no string of their own.
std::string_view parent_of(std::string_view path) { return split_path(path).parent; }
std::string_view base_name(std::string_view path) { return split_path(path).name; }

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
    // The written bytes are still data[offset, offset + length): nothing has changed them since, so
    // they need no copy of their own until something does (see Inode::keep_pending_writes).
    bool in_data = false;
    std::uint64_t offset = 0;        // write offset, or the new size of a truncate
    std::size_t journal_offset = 0;  // where the written bytes start in Inode::journal, unless in_data
    std::size_t length = 0;          // written bytes (0 for a truncate)
};

namespace {

// Snapshot files are written once, whole, then appended a small table: room to grow saves a copy.
void reserve_for(std::string& bytes, std::size_t end) {
    if (end > bytes.capacity()) bytes.reserve(std::max(end + end / 8, 2 * bytes.capacity()));
}

void apply_write(std::string& bytes, std::uint64_t offset, std::string_view data) {
    const auto start = static_cast<std::size_t>(offset);
    reserve_for(bytes, start + data.size());
    if (bytes.size() < start) bytes.resize(start, '\0');  // a hole reads as zeros
    const std::size_t overwritten = std::min(data.size(), bytes.size() - start);
    bytes.replace(start, overwritten, data.data(), overwritten);
    bytes.append(data.substr(overwritten));
}

void flip_bits(char* bytes, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) bytes[i] = static_cast<char>(~static_cast<unsigned char>(bytes[i]));
}

}  // namespace

// A file's bytes and its crash model. The durable bytes are kept as their difference from `data`,
// and the pending writes' bytes are copied only once something overwrites them, so the common
// pattern, writes at the end of a file then a sync, copies each byte once (into `data`) and a sync
// costs nothing: WAL segments take a sync every few hundred bytes, snapshot files are written whole.
struct MemoryDisk::Inode {
    std::string data;  // what reads see
    // What a crash keeps for sure is durable_size bytes: those of `saved` where it has them, else
    // those of `data`. Invariant: every position below durable_size that `saved` lacks is below
    // data's size and holds the durable byte there.
    std::uint64_t durable_size = 0;
    std::map<std::uint64_t, std::string> saved;  // durable bytes that data no longer has, by offset; disjoint
    std::vector<PendingChange> pending;  // since the last sync, oldest first
    std::string journal;  // the bytes of pending writes no longer in data, back to back (one buffer)
    // The hull of the pending writes still in data (empty if none): changes outside it skip them.
    std::uint64_t in_data_begin = 0;
    std::uint64_t in_data_end = 0;

    [[nodiscard]] std::string_view written(const PendingChange& change) const {
        if (change.in_data) {
            return std::string_view(data).substr(static_cast<std::size_t>(change.offset), change.length);
        }
        return std::string_view(journal).substr(change.journal_offset, change.length);
    }

    void write(std::uint64_t offset, std::string_view bytes) {
        before_changing(offset, offset + bytes.size());
        apply_write(data, offset, bytes);
        PendingChange change{false, false, offset, journal.size(), bytes.size()};
        if (!bytes.empty()) {  // an empty write (a hole up to offset) has nothing to keep
            change.in_data = true;
            const bool first = in_data_begin == in_data_end;
            in_data_begin = first ? offset : std::min(in_data_begin, offset);
            in_data_end = first ? offset + bytes.size() : std::max(in_data_end, offset + bytes.size());
        }
        pending.push_back(change);
    }

    void truncate(std::uint64_t size) {
        before_changing(size, data.size());  // growing changes no byte data has
        data.resize(static_cast<std::size_t>(size), '\0');
        pending.push_back({true, false, size, journal.size(), 0});
    }

    void sync() {
        durable_size = data.size();
        forget_pending();
    }

    // Sector rot: flips the bits of [offset, end) in data and in the durable bytes, as far as each
    // reaches. The durable bytes that `saved` lacks are data's, so they flip with it. The pending
    // writes keep what was written.
    void rot(std::uint64_t offset, std::uint64_t end) {
        keep_pending_writes(offset, end);
        if (offset < data.size()) {
            const auto last = static_cast<std::size_t>(std::min<std::uint64_t>(end, data.size()));
            flip_bits(data.data() + offset, last - static_cast<std::size_t>(offset));
        }
        for (auto& [begin, bytes] : saved) {
            const std::uint64_t from = std::max(begin, offset);
            const std::uint64_t to = std::min(begin + bytes.size(), end);
            if (from < to) flip_bits(bytes.data() + (from - begin), static_cast<std::size_t>(to - from));
        }
    }

    [[nodiscard]] std::string durable() const {
        const auto shared = static_cast<std::size_t>(std::min<std::uint64_t>(durable_size, data.size()));
        std::string bytes(std::string_view(data).substr(0, shared));
        bytes.resize(static_cast<std::size_t>(durable_size), '\0');  // all of it lies in `saved`
        for (const auto& [begin, piece] : saved) bytes.replace(static_cast<std::size_t>(begin), piece.size(), piece);
        return bytes;
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
        data = std::move(bytes);
        durable_size = data.size();
        forget_pending();
    }

private:
    // Data's bytes in [begin, end) are about to change: whoever still reads them there gets a copy.
    void before_changing(std::uint64_t begin, std::uint64_t end) {
        end = std::min<std::uint64_t>(end, data.size());
        if (begin >= end) return;
        keep_pending_writes(begin, end);
        save_durable(begin, std::min(end, durable_size));
    }

    // Pending writes still in data that overlap [begin, end) move their bytes to the journal.
    void keep_pending_writes(std::uint64_t begin, std::uint64_t end) {
        if (end <= in_data_begin || begin >= in_data_end) return;
        in_data_begin = in_data_end = 0;
        for (PendingChange& change : pending) {
            if (!change.in_data) continue;
            const std::uint64_t change_end = change.offset + change.length;
            if (change.offset < end && begin < change_end) {
                change.journal_offset = journal.size();
                journal.append(data, static_cast<std::size_t>(change.offset), change.length);
                change.in_data = false;
                continue;
            }
            const bool first = in_data_begin == in_data_end;
            in_data_begin = first ? change.offset : std::min(in_data_begin, change.offset);
            in_data_end = first ? change_end : std::max(in_data_end, change_end);
        }
    }

    // Copies the durable bytes of [begin, end) that `saved` lacks out of data (where they still are).
    void save_durable(std::uint64_t begin, std::uint64_t end) {
        std::uint64_t cursor = begin;
        auto next = saved.upper_bound(begin);
        if (next != saved.begin()) {
            const auto& [previous_begin, previous] = *std::prev(next);
            cursor = std::max(cursor, previous_begin + previous.size());
        }
        while (cursor < end) {
            const std::uint64_t gap_end = next == saved.end() ? end : std::min(end, next->first);
            if (cursor < gap_end) {
                saved.emplace_hint(next, cursor, data.substr(static_cast<std::size_t>(cursor),
                                                             static_cast<std::size_t>(gap_end - cursor)));
            }
            if (next == saved.end()) break;
            cursor = std::max(cursor, next->first + next->second.size());
            ++next;
        }
    }

    void forget_pending() {
        pending.clear();
        journal.clear();
        saved.clear();
        in_data_begin = in_data_end = 0;
    }
};

struct MemoryDisk::Directory {
    using Entries = std::map<std::string, std::shared_ptr<Inode>, std::less<>>;  // by name
    Entries entries;          // what lookups see
    Entries durable_entries;  // what a crash keeps
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

MemoryDisk::Directory* MemoryDisk::find_directory(std::string_view path) {
    auto found = directories_.find(path);
    return found == directories_.end() ? nullptr : &found->second;
}

const MemoryDisk::Directory* MemoryDisk::find_directory(std::string_view path) const {
    auto found = directories_.find(path);
    return found == directories_.end() ? nullptr : &found->second;
}

std::shared_ptr<MemoryDisk::Inode> MemoryDisk::lookup(std::string_view path) const {
    const auto [parent, name] = split_path(path);
    const Directory* directory = find_directory(parent);
    if (directory == nullptr) return nullptr;
    auto found = directory->entries.find(name);
    return found == directory->entries.end() ? nullptr : found->second;
}

Result<std::unique_ptr<File>> MemoryDisk::open(const std::string& path, OpenMode mode) {
    auto what = [&path] { return "open " + path; };
    const auto [parent, name] = split_path(path);
    Directory* directory = find_directory(parent);
    if (directory == nullptr) return Error(ErrorCode::not_found, what() + ": no such directory");
    if (directories_.contains(path)) return Error(ErrorCode::invalid_argument, what() + ": is a directory");
    auto found = directory->entries.find(name);
    std::shared_ptr<Inode> inode = found == directory->entries.end() ? nullptr : found->second;
    const bool creates = mode == OpenMode::create_exclusive || mode == OpenMode::create_or_truncate;
    if (!creates && inode == nullptr) return Error(ErrorCode::not_found, what() + ": no such file");
    if (mode == OpenMode::create_exclusive && inode != nullptr) {
        return Error(ErrorCode::invalid_argument, what() + ": file exists");
    }
    if (creates) {
        if (injects_failure(DiskOperation::create)) return injected_error(what());
        if (inode == nullptr) {
            inode = std::make_shared<Inode>();
            directory->entries.emplace_hint(found, name, inode);
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
    auto what = [&] { return "rename " + from + " to " + to; };
    const SplitPath source_path = split_path(from);
    const SplitPath target_path = split_path(to);
    Directory* source = find_directory(source_path.parent);
    Directory* target = find_directory(target_path.parent);
    if (source == nullptr || target == nullptr) return Error(ErrorCode::not_found, what() + ": no such directory");
    auto found = source->entries.find(source_path.name);
    if (found == source->entries.end()) return Error(ErrorCode::not_found, what() + ": no such file");
    if (injects_failure(DiskOperation::rename)) return injected_error(what());
    std::shared_ptr<Inode> inode = std::move(found->second);
    source->entries.erase(found);
    auto replaced = target->entries.find(target_path.name);
    if (replaced == target->entries.end()) {
        target->entries.emplace(target_path.name, std::move(inode));
    } else {
        replaced->second = std::move(inode);
    }
    return ok_status();
}

Status MemoryDisk::remove(const std::string& path) {
    const auto [parent, name] = split_path(path);
    if (Directory* directory = find_directory(parent); directory != nullptr) {
        if (auto found = directory->entries.find(name); found != directory->entries.end()) {
            if (injects_failure(DiskOperation::remove)) return injected_error("remove " + path);
            directory->entries.erase(found);
            return ok_status();
        }
    }
    return Error(ErrorCode::not_found, "remove " + path + ": no such file");
}

Result<std::vector<std::string>> MemoryDisk::list(const std::string& path) {
    const Directory* directory = find_directory(path);
    if (directory == nullptr) return Error(ErrorCode::not_found, "list " + path + ": no such directory");
    std::vector<std::string> names;
    names.reserve(directory->entries.size());
    for (const auto& [name, inode] : directory->entries) names.push_back(name);
    // A subdirectory's path starts with this one's: only those keys, contiguous in the map, can be.
    for (auto it = directories_.lower_bound(path); it != directories_.end() && it->first.starts_with(path); ++it) {
        const std::string& other = it->first;
        if (!other.empty() && other != path && other != "/" && parent_of(other) == path) {
            names.emplace_back(base_name(other));
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
    std::string bytes = inode.durable();
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
    const auto [parent, name] = split_path(path);
    const Directory* directory = find_directory(parent);
    return directory != nullptr && directory->durable_entries.contains(name);
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
