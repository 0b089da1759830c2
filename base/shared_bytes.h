#pragma once
// Immutable bytes shared by reference count. A Raft entry's payload is copied many times on its way
// (unstable log, each follower's message, persistence, the committed batch); sharing it makes each
// copy a reference-count increment instead of an allocation and a memcpy (measured: allocation was
// over half of the core's instructions at 100-byte entries; see bench/README.md).

#include <memory>
#include <string>
#include <string_view>

namespace rq {

class SharedBytes {
public:
    SharedBytes() = default;
    SharedBytes(std::string bytes)  // NOLINT: implicit by design, like std::string
        : bytes_(bytes.empty() ? nullptr : std::make_shared<const std::string>(std::move(bytes))) {}
    SharedBytes(std::string_view bytes) : SharedBytes(std::string(bytes)) {}  // NOLINT
    SharedBytes(const char* bytes) : SharedBytes(std::string(bytes)) {}        // NOLINT

    [[nodiscard]] std::string_view view() const { return bytes_ ? std::string_view(*bytes_) : std::string_view(); }
    operator std::string_view() const { return view(); }  // NOLINT: reads like a string
    [[nodiscard]] std::string str() const { return std::string(view()); }
    [[nodiscard]] std::size_t size() const { return bytes_ ? bytes_->size() : 0; }
    [[nodiscard]] bool empty() const { return size() == 0; }
    [[nodiscard]] const char* data() const { return view().data(); }

    friend bool operator==(const SharedBytes& a, const SharedBytes& b) { return a.view() == b.view(); }

private:
    std::shared_ptr<const std::string> bytes_;
};

}  // namespace rq
