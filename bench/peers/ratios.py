#!/usr/bin/env python3
"""Single-node ratios of our rqlited to etcd and dqlite, from one run of ../shared/peers/run.sh.

usage: ratios.py <results-dir>   (markdown on stdout)

Reads <results-dir>/results.jsonl (written by run.sh's pbmeasure.py) and, when present,
<results-dir>/rqbench.jsonl (rqbench's -json lines, one per test, written by run-single-node.sh).
Every figure is the median over the run's rounds; "n/a" where a system or test is missing.
Throughput ratios are rqlited / peer (above 1: rqlited is faster); latency ratios are
rqlited / peer too (below 1: rqlited is faster).
"""
import json
import os
import statistics
import sys

out = sys.argv[1]
recs = [json.loads(l) for l in open(os.path.join(out, "results.jsonl")) if l.strip()]


def median(system, test, field, topo="1n"):
    vals = [r[field] for r in recs
            if r.get("kind") in ("wrk", "dqnative") and r.get("system") == system
            and r.get("topo") == topo and r.get("test") == test and not r.get("failed")
            and r.get(field) is not None]
    return statistics.median(vals) if vals else None


def errors(system, test):
    return median(system, test, "err_pct")


# (label, field, lower_is_better, rqlited test, etcd test, dqlite test)
ROWS = [
    ("write, 1 client: p50 ms", "p50_ms", True, "write_c1", "write_c1", "write_c1"),
    ("write, 1 client: p99 ms", "p99_ms", True, "write_c1", "write_c1", "write_c1"),
    ("write, 1 client: ok/s", "rps_ok", False, "write_c1", "write_c1", "write_c1"),
    ("write, 16 clients: ok/s", "rps_ok", False, "write_c16", "write_c16", "write_c16"),
    ("write, 64 clients: ok/s", "rps_ok", False, "write_c64", "write_c64", "write_c64"),
    ("read none, 16 clients: ok/s", "rps_ok", False, "read_none_c16", "read_ser_c16", "read_c16"),
    ("read weak, 16 clients: ok/s", "rps_ok", False, "read_weak_c16", "read_ser_c16", "read_c16"),
    ("read linearizable, 16 clients: ok/s", "rps_ok", False, "read_lin_c16", "read_lin_c16", "read_c16"),
    ("read strong, 16 clients: ok/s", "rps_ok", False, "read_strong_c16", "read_lin_c16", "read_c16"),
]


def fmt(v, field):
    if v is None:
        return "n/a"
    return "{:,.0f}".format(v) if field == "rps_ok" else "{:.3f}".format(v)


def ratio(ours, theirs):
    if ours is None or theirs is None or theirs == 0:
        return "n/a"
    return "{:.2f}".format(ours / theirs)


def with_errors(text, system, test):
    e = errors(system, test)
    return text + (" (%.0f%% err)" % e if e else "")


rounds = sorted({r["run"] for r in recs}, key=lambda x: int(x))
print("- Single node, loopback, load from wrk (1 thread) as run.sh drives it; median of %d round(s)."
      % len(rounds))
# How busy the machine was: figures from a loaded machine are not worth comparing across runs.
machine = os.path.join(out, "machine.txt")
if os.path.exists(machine):
    for line in open(machine):
        if line.startswith(("cpu:", "loadavg-at-start:", "loadavg-at-end:")):
            print("- machine %s" % line.strip())
fsync = [r["p50_us"] for r in recs if r.get("kind") == "raw" and r.get("test") == "fdatasync_append_4096B"]
if fsync:
    print("- raw 4 KiB append + fdatasync p50: %.0f us (BASELINE.md: about 120 us on a quiet machine)."
          % statistics.median(fsync))
print("- Peers for reads: etcd serializable reads stand beside rqlite none/weak, etcd linearizable")
print("  (ReadIndex) beside linearizable/strong; dqlite-demo has one kind of read.")
print()
print("| figure | rqlited | etcd | dqlite | rqlited/etcd | rqlited/dqlite |")
print("|---|---|---|---|---|---|")
for label, field, lower, ours_t, etcd_t, dq_t in ROWS:
    ours = median("rqlited", ours_t, field)
    etcd = median("etcd", etcd_t, field)
    dq = median("dqlite", dq_t, field)
    print("| %s%s | %s | %s | %s | %s | %s |" % (
        label, " (lower is better)" if lower else "",
        with_errors(fmt(ours, field), "rqlited", ours_t),
        with_errors(fmt(etcd, field), "etcd", etcd_t),
        with_errors(fmt(dq, field), "dqlite", dq_t),
        ratio(ours, etcd), ratio(ours, dq)))

# Why requests failed: the first error body run.sh saw, per system and test.
failures = {}
for r in recs:
    if r.get("kind") == "wrk" and r.get("topo") == "1n" and r.get("err_pct") and r.get("first_error"):
        failures.setdefault((r["system"], r["first_error"][:120]), []).append(r["test"])
if failures:
    print()
    print("First error bodies (counted in the error percentages above):")
    print()
    for (system, error), tests in sorted(failures.items()):
        print("- %s: `%s` (%s)" % (system, error, ", ".join(sorted(set(tests)))))
if os.path.exists(os.path.join(out, "peers-ready-fix.diff")):
    print()
    print("run.sh ran from a copy whose rqlited target waits for /readyz instead of /status before")
    print("creating its table (peers-ready-fix.diff); everything else is ../shared/peers as is.")

rq_path = os.path.join(out, "rqbench.jsonl")
if os.path.exists(rq_path):
    print()
    print("rqbench against the same rqlited build, after run.sh (default workload: one-row INSERT /")
    print("SELECT by primary key on its own table), beside wrk's figures for the same test:")
    print()
    print("| test | rqbench ok/s | wrk ok/s | rqbench p50 ms | rqbench p99 ms | rqbench p99.9 ms | errors |")
    print("|---|---|---|---|---|---|---|")
    for line in open(rq_path):
        if not line.strip():
            continue
        r = json.loads(line)
        lat = r.get("latency_ms") or {}
        wrk = median("rqlited", r["test"], "rps_ok")
        print("| %s | %s | %s | %s | %s | %s | %d |" % (
            r["test"], "{:,.0f}".format(r["requests_per_s"]), fmt(wrk, "rps_ok"),
            fmt(lat.get("p50"), "p50_ms"), fmt(lat.get("p99"), "p99_ms"),
            fmt(lat.get("p999"), "p999_ms"), r["errors"]["total"]))
