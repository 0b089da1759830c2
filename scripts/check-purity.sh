#!/usr/bin/env bash
# Fails (exit 1) when engine code reaches the real world directly: a wall clock, entropy, or a
# thread. Engine folders get time, randomness and concurrency only through the environment
# interfaces (env/), so that the simulator can run the very same code deterministically.
# A line that truly means the real world (the simulator timing its own run) ends with a
# `// wall-clock: why` comment. raft/ must also not include Boost, SQLite, socket or thread headers.
#
# Usage: scripts/check-purity.sh [--raft-headers] DIR...
set -u
raft_headers=0
if [ "${1:-}" = "--raft-headers" ]; then raft_headers=1; shift; fi
[ $# -gt 0 ] || { echo "usage: $0 [--raft-headers] DIR..." >&2; exit 2; }

forbidden='std::random_device|(^|[^_a-zA-Z0-9:])s?rand\(|system_clock::now|steady_clock::now|high_resolution_clock|std::thread|std::jthread|pthread_create|std::async|time\(NULL\)|time\(nullptr\)|gettimeofday|clock_gettime|getrandom|/dev/u?random|<boost/asio'
status=0
for dir in "$@"; do
  [ -d "$dir" ] || continue
  hits=$(grep -rnE --include='*.h' --include='*.cc' --include='*.hpp' --include='*.cpp' "$forbidden" "$dir" \
         | grep -vE '^[^:]+:[0-9]+:[[:space:]]*//' | grep -v 'wall-clock:')
  if [ -n "$hits" ]; then
    echo "engine code in $dir reaches the real world directly (use env/ Clock, Random, Disk, Transport):"
    echo "$hits"
    status=1
  fi
  if [ "$raft_headers" = 1 ]; then
    hits=$(grep -rnE --include='*.h' --include='*.cc' '#include[[:space:]]*[<"](boost/|sqlite3|sys/socket|netinet/|thread>|mutex>|condition_variable>|future>|atomic>)' "$dir")
    if [ -n "$hits" ]; then
      echo "raft core in $dir includes an I/O, database or threading header:"
      echo "$hits"
      status=1
    fi
  fi
done
[ "$status" = 0 ] && echo "purity: $* clean"
exit "$status"
