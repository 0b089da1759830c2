#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) in build-fuzz/ and runs each for
# RQ_FUZZ_SECONDS (default 60) under ctest. Skips, saying why, when clang cannot link libFuzzer.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${RQ_FUZZ_SECONDS:-60}"
clangxx=$(command -v clang++ || command -v clang++-14 || true)
clangc=$(command -v clang || command -v clang-14 || true)
if [ -z "$clangxx" ] || [ -z "$clangc" ]; then
  echo "fuzz: skipped: clang is not installed"
  exit 0
fi
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf '#include <cstddef>\n#include <cstdint>\nextern "C" int LLVMFuzzerTestOneInput(const std::uint8_t*, std::size_t) { return 0; }\n' > "$probe/probe.cc"
if ! "$clangxx" -fsanitize=fuzzer "$probe/probe.cc" -o "$probe/probe" 2>/dev/null; then
  echo "fuzz: skipped: $clangxx cannot link -fsanitize=fuzzer (Debian: libclang-rt-<version>-dev)"
  exit 0
fi
if [ ! -f build-fuzz/CMakeCache.txt ]; then
  CC="$clangc" CXX="$clangxx" cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DRQ_SANITIZE=ON -DRQ_FUZZ_SECONDS="$seconds"
fi
cmake -S . -B build-fuzz -DRQ_FUZZ_SECONDS="$seconds" > /dev/null
targets=$(cd build-fuzz && ctest -N -L fuzz | sed -n 's/^ *Test *#[0-9]*: fuzz_\(.*\)$/\1/p' | grep -v seed_corpus || true)
cmake --build build-fuzz --parallel "${JOBS:-$(nproc)}" --target fuzz_seed_corpus $targets
cd build-fuzz
ctest --output-on-failure -L fuzz
