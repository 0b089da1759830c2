#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need, and only those that are missing:
# run it as often as you like. Needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config git curl
  libsqlite3-dev sqlite3
  libboost-dev libboost-system-dev
  capnproto libcapnp-dev
  librapidcheck-dev libgtest-dev libgmock-dev libbenchmark-dev
  libspdlog-dev libfmt-dev libsimdjson-dev libssl-dev
  clang libclang-rt-14-dev
  libedit-dev
  libmimalloc-dev
)
# The rqlite-js client test needs Node.js and npm; a machine that has them from elsewhere keeps its own.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#packages[@]} Debian packages already installed"
  exit 0
fi

echo "deps: installing missing Debian packages: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update
"${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
