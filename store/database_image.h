#pragma once
// SQLite database images: the bytes of a database file, as snapshots carry them and /db/load sends
// them.

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"
#include "store/sqlite_handle.h"

namespace rq::store {

enum class ImageCheck : std::uint8_t {
    schema,     // the header is right and the schema parses (our own snapshots, already checksummed)
    integrity,  // also PRAGMA quick_check: a damaged page found later would fail every replica
};

// True if `bytes` starts like a SQLite file ("SQLite format 3\0"); rqlite's /db/load and /boot test.
[[nodiscard]] bool looks_like_database_image(std::string_view bytes);

// Rewrites header bytes 18 and 19 (file format write/read versions) from 2 (WAL) to 1 (rollback
// journal), so the image opens anywhere without its -wal companion, including in memory.
void use_rollback_journal_header(std::string& image);
void use_rollback_journal_header(std::span<char> image);

// A database image in the buffer sqlite3_serialize returned (freed with it), so a snapshot copies
// the bytes once, into its file, instead of first into a string of their own.
class SerializedImage {
public:
    SerializedImage() = default;  // the image of a database with no pages: empty
    // Takes `bytes` (from sqlite3_serialize) and gives it the rollback-journal header.
    SerializedImage(unsigned char* bytes, std::size_t size);

    [[nodiscard]] std::string_view bytes() const {
        return {reinterpret_cast<const char*>(buffer_.get()), size_};
    }

private:
    struct SqliteFree {
        void operator()(unsigned char* bytes) const { sqlite3_free(bytes); }
    };
    std::unique_ptr<unsigned char, SqliteFree> buffer_;
    std::size_t size_ = 0;
};

// Opens `image` (empty: an empty database) in a private in-memory connection after checking it.
// ErrorCode::invalid_argument, "invalid database image: ...", if SQLite cannot use it.
[[nodiscard]] Result<Connection> open_database_image(std::string_view image, ImageCheck check);

// For the leader before proposing a load: the same test apply() will make.
[[nodiscard]] Status validate_database_image(std::string_view image);

}  // namespace rq::store
