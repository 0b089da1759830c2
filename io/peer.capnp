# The frames of the node-to-node protocol on the Raft port (io/peer_network.h). Each frame travels
# as [magic "RQF1"][u32 length][u32 CRC32C][this message] (io/peer_frame.h); io/peer_codec.cc
# converts between these and the plain C++ values of raft/message.h and io/cluster_messages.h.
# Evolve only by adding fields with new ordinals; never renumber or change a field's type. A change
# old nodes cannot read needs a new protocol version in the hello.

@0xf66a981969bf1c79;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("rq::io::wire");

struct Frame {
  union {
    hello @0 :Hello;
    raftBatch @1 :List(RaftMessage);
    # A nonce the pong echoes; any frame proves the peer alive, the pair keeps idle links busy.
    ping @2 :UInt64;
    pong @3 :UInt64;
    request @4 :ClusterRequest;
    response @5 :ClusterResponse;
  }
}

# The first frame each side sends on a new connection.
struct Hello {
  protocolVersion @0 :UInt32;
  nodeId @1 :Text;
  raftAddress @2 :Text;
}

# --- Raft (raft/types.h, raft/message.h) ---

struct Configuration {
  voters @0 :List(UInt64);
  learners @1 :List(UInt64);
}

struct SnapshotMetadata {
  index @0 :UInt64;
  term @1 :UInt64;
  config @2 :Configuration;
}

enum EntryType {
  normal @0;
  config @1;
  noop @2;
}

struct Entry {
  term @0 :UInt64;
  index @1 :UInt64;
  type @2 :EntryType;
  # Opaque to the transport; for a config entry, the encoded ConfigChangeRecord (raft/config_codec.h).
  data @3 :Data;
}

struct VoteRequest {
  preVote @0 :Bool;
  leadershipTransfer @1 :Bool;
  lastLogIndex @2 :UInt64;
  lastLogTerm @3 :UInt64;
}

struct VoteResponse {
  preVote @0 :Bool;
  granted @1 :Bool;
}

struct AppendRequest {
  prevIndex @0 :UInt64;
  prevTerm @1 :UInt64;
  entries @2 :List(Entry);
  commit @3 :UInt64;
}

struct AppendResponse {
  rejected @0 :Bool;
  index @1 :UInt64;
  hintIndex @2 :UInt64;
  hintTerm @3 :UInt64;
}

struct Heartbeat {
  commit @0 :UInt64;
  readRound @1 :UInt64;
}

struct SnapshotChunk {
  metadata @0 :SnapshotMetadata;
  totalBytes @1 :UInt64;
  offset @2 :UInt64;
  data @3 :Data;
}

struct SnapshotResponse {
  snapshotIndex @0 :UInt64;
  nextOffset @1 :UInt64;
  installed @2 :Bool;
  rewind @3 :Bool;
  rejected @4 :Bool;
  index @5 :UInt64;
}

struct ReadIndexResponse {
  readId @0 :UInt64;
  index @1 :UInt64;
}

struct RaftMessage {
  from @0 :UInt64;
  to @1 :UInt64;
  term @2 :UInt64;
  payload :union {
    voteRequest @3 :VoteRequest;
    voteResponse @4 :VoteResponse;
    appendRequest @5 :AppendRequest;
    appendResponse @6 :AppendResponse;
    heartbeat @7 :Heartbeat;
    heartbeatResponse @8 :UInt64;  # read_round
    snapshotChunk @9 :SnapshotChunk;
    snapshotResponse @10 :SnapshotResponse;
    timeoutNow @11 :Void;
    readIndexRequest @12 :UInt64;  # read_id
    readIndexResponse @13 :ReadIndexResponse;
  }
}

# --- The cluster service (io/cluster_messages.h) ---

struct NodeMeta {
  id @0 :Text;
  raftAddress @1 :Text;
  httpAddress @2 :Text;
}

struct JoinRequest {
  meta @0 :NodeMeta;
  voter @1 :Bool;
}

struct ForwardRequest {
  method @0 :Text;
  target @1 :Text;
  contentType @2 :Text;
  authorization @3 :Text;
  body @4 :Data;
}

struct ClusterRequest {
  callId @0 :UInt64;
  kind :union {
    join @1 :JoinRequest;
    notify @2 :NodeMeta;
    forward @3 :ForwardRequest;
    metadata @4 :Void;
    remove @5 :Text;    # node id
    transfer @6 :Text;  # target node id; empty: any voter
  }
}

struct HttpHeader {
  name @0 :Text;
  value @1 :Text;
}

struct ClusterResponse {
  callId @0 :UInt64;
  error @1 :Text;
  leaderRaftAddress @2 :Text;
  httpStatus @3 :UInt32;
  httpHeaders @4 :List(HttpHeader);
  httpBody @5 :Data;
  meta @6 :NodeMeta;
  version @7 :Text;
}
