#!/usr/bin/env bash
# The one command that installs what is missing, builds rqlited and starts a single node on
# localhost:4001 (HTTP) and localhost:4002 (Raft), with its data in ./rqlite-data (or $RQ_DATA).
# Extra arguments go to rqlited before the data directory, e.g. scripts/run.sh -raft-log-level INFO
set -euo pipefail
cd "$(dirname "$0")/.."
"$(dirname "$0")/deps.sh"
if [ ! -f build/CMakeCache.txt ]; then
  cmake --preset release
fi
cmake --build build --parallel "${JOBS:-$(nproc)}" --target rqlited rqlite
exec build/bin/rqlited "$@" "${RQ_DATA:-rqlite-data}"
