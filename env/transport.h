#pragma once
// The environment's network, as the engine sees it: send a Raft message towards its destination.
// Delivery is not guaranteed: the network may drop, delay, duplicate or reorder; Raft copes. The
// receiving side hands arriving messages to node::Driver::receive() on the node's event loop.
// io/ implements it over TCP (Cap'n Proto frames); sim/ over its network model; tests with queues.

#include "raft/message.h"

namespace rq::env {

class Transport {
public:
    virtual ~Transport() = default;
    virtual void send(raft::Message message) = 0;
};

}  // namespace rq::env
