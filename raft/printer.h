#pragma once
// Deterministic one-line descriptions of the core's values (etcd's Describe*). Tests, logs and
// simulator traces all use these, so a diff of two traces reads like a diff of two stories.
//
//   entry:    "2/7 normal \"x=1\""      (term/index type data)
//   message:  "1->2 Append term=2 prev=1/6 commit=6 entries=[2/7 normal \"x=1\"]"

#include <string>

#include "raft/message.h"
#include "raft/node.h"
#include "raft/ready.h"
#include "raft/types.h"

namespace rq::raft {

std::string describe(const Entry& entry);
std::string describe(const HardState& state);
std::string describe(const Configuration& config);
std::string describe(const SnapshotMetadata& snapshot);
std::string describe(const Message& message);
std::string describe(const Ready& ready);  // several lines, each indented by two spaces
std::string describe(const NodeStatus& status);

}  // namespace rq::raft
