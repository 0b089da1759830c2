#!/usr/bin/env bash
# The one command that installs what is missing, builds everything and runs every test under ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
(cd build && ctest --output-on-failure --parallel "${JOBS:-$(nproc)}" --timeout 900 "$@")
# Then each libFuzzer target for about a minute (RQ_FUZZ_SECONDS; 0 skips), in a clang build.
if [ "${RQ_FUZZ_SECONDS:-60}" != 0 ]; then
  scripts/fuzz.sh
fi
