#include "env/memory_disk.h"

#include <algorithm>
#include <set>

namespace rq::env {

// One unsynced change to a file, kept so a crash can replay a prefix of them over the durable bytes.
struct PendingChange {
    bool is_truncate = false;
    std::uint64_t offset = 0;  // write offset, or the new size of a truncate
    std::string data;          // written bytes (empty for a truncate)
};

struct MemoryDisk::Inode {
    std::string data;     // what reads see
    std::string durable;  // what a crash keeps for sure
    std::vector<PendingChange> pending;
};

struct MemoryDisk::Directory {
    std::map<std::string, std::shared_ptr<Inode>> entries;          // what lookups see
    std::map<std::string, std::shared_ptr<Inode>> durable_entries;  // what a crash keeps
};

namespace {

std::string base_name(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

void apply_write(std::string& bytes, std::uint64_t offset, std::string_view data) {
    const auto end = static_cast<std::size_t>(offset + data.size());
    if (bytes.size() < end) bytes.resize(end, '\0');
    std::copy(data.begin(), data.end(), bytes.begin() + static_cast<std::ptrdiff_t>(offset));
}

void apply_change(std::string& bytes, const PendingChange& change) {
    if (change.is_truncate) {
        bytes.resize(static_cast<std::size_t>(change.offset), '\0');
    } else {
        apply_write(bytes, change.offset, change.data);
    }
}

Error stale_handle(const std::string& path) {
    return Error(ErrorCode::closed, path + ": file handle opened before a crash");
}

}  // namespace

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

Status MemoryDisk::maybe_inject(DiskOperation operation, const std::string& what) {
    const auto kind = static_cast<std::size_t>(operation);
    ++attempts_[kind];
    if (countdown_[kind] == 0) return ok_status();
    if (--countdown_[kind] > 0) return ok_status();
    return Error(ErrorCode::io, what + ": injected I/O error");
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
        if (auto injected = maybe_inject(DiskOperation::create, what); !injected.ok()) return injected.error();
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
    const std::string what = "read " + path + " at " + std::to_string(offset);
    if (auto injected = maybe_inject(DiskOperation::read, what); !injected.ok()) return injected.error();
    if (offset >= inode.data.size()) return std::string();
    const auto count = std::min<std::uint64_t>(length, inode.data.size() - offset);
    return inode.data.substr(static_cast<std::size_t>(offset), static_cast<std::size_t>(count));
}

Status MemoryDisk::write_inode(Inode& inode, const std::string& path, std::uint64_t offset,
                               std::string_view data) {
    const std::string what = "write " + path + " at " + std::to_string(offset);
    std::uint64_t kept = data.size();
    std::optional<Error> failure;
    if (auto injected = maybe_inject(DiskOperation::write, what); !injected.ok()) {
        kept = random_.below(data.size() + 1);  // a failed write may have written a prefix
        failure = injected.error();
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
            failure = Error(ErrorCode::no_space, what + ": no space left on device");
        }
    }
    if (kept > 0 || offset > inode.data.size()) {
        PendingChange change{false, offset, std::string(data.substr(0, static_cast<std::size_t>(kept)))};
        apply_change(inode.data, change);
        inode.pending.push_back(std::move(change));
    }
    if (failure) return *failure;
    return ok_status();
}

Status MemoryDisk::truncate_inode(Inode& inode, const std::string& path, std::uint64_t size) {
    const std::string what = "truncate " + path + " to " + std::to_string(size);
    if (auto injected = maybe_inject(DiskOperation::write, what); !injected.ok()) return injected.error();
    PendingChange change{true, size, {}};
    apply_change(inode.data, change);
    inode.pending.push_back(std::move(change));
    return ok_status();
}

Status MemoryDisk::sync_inode(Inode& inode, const std::string& path) {
    if (auto injected = maybe_inject(DiskOperation::sync, "sync " + path); !injected.ok()) return injected.error();
    inode.durable = inode.data;
    inode.pending.clear();
    return ok_status();
}

Status MemoryDisk::rename(const std::string& from, const std::string& to) {
    const std::string what = "rename " + from + " to " + to;
    Directory* source = find_directory(parent_path(from));
    Directory* target = find_directory(parent_path(to));
    if (source == nullptr || target == nullptr) return Error(ErrorCode::not_found, what + ": no such directory");
    auto found = source->entries.find(base_name(from));
    if (found == source->entries.end()) return Error(ErrorCode::not_found, what + ": no such file");
    if (auto injected = maybe_inject(DiskOperation::rename, what); !injected.ok()) return injected.error();
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
    if (auto injected = maybe_inject(DiskOperation::remove, what); !injected.ok()) return injected.error();
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
    if (auto injected = maybe_inject(DiskOperation::sync, "sync directory " + path); !injected.ok()) return injected.error();
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
    for (std::string* bytes : {&inode->data, &inode->durable}) {
        for (std::uint64_t i = offset; i < offset + length && i < bytes->size(); ++i) {
            auto& byte = (*bytes)[static_cast<std::size_t>(i)];
            byte = static_cast<char>(~static_cast<unsigned char>(byte));
        }
    }
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
    std::string bytes = inode.durable;
    for (std::size_t i = 0; i < kept; ++i) apply_change(bytes, inode.pending[i]);
    if (tear_next && !inode.pending[kept].is_truncate) {
        const PendingChange& torn = inode.pending[kept];
        // Torn: at least the last byte is lost (a whole write is the case of one more kept change).
        const auto prefix = torn.data.empty() ? 0 : static_cast<std::size_t>(random_.below(torn.data.size()));
        std::string data = torn.data.substr(0, prefix);
        if (options.zero_fill_torn_write) data.resize(torn.data.size(), '\0');
        apply_write(bytes, torn.offset, data);
    }
    inode.data = bytes;
    inode.durable = std::move(bytes);
    inode.pending.clear();
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
