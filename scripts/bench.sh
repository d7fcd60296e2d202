#!/usr/bin/env bash
# Benchmarks kronuz with kronuz-loadgen and prints ratios measured side by side in one run,
# because absolute numbers on a shared machine drift:
#   - authenticated read (GET /api/v1/prj/list, 50 projects) vs baseline (GET /healthz);
#   - group commit vs one commit per write (--commit-mode per-write): writes/s and p99;
#   - the actor vs a --state-backend rwlock server: throughput at 1, 8, 64, 256 connections;
#   - mixed (90/10 over 4 teams) and the utilisation report while reads go on, for the record.
# Each measurement runs BENCH_REPS times, interleaved with the one it is compared with, and
# the median is reported. The server runs on CPU 0 and the load generator on CPU 1 when
# taskset is available. Budget with the defaults: about 3.5 minutes of runs plus the release
# build (about 3 minutes from scratch on 2 cores).
#
# Environment (all optional):
#   BENCH_REPS=3  BENCH_DURATION=4s  BENCH_WARMUP=1s  BENCH_CONNECTIONS=64
#   BENCH_SCALE_CONNECTIONS="1 8 64 256"  BENCH_SCALE_DURATION=3s  BENCH_SCALE_SCENARIO=read
#   BENCH_REPORT_PEOPLE=100  BENCH_REPORT_ALLOCATIONS=2000
#   BENCH_OUT=dir (JSON results; default a temp dir, kept)  BENCH_SKIP_BUILD=1
#   KRONUZ_BIN, LOADGEN_BIN (default target/release/...)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

REPS=${BENCH_REPS:-3}
DURATION=${BENCH_DURATION:-4s}
WARMUP=${BENCH_WARMUP:-1s}
CONNS=${BENCH_CONNECTIONS:-64}
SCALE_CONNS=${BENCH_SCALE_CONNECTIONS:-"1 8 64 256"}
SCALE_DURATION=${BENCH_SCALE_DURATION:-3s}
SCALE_SCENARIO=${BENCH_SCALE_SCENARIO:-read}
REPORT_PEOPLE=${BENCH_REPORT_PEOPLE:-100}
REPORT_ALLOCATIONS=${BENCH_REPORT_ALLOCATIONS:-2000}
KRONUZ_BIN=${KRONUZ_BIN:-target/release/kronuz}
LOADGEN_BIN=${LOADGEN_BIN:-target/release/kronuz-loadgen}
# A loadgen run that takes longer than its duration plus this is stopped.
RUN_SLACK_SECS=120

log() { printf '%s\n' "$*" >&2; }
die() { log "bench.sh: $*"; exit 1; }

STARTED=$(date +%s)

# --- what the script needs ------------------------------------------------------------
if ! command -v python3 >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        log "installing python3 (computes the ratios)..."
        apt-get update -qq && apt-get install -y -qq python3 >/dev/null
    fi
    command -v python3 >/dev/null 2>&1 || die "python3 is needed to compute the ratios"
fi
command -v cargo >/dev/null 2>&1 || [ "${BENCH_SKIP_BUILD:-0}" = 1 ] \
    || die "cargo is needed (install Rust with rustup)"

PIN_SERVER=()
PIN_LOADGEN=()
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
    PIN_SERVER=(taskset -c 0)
    PIN_LOADGEN=(taskset -c 1)
    PINNING="server on CPU 0, load generator on CPU 1"
else
    PINNING="not pinned (taskset missing or fewer than 2 CPUs)"
fi

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    log "building in release mode..."
    cargo build --release -p kronuz -p kronuz-loadgen >&2
fi
[ -x "$KRONUZ_BIN" ] || die "no server binary at $KRONUZ_BIN"
[ -x "$LOADGEN_BIN" ] || die "no load generator binary at $LOADGEN_BIN"

# The data dirs must be on a real disk: on tmpfs fsync costs nothing and the group-commit
# comparison means nothing. Fall back to target/ (beside the build) when the temp dir is RAM.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kronuz-bench.XXXXXX")
case "$(stat -f -c %T "$WORK" 2>/dev/null || echo unknown)" in
    tmpfs | ramfs)
        rmdir "$WORK"
        mkdir -p "$ROOT/target"
        WORK=$(mktemp -d "$ROOT/target/kronuz-bench.XXXXXX")
        ;;
esac
DATA_FS=$(stat -f -c %T "$WORK" 2>/dev/null || echo unknown)
OUT=${BENCH_OUT:-$WORK/results}
mkdir -p "$OUT"

# --- servers ----------------------------------------------------------------------------
declare -A SERVER_PID=() SERVER_URL=()

stop_server() {
    local name=$1 pid=${SERVER_PID[$1]:-}
    [ -n "$pid" ] || return 0
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 150); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
    unset "SERVER_PID[$name]" "SERVER_URL[$name]"
    rm -rf "$WORK/data-$name"
}

cleanup() {
    local name
    for name in "${!SERVER_PID[@]}"; do
        stop_server "$name"
    done
    rm -rf "$WORK/data-"*
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start_server NAME [SERVER FLAGS...]: starts `kronuz serve` on a fresh data dir and waits for
# /healthz. Returns 1 (and prints why) if the server exits or is not healthy within 60 s, which
# is what happens when it rejects a flag it does not have.
start_server() {
    local name=$1
    shift
    local port data url pid
    port=$(free_port)
    data="$WORK/data-$name"
    mkdir -p "$data"
    url="http://127.0.0.1:$port"
    "${PIN_SERVER[@]}" "$KRONUZ_BIN" serve --listen "127.0.0.1:$port" --data-dir "$data" \
        --log warn "$@" >"$OUT/server-$name.log" 2>&1 &
    pid=$!
    SERVER_PID[$name]=$pid
    if python3 - "$url/healthz" "$pid" <<'PY'; then
import os, sys, time, urllib.request
url, pid = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(1)  # the server exited
    try:
        with urllib.request.urlopen(url, timeout=1) as r:
            if r.status == 200:
                sys.exit(0)
    except Exception:
        pass
    time.sleep(0.1)
sys.exit(1)
PY
        SERVER_URL[$name]=$url
        log "server $name ($*) ready at $url"
        return 0
    fi
    log "server $name ($*) did not become healthy; its log:"
    tail -n 5 "$OUT/server-$name.log" >&2 || true
    stop_server "$name"
    return 1
}

# --- load -------------------------------------------------------------------------------
seconds_of() { # 4s, 500ms, 2m -> whole seconds, rounded up
    python3 -c '
import math, re, sys
m = re.fullmatch(r"([0-9.]+)\s*(ms|s|m|min|h)?", sys.argv[1].strip())
v, u = float(m.group(1)), m.group(2) or "s"
print(math.ceil(v * {"ms": 0.001, "s": 1, "m": 60, "min": 60, "h": 3600}[u]))' "$1"
}

# run_load KEY SERVER LOADGEN-ARGS...: one measurement, written to $OUT/KEY.json. A failed or
# unclean run is reported and left for the summary to flag; it never stops the script.
run_load() {
    local key=$1 server=$2
    shift 2
    local url=${SERVER_URL[$server]:-}
    if [ -z "$url" ]; then
        return 0
    fi
    local limit rc=0
    limit=$(( $(seconds_of "$DURATION") + $(seconds_of "$SCALE_DURATION") + RUN_SLACK_SECS ))
    timeout "$limit" "${PIN_LOADGEN[@]}" "$LOADGEN_BIN" --url "$url" --warmup "$WARMUP" \
        --json "$OUT/$key.json" "$@" >"$OUT/$key.txt" 2>&1 || rc=$?
    python3 - "$OUT/$key.json" "$key" "$rc" <<'PY' >&2
import json, sys
path, key, rc = sys.argv[1], sys.argv[2], sys.argv[3]
try:
    r = json.load(open(path))
except Exception:
    try:
        lines = [l for l in open(path[:-5] + ".txt").read().splitlines() if l.strip()]
        why = lines[-1][:160] if lines else ""
    except Exception:
        why = ""
    print(f"  {key:<28} FAILED (exit {rc}): {why}")
    sys.exit(0)
parts = []
for name, o in sorted(r["ops"].items()):
    l = o["latency_us"]
    parts.append(f"{name} {o['ok_rps']:9.1f}/s p50 {l['p50']/1000:7.3f} ms p99 {l['p99']/1000:7.3f} ms")
flag = "" if r["clean"] else "  !!! ERRORS (non-2xx or failed requests)"
cpu = r.get("client_cpu_cores")
if cpu is not None:
    share = cpu / max(1, r.get("client_cpus", 1))
    parts.append(f"client CPU {share:.0%}" + (" (CLIENT-BOUND?)" if share >= 0.9 else ""))
print(f"  {key:<28} " + " | ".join(parts) + flag)
PY
}

log "results go to $OUT"
log "pinning: $PINNING; data dirs on $DATA_FS"

start_server main || die "the server did not start; nothing to measure"
BUILT=$(date +%s)

log "== authenticated read vs baseline ($REPS x $DURATION, $CONNS connections) =="
for rep in $(seq 1 "$REPS"); do
    run_load "baseline-r$rep" main -s baseline -c "$CONNS" -d "$DURATION"
    run_load "read-r$rep" main -s read -c "$CONNS" -d "$DURATION" --projects 50
    # The same authenticated request on an empty list: auth and the actor round trip
    # without the cost of serialising 50 projects.
    run_load "read0-r$rep" main -s read -c "$CONNS" -d "$DURATION" --projects 0
done

log "== mixed and report (once each, $DURATION, $CONNS connections) =="
run_load "mixed-r1" main -s mixed -c "$CONNS" -d "$DURATION" --teams 4
run_load "report-r1" main -s report -c "$CONNS" -d "$DURATION" \
    --people "$REPORT_PEOPLE" --allocations "$REPORT_ALLOCATIONS"
stop_server main

# Each comparison below runs on two fresh servers, so neither side carries the other's data.
log "== group commit vs one commit per write ($REPS x $DURATION, $CONNS connections) =="
start_server group || log "group-commit server unavailable: n/a"
start_server perwrite --commit-mode per-write || log "per-write server unavailable: n/a"
for rep in $(seq 1 "$REPS"); do
    run_load "write-group-r$rep" group -s write -c "$CONNS" -d "$DURATION"
    run_load "write-perwrite-r$rep" perwrite -s write -c "$CONNS" -d "$DURATION"
done
stop_server group
stop_server perwrite

log "== actor vs rwlock: $SCALE_SCENARIO at $SCALE_CONNS connections ($REPS x $SCALE_DURATION) =="
start_server actor || log "actor server unavailable: n/a"
start_server rwlock --state-backend rwlock || log "rwlock server unavailable: n/a"
for rep in $(seq 1 "$REPS"); do
    for c in $SCALE_CONNS; do
        run_load "scale-actor-c$c-r$rep" actor -s "$SCALE_SCENARIO" -c "$c" -d "$SCALE_DURATION"
        run_load "scale-rwlock-c$c-r$rep" rwlock -s "$SCALE_SCENARIO" -c "$c" -d "$SCALE_DURATION"
    done
done
stop_server actor
stop_server rwlock

python3 - "$OUT" "$REPS" "$DURATION" "$SCALE_DURATION" "$CONNS" "$SCALE_CONNS" \
    "$SCALE_SCENARIO" "$PINNING" "$(( BUILT - STARTED ))" "$(( $(date +%s) - BUILT ))" <<'PY'
import glob, json, os, statistics, sys

(out, reps, duration, scale_duration, conns, scale_conns, scale_scenario, pinning, build_s,
 run_s) = sys.argv[1:]
scale_conns = scale_conns.split()

def runs(key):
    found = []
    for path in sorted(glob.glob(os.path.join(out, f"{key}-r*.json"))):
        try:
            found.append(json.load(open(path)))
        except Exception:
            pass
    return found

def median(key, get):
    rs = runs(key)
    vals = [get(r) for r in rs]
    vals = [v for v in vals if v is not None]
    if not vals:
        return None, False
    return statistics.median(vals), all(r["clean"] for r in rs)

def paired_ratio(key_a, get_a, key_b, get_b):
    """Median over reps of a/b from the same rep: runs of one rep ran back to back, so
    the pair shares the machine's state and drift between reps cancels out."""
    ratios = []
    for rep in range(1, int(reps) + 1):
        try:
            a = get_a(json.load(open(os.path.join(out, f"{key_a}-r{rep}.json"))))
            b = get_b(json.load(open(os.path.join(out, f"{key_b}-r{rep}.json"))))
        except Exception:
            continue
        if a is not None and b:
            ratios.append(a / b)
    return statistics.median(ratios) if ratios else None

def ok_rps(op):
    return lambda r: r["ops"][op]["ok_rps"] if op in r["ops"] else None

def p99_ms(op):
    return lambda r: r["ops"][op]["latency_us"]["p99"] / 1000 if op in r["ops"] else None

def fmt(v, unit="", digits=1):
    return "n/a" if v is None else f"{v:,.{digits}f}{unit}"

def verdict(r, target):
    if r is None:
        return "n/a"
    return "PASS" if r >= target else "BELOW TARGET"

def dirty(*cleans):
    return "  !!! some runs had errors" if not all(cleans) else ""

summary = {}
print()
print(f"== kronuz benchmark: medians of {reps} run(s); {duration} per run ({scale_duration} for the "
      f"connection sweep) after warm-up; {pinning}; build {build_s} s, runs {run_s} s ==")
print()

read, c1 = median("read", ok_rps("read"))
base, c2 = median("baseline", ok_rps("healthz"))
read_p99, _ = median("read", p99_ms("read"))
base_p99, _ = median("baseline", p99_ms("healthz"))
r = paired_ratio("read", ok_rps("read"), "baseline", ok_rps("healthz"))
summary["read_vs_baseline"] = {"read_rps": read, "baseline_rps": base, "ratio": r,
                               "read_p99_ms": read_p99, "baseline_p99_ms": base_p99}
print(f"authenticated read vs baseline ({conns} connections)")
print(f"  read {fmt(read, ' req/s')} (p99 {fmt(read_p99, ' ms', 3)})   baseline {fmt(base, ' req/s')} "
      f"(p99 {fmt(base_p99, ' ms', 3)})")
print(f"  ratio (median of paired runs) {fmt(r, '', 2)}  target >= 0.8  {verdict(r, 0.8)}{dirty(c1, c2)}")
read0, c3 = median("read0", ok_rps("read"))
r0 = paired_ratio("read0", ok_rps("read"), "baseline", ok_rps("healthz"))
size, _ = median("read", lambda r: r["ops"]["read"].get("mean_body_bytes") if "read" in r["ops"] else None)
summary["read_vs_baseline"].update({"empty_list_rps": read0, "empty_list_ratio": r0, "list_bytes": size})
print(f"  of which: the same request on an empty list {fmt(read0, ' req/s')}, ratio {fmt(r0, '', 2)} "
      f"(auth + actor round trip); the 50-project answer is {fmt(size, ' bytes', 0)}{dirty(c3)}")
print()

group, c1 = median("write-group", ok_rps("write"))
per, c2 = median("write-perwrite", ok_rps("write"))
group_p99, _ = median("write-group", p99_ms("write"))
per_p99, _ = median("write-perwrite", p99_ms("write"))
r = paired_ratio("write-group", ok_rps("write"), "write-perwrite", ok_rps("write"))
summary["group_vs_per_write"] = {"group_wps": group, "per_write_wps": per, "ratio": r,
                                 "group_p99_ms": group_p99, "per_write_p99_ms": per_p99}
print(f"group commit vs one commit per write ({conns} connections, each 201 durable)")
print(f"  group {fmt(group, ' writes/s')} (p99 {fmt(group_p99, ' ms', 3)})   per-write "
      f"{fmt(per, ' writes/s')} (p99 {fmt(per_p99, ' ms', 3)})")
print(f"  ratio (median of paired runs) {fmt(r, '', 2)}  target >= 5  {verdict(r, 5)}{dirty(c1, c2)}")
def server(key, field):
    return median(key, lambda r: (r.get("server") or {}).get(field))[0]
gw, pw = server("write-group", "writes_per_commit"), server("write-perwrite", "writes_per_commit")
gm, pm = server("write-group", "commit_ms_mean"), server("write-perwrite", "commit_ms_mean")
summary["group_vs_per_write"].update({"group_writes_per_commit": gw, "per_write_writes_per_commit": pw,
                                      "group_commit_ms": gm, "per_write_commit_ms": pm})
if gw is not None or pw is not None:
    print(f"  server: group {fmt(gw, '', 1)} writes/commit ({fmt(gm, ' ms', 2)} per commit), per-write "
          f"{fmt(pw, '', 1)} ({fmt(pm, ' ms', 2)} per commit)")
print()

op = {"read": "read", "baseline": "healthz", "write": "write"}.get(scale_scenario)
print(f"actor vs rwlock, {scale_scenario} throughput (req/s; p99 ms)")
print(f"  {'connections':>11}  {'actor':>22}  {'rwlock':>22}  {'actor/rwlock':>12}")
summary["actor_vs_rwlock"] = []
loop_notes = []
for c in scale_conns:
    get = ok_rps(op) if op else (lambda r: r["total"]["ok_rps"])
    getp = p99_ms(op) if op else (lambda r: r["total"]["latency_us"]["p99"] / 1000)
    a, ca = median(f"scale-actor-c{c}", get)
    b, cb = median(f"scale-rwlock-c{c}", get)
    ap, _ = median(f"scale-actor-c{c}", getp)
    bp, _ = median(f"scale-rwlock-c{c}", getp)
    r = paired_ratio(f"scale-actor-c{c}", get, f"scale-rwlock-c{c}", get)
    summary["actor_vs_rwlock"].append({"connections": int(c), "actor_rps": a, "rwlock_rps": b,
                                       "ratio": r, "actor_p99_ms": ap, "rwlock_p99_ms": bp})
    busy = server(f"scale-actor-c{c}", "actor_busy_share")
    msgs = server(f"scale-actor-c{c}", "actor_messages_per_s")
    us = server(f"scale-actor-c{c}", "actor_us_per_message")
    loop_notes.append((c, busy, msgs, us))
    cell = lambda v, p: "n/a" if v is None else f"{v:,.0f}; {p:.2f}"
    print(f"  {c:>11}  {cell(a, ap):>22}  {cell(b, bp):>22}  {fmt(r, '', 2):>12}"
          f"{dirty(ca, cb if b is not None else True)}")
if any(b is not None for _, b, _, _ in loop_notes):
    print("  the actor loop on the actor server (from its /metrics over each measured phase):")
    for c, busy, msgs, us in loop_notes:
        print(f"  {c:>11}  {fmt(msgs, ' msg/s', 0)}, busy {fmt(None if busy is None else busy * 100, '%', 0)}"
              f" of the time, {fmt(us, ' us/msg', 1)}")
    c, busy, msgs, us = loop_notes[-1]
    if busy and msgs:
        print(f"  headroom at {c} connections: busy {busy:.1%}; handling alone would saturate the loop near "
              f"{msgs / busy:,.0f} msg/s (an upper bound: channel hops and task wake-ups are not in busy time)")
    summary["actor_loop"] = [{"connections": int(c), "busy_share": b, "messages_per_s": m, "us_per_message": u}
                             for c, b, m, u in loop_notes]
print()

mixed = runs("mixed")
if mixed:
    m = mixed[0]
    parts = [f"{k} {o['ok_rps']:,.1f}/s p99 {o['latency_us']['p99']/1000:.3f} ms" for k, o in sorted(m["ops"].items())]
    print(f"mixed ({m['params'].get('read_percent')}% reads, {m['params']['teams']} teams): " + " | ".join(parts)
          + dirty(m["clean"]))
else:
    print("mixed: n/a")
rep = runs("report")
if rep:
    m = rep[0]
    parts = [f"{k} {o['ok_rps']:,.1f}/s p50 {o['latency_us']['p50']/1000:.3f} ms p99 {o['latency_us']['p99']/1000:.3f} ms"
             for k, o in sorted(m["ops"].items())]
    print(f"report ({m['params']['people']} people, {m['params']['allocations']} allocations, "
          f"{m['params'].get('report_connections')} of {m['params']['connections']} connections on the report): "
          + " | ".join(parts) + dirty(m["clean"]))
    print(f"  read p99 alone: {fmt(read_p99, ' ms', 3)}")
else:
    print(f"report: n/a (see {os.path.join(out, 'report-r1.txt')})")

with open(os.path.join(out, "summary.json"), "w") as f:
    json.dump(summary, f, indent=2)
print()
print(f"raw results: {out}")
PY
