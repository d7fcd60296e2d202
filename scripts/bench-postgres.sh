#!/usr/bin/env bash
# Writes and reads per second, measured in one run: one node on SQLite, one node on
# PostgreSQL, three nodes on one PostgreSQL (each load generator on its own node and its
# own team, so each node writes the team it owns; reads spread over the three).
# PostgreSQL is a throw-away cluster (scripts/postgres) on a unix socket, fsync off:
# the figures compare kronuz's paths, not disks.
# Environment (optional): BENCH_DURATION=2s BENCH_CONNECTIONS=64 BENCH_SKIP_BUILD=1
#   BENCH_WRITE_TEAMS (teams each write load spreads over; by default enough for the
#   duration) BENCH_BIN_DIR (where kronuz and kronuz-loadgen are; target/release).
# A team holds at most 50,000 projects (domain::limits::PROJECTS_PER_TEAM); past that a
# write is refused with 422 "Limit reached". At 15,000 writes/s one team gets there in
# about 3 s, which is why long runs with one team saw 422s: the write loads spread over
# one team per 2.5 s of run (warm-up included), and a 422 is named if it still happens.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
DURATION=${BENCH_DURATION:-2s}
CONNS=${BENCH_CONNECTIONS:-64}
BIN_DIR=${BENCH_BIN_DIR:-target/release}
KRONUZ_BIN=$BIN_DIR/kronuz
LOADGEN_BIN=$BIN_DIR/kronuz-loadgen
# Writes at up to 18,000/s for the run plus its 0.5 s warm-up, at most 45,000 per team.
WRITE_TEAMS=${BENCH_WRITE_TEAMS:-$(python3 -c '
import math, re, sys
m = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m)", sys.argv[1])
secs = float(m[1]) * {"ms": 0.001, "s": 1, "m": 60}[m[2]] if m else 60
print(max(1, math.ceil((secs + 0.5) * 18000 / 45000)))' "$DURATION")}
[ "${BENCH_SKIP_BUILD:-0}" = 1 ] || cargo build --release -p kronuz -p kronuz-loadgen >&2

WORK=$(mktemp -d /tmp/kronuz-bench.XXXXXX)
PG=$(mktemp -d /tmp/kronuz-bench-pg.XXXXXX) # its own: the cluster's user must reach it
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    scripts/postgres stop "$PG" || true
    rm -rf "$WORK" "$PG"
}
trap cleanup EXIT
URL=$(scripts/postgres start "$PG")

# start PORT ARGS...: a server in the background, waiting until it answers.
start() {
    local port=$1; shift
    "$KRONUZ_BIN" serve --listen "127.0.0.1:$port" --log warn "$@" >"$WORK/server-$port.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 100); do
        curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "bench-postgres.sh: the server on $port did not start" >&2; exit 1
}

# load KEY SCENARIO PORT...: one load generator per port at once; prints the sum of ok/s.
load() {
    local key=$1 scenario=$2; shift 2
    local i=0 runs=() teams=()
    [ "$scenario" = write ] && teams=(--teams "$WRITE_TEAMS")
    for port in "$@"; do
        "$LOADGEN_BIN" --url "http://127.0.0.1:$port" -s "$scenario" -c "$CONNS" "${teams[@]}" \
            -d "$DURATION" --warmup 500ms --json "$WORK/$key-$i.json" >"$WORK/$key-$i.txt" 2>&1 &
        runs+=($!)
        i=$((i + 1))
    done
    i=0
    for pid in "${runs[@]}"; do
        wait "$pid" || echo "  $key: a load generator reported errors: $(grep -iE "error|fail|non-2xx" "$WORK/$key-$i.txt" | head -n 3 | tr "\n" " ")" >&2
        if grep -q "422:" "$WORK/$key-$i.txt"; then
            echo "  $key: 422 answers: a team reached its 50,000 projects; set BENCH_WRITE_TEAMS above $WRITE_TEAMS" >&2
        fi
        i=$((i + 1))
    done
    python3 - "$WORK" "$key" <<'PY'
import glob, json, sys
work, key = sys.argv[1], sys.argv[2]
total = 0.0
for path in glob.glob(f"{work}/{key}-*.json"):
    r = json.load(open(path))
    total += sum(o["ok_rps"] for o in r["ops"].values())
print(f"{key:<28} {total:9.0f}/s")
PY
}

start 18201 --data-dir "$WORK/sqlite"
load "sqlite-1-node-write" write 18201
load "sqlite-1-node-read" read 18201
start 18202 --database-url "$URL" --node-id a --advertise-url http://127.0.0.1:18202
load "postgres-1-node-write" write 18202
load "postgres-1-node-read" read 18202
start 18203 --database-url "$URL" --node-id b --advertise-url http://127.0.0.1:18203
start 18204 --database-url "$URL" --node-id c --advertise-url http://127.0.0.1:18204
load "postgres-3-nodes-write" write 18202 18203 18204
load "postgres-3-nodes-read" read 18202 18203 18204
