#include "store/command.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/array.h>
#include <kj/exception.h>

#include <cstring>
#include <exception>
#include <type_traits>

#include "store/command.capnp.h"

namespace rq::store {
namespace {

kj::ArrayPtr<const kj::byte> as_bytes(const std::string& text) {
    return {reinterpret_cast<const kj::byte*>(text.data()), text.size()};
}

capnp::Text::Reader as_text(const std::string& text) { return {text.data(), text.size()}; }

void encode_value(const Value& value, wire::Parameter::Value::Builder out) {
    std::visit(
        [&](const auto& alternative) {
            using T = std::decay_t<decltype(alternative)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
                out.setNull();
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
                out.setInteger(alternative);
            } else if constexpr (std::is_same_v<T, double>) {
                out.setReal(alternative);
            } else if constexpr (std::is_same_v<T, bool>) {
                out.setBoolean(alternative);
            } else if constexpr (std::is_same_v<T, std::string>) {
                out.setText(as_text(alternative));
            } else {
                static_assert(std::is_same_v<T, Blob>);
                out.setBlob(as_bytes(alternative.bytes));
            }
        },
        value);
}

void encode_batch(const StatementBatch& batch, wire::Batch::Builder out) {
    out.setTransaction(batch.transaction);
    out.setRollbackOnError(batch.rollback_on_error);
    out.setDbTimeoutNanos(batch.db_timeout.count());
    out.setQualifyColumns(batch.qualify_columns);
    auto statements = out.initStatements(static_cast<unsigned>(batch.statements.size()));
    for (unsigned i = 0; i < batch.statements.size(); ++i) {
        const Statement& statement = batch.statements[i];
        auto statement_out = statements[i];
        statement_out.setSql(as_text(statement.sql));
        statement_out.setForceQuery(statement.force_query);
        auto parameters = statement_out.initParameters(static_cast<unsigned>(statement.parameters.size()));
        for (unsigned j = 0; j < statement.parameters.size(); ++j) {
            parameters[j].setName(as_text(statement.parameters[j].name));
            encode_value(statement.parameters[j].value, parameters[j].initValue());
        }
    }
}

std::string to_string(capnp::Text::Reader text) { return {text.begin(), text.size()}; }
std::string to_string(capnp::Data::Reader data) {
    return {reinterpret_cast<const char*>(data.begin()), data.size()};
}

Value decode_value(wire::Parameter::Value::Reader in) {
    switch (in.which()) {
        case wire::Parameter::Value::NULL_: return std::monostate{};
        case wire::Parameter::Value::INTEGER: return in.getInteger();
        case wire::Parameter::Value::REAL: return in.getReal();
        case wire::Parameter::Value::BOOLEAN: return in.getBoolean();
        case wire::Parameter::Value::TEXT: return to_string(in.getText());
        case wire::Parameter::Value::BLOB: return Blob{to_string(in.getBlob())};
    }
    // A union tag from a newer schema: refuse rather than guess.
    KJ_FAIL_REQUIRE("unknown parameter value kind");
}

StatementBatch decode_batch(wire::Batch::Reader in) {
    StatementBatch batch;
    batch.transaction = in.getTransaction();
    batch.rollback_on_error = in.getRollbackOnError();
    KJ_REQUIRE(in.getDbTimeoutNanos() >= 0, "negative db_timeout");
    batch.db_timeout = env::Duration(in.getDbTimeoutNanos());
    batch.qualify_columns = in.getQualifyColumns();
    auto statements = in.getStatements();
    batch.statements.reserve(statements.size());
    for (auto statement_in : statements) {
        Statement statement;
        statement.sql = to_string(statement_in.getSql());
        statement.force_query = statement_in.getForceQuery();
        auto parameters = statement_in.getParameters();
        statement.parameters.reserve(parameters.size());
        for (auto parameter_in : parameters) {
            statement.parameters.push_back(
                Parameter{to_string(parameter_in.getName()), decode_value(parameter_in.getValue())});
        }
        batch.statements.push_back(std::move(statement));
    }
    return batch;
}

// Converts the whole message inside the caller's try block: Cap'n Proto validates pointers lazily,
// so every read of a hostile message must happen where its exceptions are caught.
Command decode_message(wire::Command::Reader in) {
    Command command;
    command.unix_time = env::Duration(in.getUnixTimeNanos());
    switch (in.which()) {
        case wire::Command::NOOP: command.kind = CommandKind::noop; break;
        case wire::Command::EXECUTE:
            command.kind = CommandKind::execute;
            command.batch = decode_batch(in.getExecute());
            break;
        case wire::Command::QUERY:
            command.kind = CommandKind::query;
            command.batch = decode_batch(in.getQuery());
            break;
        case wire::Command::REQUEST:
            command.kind = CommandKind::request;
            command.batch = decode_batch(in.getRequest());
            break;
        case wire::Command::LOAD:
            command.kind = CommandKind::load;
            command.database_image = to_string(in.getLoad());
            break;
        default: KJ_FAIL_REQUIRE("unknown command kind");
    }
    return command;
}

}  // namespace

std::string encode_command(const Command& command) {
    capnp::MallocMessageBuilder message;
    auto out = message.initRoot<wire::Command>();
    out.setUnixTimeNanos(command.unix_time.count());
    switch (command.kind) {
        case CommandKind::noop: out.setNoop(); break;
        case CommandKind::execute: encode_batch(command.batch, out.initExecute()); break;
        case CommandKind::query: encode_batch(command.batch, out.initQuery()); break;
        case CommandKind::request: encode_batch(command.batch, out.initRequest()); break;
        case CommandKind::load: out.setLoad(as_bytes(command.database_image)); break;
    }
    kj::Array<capnp::word> words = capnp::messageToFlatArray(message);
    auto bytes = words.asBytes();
    return {reinterpret_cast<const char*>(bytes.begin()), bytes.size()};
}

Result<Command> decode_command(std::string_view bytes) {
    if (bytes.empty() || bytes.size() % sizeof(capnp::word) != 0) {
        return Error(ErrorCode::corrupt, "decode command: size " + std::to_string(bytes.size()) +
                                             " is not a positive multiple of 8 bytes");
    }
    if (bytes.size() > command_bytes_max) {
        return Error(ErrorCode::corrupt, "decode command: " + std::to_string(bytes.size()) + " bytes is too large");
    }
    // Cap'n Proto reads words in place, so the bytes must be word-aligned: copy them.
    auto words = kj::heapArray<capnp::word>(bytes.size() / sizeof(capnp::word));
    std::memcpy(words.begin(), bytes.data(), bytes.size());

    capnp::ReaderOptions options;
    // A valid message is read about once over; the slack covers list headers and empty structs.
    options.traversalLimitInWords = words.size() * 4 + 1024;
    options.nestingLimit = static_cast<int>(command_nesting_max);
    try {
        capnp::FlatArrayMessageReader reader(words.asPtr(), options);
        // Trailing bytes after the message mean the entry is not what was encoded.
        if (reader.getEnd() != words.end()) {
            return Error(ErrorCode::corrupt, "decode command: trailing bytes after the message");
        }
        return decode_message(reader.getRoot<wire::Command>());
    } catch (const kj::Exception& exception) {
        return Error(ErrorCode::corrupt, "decode command: " + std::string(exception.getDescription().cStr()));
    } catch (const std::exception& exception) {
        return Error(ErrorCode::corrupt, std::string("decode command: ") + exception.what());
    }
}

}  // namespace rq::store
