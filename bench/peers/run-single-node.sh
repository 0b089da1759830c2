#!/usr/bin/env bash
# bench/peers/run-single-node.sh -- single-node figures for our rqlited beside etcd and dqlite,
# measured in the same run by ../shared/peers/run.sh, then a table of ratios (ratios.py).
#
#   bench/peers/run-single-node.sh                  # RUNS=2 DURATION=15, about 20 minutes
#   RUNS=1 DURATION=5 bench/peers/run-single-node.sh
#   SYSTEMS="raw etcd dqlite" bench/peers/run-single-node.sh   # the peers alone (no rqlited build)
#
# Steps: build rqlited and rqbench in $BUILD; run run.sh with TOPOS=1 (it starts each system on
# 127.0.0.1, drives it with wrk through lua/rqlite.lua, lua/etcd.lua, lua/dqlite.lua, and stops
# exactly the PIDs it started); then, unless RQBENCH=0, start one rqlited the way
# targets/rqlited.sh does and run rqbench's default workload for the same five tests, so rqbench's
# figures sit beside wrk's; finally print ratios.py's table. Results: $OUT (results.jsonl,
# RESULTS.md, rqbench.jsonl, RATIOS.md).
#
# Needs: etcd-server, go-dqlite, wrk (Debian packages; run.sh installs nothing), curl, ss,
# python3, cc. Knobs (env): BUILD RQLITED_BIN RUNS DURATION WARMUP SYSTEMS OUT RQBENCH PEERS
# RQBENCH_PORT PEERS_FIX_READY (see below).

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
PEERS=${PEERS:-$(cd "$ROOT/../shared/peers" && pwd)}
RUNS=${RUNS:-2}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-3}
SYSTEMS=${SYSTEMS:-"raw etcd dqlite rqlited"}
RQBENCH=${RQBENCH:-1}
RQBENCH_PORT=${RQBENCH_PORT:-14000}   # targets/rqlited.sh's 1-node ports: http 14000, raft 14100
OUT=${OUT:-/tmp/peerbench/results/single-$(date +%Y%m%d-%H%M%S)}

log() { echo "[$(date +%T)] $*" >&2; }
die() { log "FATAL: $*"; exit 1; }

with_rqlited=0
case " $SYSTEMS " in *" rqlited "*) with_rqlited=1 ;; esac

# ------------------------------------------------------------------ tools
for t in etcd dqlite-demo dqlite wrk curl ss python3 cc cmake ninja; do
  command -v "$t" >/dev/null 2>&1 || die "missing $t: apt-get install -y etcd-server etcd-client go-dqlite wrk libsqlite3-dev curl (run.sh installs nothing)"
done

# ------------------------------------------------------------------ build
if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
# RQLITED_BIN may name another server with rqlited's flags (real rqlite's rqlited, or
# build/bin/rqbench_fake_server to try the plumbing); then it is not built here.
targets=(rqbench)
[ $with_rqlited = 1 ] && [ -z "${RQLITED_BIN:-}" ] && targets+=(rqlited)
log "building ${targets[*]} in $BUILD"
cmake --build "$BUILD" --target "${targets[@]}" -j2 \
  || die "build failed (does cmd/rqlited exist yet? SYSTEMS=\"raw etcd dqlite\" measures the peers alone)"
RQLITED_BIN=${RQLITED_BIN:-$BUILD/bin/rqlited}
RQBENCH_BIN=$BUILD/bin/rqbench

# ------------------------------------------------------------------ run.sh
mkdir -p "$OUT"
# targets/rqlited.sh waits for GET /status and then sends its one CREATE TABLE kv without reading
# the answer. rqlited serves /status before its store is open (API.md §13.1, as rqlite does), so
# that CREATE can get {"results":[],"error":"store not open"} and every later request then fails
# with "no such table: kv" (seen here: 100% errors). rqlited now holds data calls until its store is
# open and a leader is known (http/engine_backend.h), so run.sh runs as it is. PEERS_FIX_READY=1
# runs it from a copy of the peers folder whose rqlited target waits for GET /readyz instead (for
# an older rqlited or a real rqlite); that one line is the only difference, saved as
# $OUT/peers-ready-fix.diff. The shared folder itself is left untouched.
PEERS_RUN=$PEERS
if [ $with_rqlited = 1 ] && [ "${PEERS_FIX_READY:-0}" = 1 ]; then
  PEERS_RUN=$OUT/peers-copy
  rm -rf "$PEERS_RUN"
  cp -r "$PEERS" "$PEERS_RUN"
  chmod -R u+w "$PEERS_RUN"
  status_wait='curl -s -m 1 -o /dev/null "$TARGET_URL/status" \&\& break'
  ready_wait='curl -sf -m 1 -o /dev/null "$TARGET_URL/readyz" \&\& break'
  sed -i "s|$status_wait|$ready_wait|" "$PEERS_RUN/targets/rqlited.sh"
  grep -q '/readyz" && break' "$PEERS_RUN/targets/rqlited.sh" \
    || die "targets/rqlited.sh changed: the /status wait was not found; rerun with PEERS_FIX_READY=0"
  diff -u "$PEERS/targets/rqlited.sh" "$PEERS_RUN/targets/rqlited.sh" >"$OUT/peers-ready-fix.diff" || true
  log "run.sh from $PEERS_RUN (rqlited target waits for /readyz; see $OUT/peers-ready-fix.diff)"
fi
log "run.sh: SYSTEMS='$SYSTEMS' TOPOS=1 RUNS=$RUNS DURATION=$DURATION -> $OUT"
RQLITED_BIN=$RQLITED_BIN SYSTEMS=$SYSTEMS TOPOS=1 RUNS=$RUNS DURATION=$DURATION WARMUP=$WARMUP OUT=$OUT \
  "$PEERS_RUN/run.sh" || die "run.sh failed; see $OUT/run.log"

# ------------------------------------------------------------------ rqbench beside wrk
rqlited_pid=""
stop_rqlited() {   # only the PID this script started: SIGTERM, then SIGKILL after 15 s
  [ -n "$rqlited_pid" ] || return 0
  kill -TERM "$rqlited_pid" 2>/dev/null || true
  for _ in $(seq 1 150); do kill -0 "$rqlited_pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$rqlited_pid" 2>/dev/null && { log "rqlited pid $rqlited_pid ignored SIGTERM: SIGKILL"; kill -KILL "$rqlited_pid"; }
  wait "$rqlited_pid" 2>/dev/null || true
  rqlited_pid=""
}
trap stop_rqlited EXIT

run_rqbench() {   # run_rqbench TEST ARGS... -> one JSON line in rqbench.jsonl, tagged with the test
  local test=$1
  shift
  local line
  line=$("$RQBENCH_BIN" -a "127.0.0.1:$RQBENCH_PORT" -d "${DURATION}s" -json "$@") || true
  [ -n "$line" ] || { log "rqbench $test produced nothing"; return 0; }
  python3 -c 'import json,sys; d=json.loads(sys.argv[2]); d["test"]=sys.argv[1]; d["args"]=sys.argv[3:]; print(json.dumps(d))' \
    "$test" "$line" "$@" >>"$OUT/rqbench.jsonl"
  log "rqbench $test: $(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); l=d["latency_ms"] or {}; print("%.1f ok/s, p50 %s ms, p99 %s ms, %d errors" % (d["requests_per_s"], l.get("p50"), l.get("p99"), d["errors"]["total"]))' "$line")"
}

if [ $with_rqlited = 1 ] && [ "$RQBENCH" = 1 ]; then
  ss -Htln "( sport = :$RQBENCH_PORT or sport = :$((RQBENCH_PORT + 100)) )" | grep -q . \
    && die "port $RQBENCH_PORT or $((RQBENCH_PORT + 100)) is in use"
  mkdir -p /tmp/peerbench
  data=$(mktemp -d /tmp/peerbench/rqbench-XXXXXX)
  "$RQLITED_BIN" -node-id n0 -http-addr "127.0.0.1:$RQBENCH_PORT" -raft-addr "127.0.0.1:$((RQBENCH_PORT + 100))" \
    "$data/n0" </dev/null >"$OUT/rqbench-rqlited.log" 2>&1 &
  rqlited_pid=$!
  for _ in $(seq 1 300); do curl -sf -m 1 -o /dev/null "http://127.0.0.1:$RQBENCH_PORT/readyz" && break; sleep 0.2; done
  log "rqbench against rqlited pid $rqlited_pid"
  "$RQBENCH_BIN" -a "127.0.0.1:$RQBENCH_PORT" -n 1 -json >/dev/null || true   # creates the table
  "$RQBENCH_BIN" -a "127.0.0.1:$RQBENCH_PORT" -c 16 -d "${WARMUP}s" >/dev/null || true   # as run.sh warms up
  run_rqbench write_c1 -c 1
  run_rqbench write_c16 -c 16
  run_rqbench write_c64 -c 64
  run_rqbench read_none_c16 -c 16 -p /db/query -l none
  run_rqbench read_weak_c16 -c 16 -p /db/query -l weak
  stop_rqlited
  rm -rf "$data"
fi

# ------------------------------------------------------------------ ratios
python3 "$ROOT/bench/peers/ratios.py" "$OUT" | tee "$OUT/RATIOS.md"
log "results in $OUT (RESULTS.md: every figure; RATIOS.md: the table above)"
