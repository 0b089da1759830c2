#include "base/result.h"

namespace rq {

const char* error_code_name(ErrorCode code) {
    switch (code) {
        case ErrorCode::io: return "io";
        case ErrorCode::no_space: return "no_space";
        case ErrorCode::corrupt: return "corrupt";
        case ErrorCode::invalid_argument: return "invalid_argument";
        case ErrorCode::not_found: return "not_found";
        case ErrorCode::unsupported: return "unsupported";
        case ErrorCode::closed: return "closed";
        case ErrorCode::timeout: return "timeout";
        case ErrorCode::internal: return "internal";
    }
    return "unknown";
}

}  // namespace rq
