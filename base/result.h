#pragma once
// Results for operations that can fail because of the environment (disk, SQLite, sockets, input).
//
// An Error carries a code a caller can branch on and a message that is a chain of context, outermost
// first: "open segment 12: fsync: I/O error". Add context as an error travels up with
// `error.with_context("open segment 12")`. Broken invariants are not errors: they are RQ_ASSERTs.

#include <string>
#include <utility>
#include <variant>

#include "base/assert.h"

namespace rq {

enum class ErrorCode {
    io,                // the environment failed an operation (EIO and friends)
    no_space,          // the disk is full (ENOSPC)
    corrupt,           // stored bytes fail their checksum or do not parse
    invalid_argument,  // the caller passed something meaningless (bad config, bad request)
    not_found,         // a named thing does not exist
    unsupported,       // a valid request this build does not handle
    closed,            // the resource was shut down
    timeout,           // a deadline passed
    internal,          // a library reported a failure we do not classify further
};

const char* error_code_name(ErrorCode code);

class Error {
public:
    Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

    [[nodiscard]] ErrorCode code() const { return code_; }
    [[nodiscard]] const std::string& message() const { return message_; }

    // Prefixes the message with what the caller was doing, keeping the code.
    [[nodiscard]] Error with_context(const std::string& context) const& {
        return Error(code_, context + ": " + message_);
    }
    [[nodiscard]] Error with_context(const std::string& context) && {
        message_ = context + ": " + message_;
        return std::move(*this);
    }

    bool operator==(const Error&) const = default;

private:
    ErrorCode code_;
    std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
    Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

    [[nodiscard]] bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { RQ_ASSERT(ok(), "value() of an error:", error().message()); return std::get<0>(state_); }
    const T& value() const& { RQ_ASSERT(ok(), "value() of an error:", error().message()); return std::get<0>(state_); }
    T&& value() && { RQ_ASSERT(ok(), "value() of an error:", error().message()); return std::get<0>(std::move(state_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    [[nodiscard]] const Error& error() const { RQ_ASSERT(!ok()); return std::get<1>(state_); }

private:
    std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT: implicit by design

    [[nodiscard]] bool ok() const { return !failed_; }
    explicit operator bool() const { return ok(); }
    [[nodiscard]] const Error& error() const { RQ_ASSERT(failed_); return error_; }

private:
    Error error_{ErrorCode::internal, ""};
    bool failed_ = false;
};

using Status = Result<void>;

inline Status ok_status() { return {}; }

}  // namespace rq

// Returns the error of `expr` (a Result or Status) from the enclosing function, with context added.
#define RQ_TRY_STATUS(expr, context)                                              \
    do {                                                                          \
        auto rq_try_result_ = (expr);                                             \
        if (!rq_try_result_.ok()) return rq_try_result_.error().with_context(context); \
    } while (false)
