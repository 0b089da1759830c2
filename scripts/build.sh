#!/usr/bin/env bash
# Configures (once) and builds the release tree in build/; executables land in build/bin/.
set -euo pipefail
cd "$(dirname "$0")/.."
"$(dirname "$0")/deps.sh"
if [ ! -f build/CMakeCache.txt ]; then
  cmake --preset release
fi
cmake --build build --parallel "${JOBS:-$(nproc)}"
