#!/usr/bin/env bash
# ctest entry: installs rqlite-js (pinned in package.json) into the build tree once, then runs
# client_test.js against a real rqlited. Exits 77 (ctest: skipped) when Node.js or npm is missing.
# Usage: run.sh <rqlited binary> <scratch directory in the build tree>
set -euo pipefail
binary=$1
scratch=$2
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "SKIPPED: Node.js and npm are needed to run rqlite-js (scripts/deps.sh installs them)"
  exit 77
fi
mkdir -p "$scratch"
if [ ! -f "$scratch/node_modules/rqlite-js/package.json" ] || ! cmp -s "$here/package.json" "$scratch/package.json"; then
  cp "$here/package.json" "$scratch/package.json"
  (cd "$scratch" && npm install --no-audit --no-fund --loglevel=error)
fi
cd "$scratch"
NODE_PATH="$scratch/node_modules" exec node "$here/client_test.js" "$binary" "$scratch"
