#include "env/disk.h"

namespace rq::env {

Status File::append(std::string_view data) {
    auto current_size = size();
    if (!current_size.ok()) return current_size.error();
    return write(*current_size, data);
}

std::string join_path(std::string_view directory, std::string_view name) {
    if (directory.empty()) return std::string(name);
    std::string path(directory);
    if (path.back() != '/') path += '/';
    path += name;
    return path;
}

SplitPath split_path(std::string_view path) {
    const auto slash = path.rfind('/');
    if (slash == std::string_view::npos) return {"", path};
    return {slash == 0 ? std::string_view("/") : path.substr(0, slash), path.substr(slash + 1)};
}

std::string parent_path(std::string_view path) { return std::string(split_path(path).parent); }

Result<std::string> read_file(Disk& disk, const std::string& path) {
    auto file = disk.open(path, OpenMode::read_only);
    if (!file.ok()) return file.error();
    auto size = (*file)->size();
    if (!size.ok()) return size.error();
    return (*file)->read(0, *size);
}

}  // namespace rq::env
