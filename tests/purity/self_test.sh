#!/usr/bin/env bash
# The purity check must reject tests/purity/fixture, naming each rule the fixture breaks; a check
# that passes everything (or is missing) would make the purity tests worthless.
set -u
cd "$(dirname "$0")/../.."
out=$(scripts/check-purity.sh --raft-headers tests/purity/fixture)
rc=$?
[ "$rc" -eq 1 ] || { echo "expected exit 1, got $rc"; echo "$out"; exit 1; }
for rule in 'random_device' 'steady_clock::now' 'std::thread' 'rand()' '#include <thread>'; do
  if ! grep -qF -- "$rule" <<<"$out"; then
    echo "the purity check missed: $rule"
    echo "$out"
    exit 1
  fi
done
echo "purity self-test: every planted violation reported"
