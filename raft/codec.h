#pragma once
// Byte encoding of the one payload the core itself must read: a config entry's ConfigChangeRecord.
// A compact little format of unsigned LEB128 varints and length-prefixed bytes, versioned by its
// first byte. Everything else in entries is opaque application data.

#include <string>
#include <string_view>

#include "base/result.h"
#include "raft/types.h"

namespace rq::raft {

[[nodiscard]] std::string encode_config_record(const ConfigChangeRecord& record);
[[nodiscard]] Result<ConfigChangeRecord> decode_config_record(std::string_view bytes);

// The entry that starts a brand-new cluster: index 1, term 1, configuration `config`. Every founding
// member writes the same entry (and a hard state of term 1 committing it) before creating its Node,
// so that all founders start with identical logs.
// `context` is carried in the entry for the application (rqlite: the founding members' addresses).
[[nodiscard]] Entry bootstrap_entry(const Configuration& config, std::string context = {});

}  // namespace rq::raft
