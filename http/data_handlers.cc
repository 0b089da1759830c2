// The data endpoints (API.md §3-§5): /db/execute (and queued writes), /db/query, /db/request,
// /db/load.

#include "http/service.h"
#include "http/service_context.h"
#include "store/rewrite.h"

namespace rq::http {
namespace {

bool is_plain_text(std::string_view content_type) {
    constexpr std::string_view media_type = "text/plain";
    if (content_type.size() < media_type.size()) return false;
    for (std::size_t i = 0; i < media_type.size(); ++i) {
        if ((content_type[i] | 0x20) != media_type[i]) return false;
    }
    return content_type.size() == media_type.size() || content_type[media_type.size()] == ';' ||
           content_type[media_type.size()] == ' ';
}

// The first bytes of every SQLite database file.
bool is_sqlite_image(std::string_view body) { return body.substr(0, 13) == "SQLite format"; }

RenderOptions render_options(const QueryParams& params, ResultFlavour flavour) {
    RenderOptions options;
    options.style = params.pretty() ? JsonStyle::pretty : JsonStyle::compact;
    options.flavour = flavour;
    options.associative = params.associative();
    options.blob_array = params.blob_array();
    options.timings = params.timings();
    options.raft_index = params.raft_index();
    return options;
}

}  // namespace

std::optional<std::vector<store::Statement>> Service::body_statements(const ContextPtr& context,
                                                                      bool allow_plain_text) {
    if (allow_plain_text && is_plain_text(context->request.content_type)) {
        return plain_text_statements(context->request.body);
    }
    Result<std::vector<store::Statement>> parsed = parser_.parse(context->request.body);
    if (!parsed.ok()) {
        finish(context, text_error(400, parsed.error().message()));
        return std::nullopt;
    }
    return std::move(parsed).value();
}

DataCall Service::make_data_call(const Context& context, std::vector<store::Statement> statements) const {
    const QueryParams& params = context.params;
    DataCall call;
    call.batch.statements = std::move(statements);
    call.batch.transaction = params.transaction();
    call.batch.db_timeout = params.duration("db_timeout", env::Duration{0});
    call.batch.qualify_columns = params.qualify_columns();
    call.read.level = params.level();
    call.read.freshness = params.duration("freshness", env::Duration{0});
    call.read.freshness_strict = params.freshness_strict();
    call.read.linearizable_timeout = params.duration("linearizable_timeout", std::chrono::seconds(10));
    call.rewrite.parse = !params.noparse();
    call.rewrite.rewrite_random = !params.norwrandom();
    call.rewrite.rewrite_time = !params.norwtime();
    call.forwarding.allowed = !params.redirect();
    call.forwarding.timeout = params.duration("timeout", std::chrono::seconds(30));
    call.forwarding.retries = params.integer("retries", 0);
    call.forwarding.username = context.username;
    call.forwarding.password = context.password;
    return call;
}

void Service::reply_with_data(const ContextPtr& context, Outcome<DataResults> outcome, ResultFlavour flavour,
                              std::string_view operation) {
    const std::string remote_counter = operation == "Execute" ? "remote_executions"
                                       : operation == "query" ? "remote_queries"
                                                              : "remote_requests";
    if (const auto* error = std::get_if<EngineError>(&outcome)) {
        if (error->kind == EngineErrorKind::remote_unauthorized) counters_.add(remote_counter + "_failed");
        return finish_with_engine_error(context, *error, operation);
    }
    const DataResults& results = std::get<DataResults>(outcome);
    DataResponse response;
    response.batch = &results.batch;
    response.time = clock_.monotonic_now() - context->started;
    response.raft_index = results.raft_index;
    Result<std::string> body = render_data_response(response, render_options(context->params, flavour));
    if (!body.ok()) return finish(context, text_error(500, body.error().message()));
    HttpResponse http_response = json_response(200, std::move(body).value());
    if (!results.forwarded_to.empty()) counters_.add(remote_counter);
    const std::string& served_by = results.forwarded_to.empty() ? options_.advertised_http_address : results.forwarded_to;
    if (!served_by.empty()) http_response.headers.emplace_back("X-Rqlite-Served-By", served_by);
    finish(context, std::move(http_response));
}

void Service::handle_execute(const ContextPtr& context) {
    if (context->request.method != "POST") return finish(context, empty_response(405, json_content_type));
    if (context->params.queue()) {
        counters_.add("queued_executions");
        return handle_queued_execute(context);
    }
    std::optional<std::vector<store::Statement>> statements = body_statements(context, true);
    if (!statements) return;
    counters_.add("execute_stmts_rx", static_cast<std::int64_t>(statements->size()));
    std::weak_ptr<bool> alive = alive_;
    backend_.execute(make_data_call(*context, std::move(*statements)), [this, alive, context](Outcome<DataResults> outcome) {
        if (!alive.expired()) reply_with_data(context, std::move(outcome), ResultFlavour::execute_or_request, "Execute");
    });
}

void Service::handle_queued_execute(const ContextPtr& context) {
    const QueryParams& params = context->params;
    if (!params.noleader() && backend_.leader().node_id.empty()) {
        counters_.add("leader_not_found");
        return finish(context, text_error(503, leader_not_found_message));
    }
    // A follower hands the request to the leader, whose queue then owns it (the sequence number is
    // the leader's); with `noleader` it is queued here.
    if (!params.noleader() && !backend_.is_leader() && forward_to_leader(context)) return;
    std::vector<store::Statement> statements;
    Result<std::vector<store::Statement>> parsed = parser_.parse(context->request.body);
    if (parsed.ok()) {
        statements = std::move(parsed).value();
    } else if (!(params.wait() && parsed.error().message() == no_statements_message)) {
        return finish(context, text_error(400, parsed.error().message()));
    }
    // Rewritten now, on the node that queued them (API.md §5), so a retried batch repeats the same text.
    if (!params.noparse()) {
        store::StatementBatch batch;
        batch.statements = std::move(statements);
        store::RewriteOptions rewrite;
        rewrite.rewrite_random = !params.norwrandom();
        rewrite.rewrite_time = !params.norwtime();
        store::rewrite_batch(batch, rewrite, clock_.unix_now(), rewrite_random_);
        statements = std::move(batch.statements);
    }
    const bool wait = params.wait();
    if (wait) counters_.add("queued_executions_wait");
    auto sequence_number = std::make_shared<std::int64_t>(0);
    std::weak_ptr<bool> alive = alive_;
    const auto reply = [this, alive, context, sequence_number] {
        if (alive.expired()) return;
        DataResponse response;
        response.sequence_number = *sequence_number;
        response.time = clock_.monotonic_now() - context->started;
        finish(context, json_response(200, render_data_response(response, render_options(context->params,
                                                                                            ResultFlavour::execute_or_request))
                                               .value()));
    };
    std::function<void()> flushed;
    if (wait) {
        const env::Duration timeout = params.duration("timeout", std::chrono::seconds(30));
        TimerToken timer = scheduler_.after(timeout, [this, alive, context] {
            if (alive.expired() || context->answered) return;
            counters_.add("queued_executions_wait_timeout");
            finish(context, text_error(408, "queue wait timeout"));
        });
        flushed = [reply, timer]() mutable {
            timer.cancel();
            reply();
        };
    }
    queue_->enqueue(
        std::move(statements),
        [wait, reply, sequence_number](std::int64_t assigned) {
            *sequence_number = assigned;
            if (!wait) reply();
        },
        std::move(flushed));
}

void Service::handle_query(const ContextPtr& context) {
    const std::string& method = context->request.method;
    if (method != "GET" && method != "POST") return finish(context, empty_response(405, json_content_type));
    std::vector<store::Statement> statements;
    if (method == "GET") {
        // Without `q` this is one empty statement, which yields no result: {"results":[]}.
        statements.push_back(store::Statement{std::string(context->params.query()), {}, false});
    } else {
        std::optional<std::vector<store::Statement>> parsed = body_statements(context, true);
        if (!parsed) return;
        statements = std::move(*parsed);
    }
    counters_.add("query_stmts_rx", static_cast<std::int64_t>(statements.size()));
    std::weak_ptr<bool> alive = alive_;
    backend_.query(make_data_call(*context, std::move(statements)), [this, alive, context](Outcome<DataResults> outcome) {
        if (!alive.expired()) reply_with_data(context, std::move(outcome), ResultFlavour::query, "query");
    });
}

void Service::handle_request(const ContextPtr& context) {
    if (context->request.method != "POST") return finish(context, empty_response(405, json_content_type));
    std::optional<std::vector<store::Statement>> statements = body_statements(context, false);
    if (!statements) return;
    counters_.add("request_stmts_rx", static_cast<std::int64_t>(statements->size()));
    std::weak_ptr<bool> alive = alive_;
    backend_.request(make_data_call(*context, std::move(*statements)), [this, alive, context](Outcome<DataResults> outcome) {
        if (!alive.expired()) reply_with_data(context, std::move(outcome), ResultFlavour::execute_or_request, "Request");
    });
}

void Service::handle_load(const ContextPtr& context) {
    if (context->request.method != "POST") return finish(context, empty_response(405));
    std::weak_ptr<bool> alive = alive_;
    if (is_sqlite_image(context->request.body)) {
        DataCall call = make_data_call(*context, {});
        // Copied, not moved: a follower forwards the request, body and all, to the leader.
        backend_.load(std::string(context->request.body), call.forwarding, [this, alive, context](Outcome<DataResults> outcome) {
            if (alive.expired()) return;
            if (const auto* error = std::get_if<EngineError>(&outcome)) {
                if (error->kind == EngineErrorKind::leader_not_found || error->kind == EngineErrorKind::remote_unauthorized ||
                    error->kind == EngineErrorKind::not_leader) {
                    return finish_with_engine_error(context, *error, "load");
                }
                return finish(context, text_error(500, error->message));
            }
            // A database image replaces everything: rqlite answers {"results":[]}.
            DataResults empty;
            empty.raft_index = std::get<DataResults>(outcome).raft_index;
            empty.forwarded_to = std::get<DataResults>(outcome).forwarded_to;
            reply_with_data(context, std::move(empty), ResultFlavour::execute_or_request, "load");
        });
        return;
    }
    // SQL text (a .dump): one multi-statement execute, not rewritten, rolled back at the first error.
    DataCall call = make_data_call(*context, plain_text_statements(context->request.body));
    call.batch.transaction = false;
    call.batch.rollback_on_error = true;
    call.rewrite.parse = false;
    backend_.execute(std::move(call), [this, alive, context](Outcome<DataResults> outcome) {
        if (!alive.expired()) reply_with_data(context, std::move(outcome), ResultFlavour::execute_or_request, "load");
    });
}

}  // namespace rq::http
