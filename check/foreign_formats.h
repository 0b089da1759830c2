#pragma once
// Readers for histories other checkers use, so they can serve as a conformance suite
// (../shared/data/porcupine). Their conventions are Porcupine's; see that folder's README.
//
//   jepsen-etcd  Jepsen etcd logs: "INFO  jepsen.util - 3\t:invoke\t:cas\t[1 2]". A register
//                (read/write/cas). `:fail :cas` is a cas that returned false (the register did
//                not hold `from`), `:fail :read` is a read with an unknown result, `:fail` of
//                anything else never happened, `:info` is unknown. Time is the line number.
//   edn          Jepsen/Knossos maps: {:process 0, :type :ok, :f :get, :key "k", :value "v"}.
//                :type invoke|ok|fail|info (info is unknown); :value is the input on invoke and
//                the output on ok. Time is :time when present, else the line number.

#include <string_view>

#include "base/result.h"
#include "check/history.h"

namespace rq::check {

enum class HistoryFormat : std::uint8_t { jsonl, jepsen_etcd, edn };

const char* history_format_name(HistoryFormat format);
Result<HistoryFormat> parse_history_format(std::string_view name);  // "jsonl", "jepsen-etcd", "edn"

// Guesses from the first line that is not blank: '{"' is jsonl, '{:' is edn, "INFO" is jepsen-etcd.
Result<HistoryFormat> detect_history_format(std::string_view text);

Result<History> parse_jepsen_etcd_log(std::string_view text);
Result<History> parse_edn_history(std::string_view text);
Result<History> parse_history(std::string_view text, HistoryFormat format);

// The model a format implies ("register" for jepsen-etcd, "kv" for edn), or "" (infer it).
std::string_view default_model_name(HistoryFormat format);

}  // namespace rq::check
