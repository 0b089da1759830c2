#include "store/command.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/array.h>
#include <kj/exception.h>

#include <algorithm>
#include <cstdint>
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
        Statement& statement = batch.statements.emplace_back();
        statement.sql = to_string(statement_in.getSql());
        statement.force_query = statement_in.getForceQuery();
        auto parameters = statement_in.getParameters();
        statement.parameters.reserve(parameters.size());
        for (auto parameter_in : parameters) {
            Parameter& parameter = statement.parameters.emplace_back();
            parameter.name = to_string(parameter_in.getName());
            parameter.value = decode_value(parameter_in.getValue());
        }
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

// Cap'n Proto's default first segment (1024 words) is allocated zeroed: for a typical one-statement
// command, zeroing those 8 KiB was most of the cost of encoding it (5% of the simulator's instructions).
constexpr unsigned default_first_segment_words = capnp::SUGGESTED_FIRST_SEGMENT_WORDS;

std::size_t words_for_bytes(std::size_t bytes) { return (bytes + sizeof(capnp::word) - 1) / sizeof(capnp::word); }

// More words than `command` can take in one segment (every struct and list header counted generously,
// every text with its NUL), capped at the default size.
unsigned first_segment_words(const Command& command) {
    constexpr std::size_t struct_words = 8;  // any struct of command.capnp, or a list's tag and pointer
    std::size_t words = 4 * struct_words;
    if (command.kind == CommandKind::load) words += words_for_bytes(command.database_image.size());
    for (const Statement& statement : command.batch.statements) {
        words += 2 * struct_words + words_for_bytes(statement.sql.size() + 1);
        for (const Parameter& parameter : statement.parameters) {
            words += 2 * struct_words + words_for_bytes(parameter.name.size() + 1);
            if (const auto* text = std::get_if<std::string>(&parameter.value)) words += words_for_bytes(text->size() + 1);
            if (const auto* blob = std::get_if<Blob>(&parameter.value)) words += words_for_bytes(blob->bytes.size());
        }
        if (words >= default_first_segment_words) return default_first_segment_words;
    }
    return static_cast<unsigned>(std::min<std::size_t>(words, default_first_segment_words));
}

std::string encode_with_first_segment(const Command& command, unsigned segment_words, bool& one_segment) {
    capnp::MallocMessageBuilder message(segment_words);
    auto out = message.initRoot<wire::Command>();
    out.setUnixTimeNanos(command.unix_time.count());
    switch (command.kind) {
        case CommandKind::noop: out.setNoop(); break;
        case CommandKind::execute: encode_batch(command.batch, out.initExecute()); break;
        case CommandKind::query: encode_batch(command.batch, out.initQuery()); break;
        case CommandKind::request: encode_batch(command.batch, out.initRequest()); break;
        case CommandKind::load: out.setLoad(as_bytes(command.database_image)); break;
    }
    one_segment = message.getSegmentsForOutput().size() == 1;
    kj::Array<capnp::word> words = capnp::messageToFlatArray(message);
    auto bytes = words.asBytes();
    return {reinterpret_cast<const char*>(bytes.begin()), bytes.size()};
}

}  // namespace

// A message that fits one segment is laid out the same whatever the segment's size, so a first
// segment sized to the command gives exactly the bytes the default one gives. Should the estimate
// ever fall short, the message is encoded again the default way rather than as two segments.
std::string encode_command(const Command& command) {
    const unsigned words = first_segment_words(command);
    bool one_segment = false;
    std::string bytes = encode_with_first_segment(command, words, one_segment);
    if (one_segment || words == default_first_segment_words) return bytes;
    return encode_with_first_segment(command, default_first_segment_words, one_segment);
}

Result<Command> decode_command(std::string_view bytes) {
    if (bytes.empty() || bytes.size() % sizeof(capnp::word) != 0) {
        return Error(ErrorCode::corrupt, "decode command: size " + std::to_string(bytes.size()) +
                                             " is not a positive multiple of 8 bytes");
    }
    if (bytes.size() > command_bytes_max) {
        return Error(ErrorCode::corrupt, "decode command: " + std::to_string(bytes.size()) + " bytes is too large");
    }
    // Cap'n Proto reads words in place, so the bytes must be word-aligned. A log entry's bytes are a
    // heap string's, which always are: read them where they lie; copy only what is not aligned.
    kj::Array<capnp::word> copy;
    kj::ArrayPtr<const capnp::word> words(reinterpret_cast<const capnp::word*>(bytes.data()),
                                          bytes.size() / sizeof(capnp::word));
    if (reinterpret_cast<std::uintptr_t>(bytes.data()) % alignof(capnp::word) != 0) {
        copy = kj::heapArray<capnp::word>(bytes.size() / sizeof(capnp::word));
        std::memcpy(copy.begin(), bytes.data(), bytes.size());
        words = copy.asPtr();
    }

    capnp::ReaderOptions options;
    // A valid message is read about once over; the slack covers list headers and empty structs.
    options.traversalLimitInWords = words.size() * 4 + 1024;
    options.nestingLimit = static_cast<int>(command_nesting_max);
    try {
        capnp::FlatArrayMessageReader reader(words, options);
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
