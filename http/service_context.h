#pragma once
// Internal to Service (service*.cc and *_handlers.cc): one request in progress, and the response
// builders every handler shares. Not part of the http/ interface.

#include <string>
#include <string_view>

#include "http/query_params.h"
#include "http/service.h"

namespace rq::http {

struct Service::Context {
    HttpRequest request;
    Responder respond;
    std::string path;       // percent-decoded, as Go's r.URL.Path
    std::string raw_query;  // as sent, for redirects
    QueryParams params;
    env::Duration started{0};  // monotonic
    bool answered = false;
    std::string username;  // Basic-Auth credentials, if any
    std::string password;
};

inline constexpr std::string_view json_content_type = "application/json; charset=utf-8";
inline constexpr std::string_view text_content_type = "text/plain; charset=utf-8";
inline constexpr std::string_view leader_not_found_message = "leader not found";

// Go's http.Error: text/plain, nosniff, the message and a newline.
HttpResponse text_error(unsigned status, std::string_view message);
// A status with an empty body (and a Content-Type when given, as rqlite sets JSON before checking).
HttpResponse empty_response(unsigned status, std::string_view content_type = {});
HttpResponse json_response(unsigned status, std::string body);
// A plain-text body without the nosniff header (what Go's sniffing of w.Write gives).
HttpResponse text_response(unsigned status, std::string body);

// Go's http.Redirect: Location, and for GET/HEAD a short HTML body.
HttpResponse redirect_response(unsigned status, const std::string& method, const std::string& location,
                               std::string_view content_type);

}  // namespace rq::http
