#include "store/database_image.h"

#include <cstring>

namespace rq::store {
namespace {

constexpr std::string_view header_magic{"SQLite format 3\0", 16};
constexpr std::size_t header_bytes = 100;

Error invalid_image(std::string_view why) {
    return Error(ErrorCode::invalid_argument, "invalid database image: " + std::string(why));
}

}  // namespace

bool looks_like_database_image(std::string_view bytes) { return bytes.substr(0, 13) == "SQLite format"; }

void use_rollback_journal_header(std::string& image) { use_rollback_journal_header(std::span<char>(image)); }

void use_rollback_journal_header(std::span<char> image) {
    if (image.size() < header_bytes) return;
    if (image[18] == 2) image[18] = 1;
    if (image[19] == 2) image[19] = 1;
}

SerializedImage::SerializedImage(unsigned char* bytes, std::size_t size) : buffer_(bytes), size_(size) {
    use_rollback_journal_header(std::span<char>(reinterpret_cast<char*>(bytes), size));
}

Result<Connection> open_database_image(std::string_view image, ImageCheck check) {
    Result<Connection> scratch = Connection::open(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!scratch.ok()) return scratch.error().with_context("open scratch database");
    if (image.empty()) return scratch;
    if (image.size() < header_bytes || image.substr(0, header_magic.size()) != header_magic) {
        return invalid_image("not a SQLite file");
    }
    // SQLite takes ownership of a buffer from its own allocator (freed on close, or on failure).
    const auto size = static_cast<sqlite3_int64>(image.size());
    auto* buffer = static_cast<unsigned char*>(sqlite3_malloc64(image.size()));
    if (buffer == nullptr) return Error(ErrorCode::internal, "out of memory for a database image");
    std::memcpy(buffer, image.data(), image.size());
    if (buffer[18] == 2) buffer[18] = 1;
    if (buffer[19] == 2) buffer[19] = 1;
    const int rc = sqlite3_deserialize(scratch->get(), "main", buffer, size, size,
                                       SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE);
    if (rc != SQLITE_OK) return invalid_image(sqlite3_errstr(rc));

    Result<std::string> schema = scratch->query_text("SELECT count(*) FROM sqlite_master");
    if (!schema.ok()) return invalid_image(schema.error().message());
    if (check == ImageCheck::integrity) {
        Result<std::string> verdict = scratch->query_text("PRAGMA quick_check(1)");
        if (!verdict.ok()) return invalid_image(verdict.error().message());
        if (*verdict != "ok") return invalid_image(*verdict);
    }
    return scratch;
}

Status validate_database_image(std::string_view image) {
    Result<Connection> opened = open_database_image(image, ImageCheck::integrity);
    if (!opened.ok()) return opened.error();
    return ok_status();
}

}  // namespace rq::store
