#!/usr/bin/env bash
# Scale benchmark: one team of 1,000 people, ~50
# projects, 100,000 allocations and 2,000 days off over one year, seeded through the public
# JSON API; then a restart of the server on the same data dir and:
#   - start-up to ready: exec until GET /healthz answers 200, and the server's own `ready_ms`;
#   - resident memory (VmRSS) after start and after the reports ran;
#   - latency of the one-year weekly utilisation report for the whole team (sequential);
#   - GET /api/v1/prj/list latency with and without a report running in a loop alongside.
# Targets: ready < 2 s, RSS < 300 MB, report < 100 ms.
#
# Environment (all optional):
#   SCALE_PEOPLE=1000 SCALE_PROJECTS=50 SCALE_ALLOCATIONS=100000 SCALE_TIMEOFF=2000
#   SCALE_YEAR=2025 SCALE_SEED_THREADS=48 SCALE_REPORT_REPS=20 SCALE_LIST_SECS=5
#   SCALE_PORT=18093 SCALE_SKIP_BUILD=1  KRONUZ_BIN (default target/release/kronuz)
#   SCALE_KEEP=1 keeps the data dir and the server log.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
KRONUZ_BIN=${KRONUZ_BIN:-$TARGET/release/kronuz}

command -v python3 >/dev/null 2>&1 || { echo "bench-scale.sh: python3 is needed" >&2; exit 1; }

if [ "${SCALE_SKIP_BUILD:-0}" != 1 ]; then
    echo "building (release)..." >&2
    cargo build --release -p kronuz -p kronuz-loadgen >&2
fi
[ -x "$KRONUZ_BIN" ] || { echo "bench-scale.sh: no $KRONUZ_BIN" >&2; exit 1; }

# Keep the data dir off tmpfs (in the target dir) so fsync costs what it costs.
mkdir -p "${SCALE_TMP:-$TARGET}"
WORK=$(mktemp -d "${SCALE_TMP:-$TARGET}/kronuz-scale.XXXXXX")
PIDFILE="$WORK/server.pid"
cleanup() {
    if [ -s "$PIDFILE" ]; then
        kill "$(cat "$PIDFILE")" 2>/dev/null || true
    fi
    if [ "${SCALE_KEEP:-0}" = 1 ]; then
        echo "kept $WORK" >&2
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Run a private copy: the target dir may be shared with builds of other branches.
cp "$KRONUZ_BIN" "$WORK/kronuz"
KRONUZ_BIN="$WORK/kronuz"
export KRONUZ_BIN WORK PIDFILE
python3 - "$@" <<'PY'
import http.client, json, os, random, re, signal, statistics, subprocess, sys, threading, time

BIN = os.environ["KRONUZ_BIN"]; WORK = os.environ["WORK"]; PIDFILE = os.environ["PIDFILE"]
PORT = int(os.environ.get("SCALE_PORT", "18093"))
PEOPLE = int(os.environ.get("SCALE_PEOPLE", "1000"))
PROJECTS = int(os.environ.get("SCALE_PROJECTS", "50"))
ALLOCS = int(os.environ.get("SCALE_ALLOCATIONS", "100000"))
TIMEOFF = int(os.environ.get("SCALE_TIMEOFF", "2000"))
YEAR = int(os.environ.get("SCALE_YEAR", "2025"))
THREADS = int(os.environ.get("SCALE_SEED_THREADS", "48"))
REPORT_REPS = int(os.environ.get("SCALE_REPORT_REPS", "20"))
LIST_SECS = float(os.environ.get("SCALE_LIST_SECS", "5"))
DATA = os.path.join(WORK, "data"); LOG = os.path.join(WORK, "server.log")
REPORT = f"/api/v1/reports/utilisation?from={YEAR}-01-01&to={YEAR}-12-31&interval=week"
import datetime as dt
Y0 = dt.date(YEAR, 1, 1); YDAYS = (dt.date(YEAR, 12, 31) - Y0).days + 1
def day(n): return (Y0 + dt.timedelta(days=n)).isoformat()
def say(*a): print(*a, file=sys.stderr, flush=True)

server = None
def start():
    global server
    logf = open(LOG, "a")
    t0 = time.monotonic()
    server = subprocess.Popen([BIN, "serve", "--listen", f"127.0.0.1:{PORT}", "--data-dir", DATA],
                              stdout=logf, stderr=subprocess.STDOUT)
    open(PIDFILE, "w").write(str(server.pid))
    while True:
        if server.poll() is not None: sys.exit(f"server exited ({server.returncode}); see {LOG}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            c.request("GET", "/healthz"); r = c.getresponse(); r.read(); c.close()
            if r.status == 200: return time.monotonic() - t0
        except OSError: pass
        if time.monotonic() - t0 > 120: sys.exit("server not ready in 120 s")
        time.sleep(0.005)
def stop():
    server.send_signal(signal.SIGTERM)
    try: server.wait(60)
    except subprocess.TimeoutExpired: server.kill(); server.wait()
    open(PIDFILE, "w").write("")
def rss_mb():
    for line in open(f"/proc/{server.pid}/status"):
        if line.startswith("VmRSS:"): return int(line.split()[1]) / 1024
def ready_ms_logged():
    found = re.findall(r"kronuz is ready.*?ready_ms\D*(\d+)|ready_ms\D*(\d+).*?kronuz is ready", open(LOG).read())
    if not found: return None
    a, b = found[-1]; return int(a or b)

cookie = None
class Conn:
    def __init__(self): self.c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    def req(self, method, path, body=None):
        h = {"Cookie": cookie} if cookie else {}
        data = None
        if body is not None: data = json.dumps(body).encode(); h["Content-Type"] = "application/json"
        for attempt in (0, 1):
            try:
                self.c.request(method, path, body=data, headers=h)
                r = self.c.getresponse(); out = r.read(); return r.status, out, r
            except (http.client.HTTPException, OSError):
                self.c.close(); self.c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
                if attempt: raise

def seed_many(calls, label):
    """POST every (path, body) over THREADS keep-alive connections; returns ids in order."""
    ids = [None] * len(calls); nxt = [0]; lock = threading.Lock(); errs = []
    def worker():
        c = Conn()
        while True:
            with lock:
                i = nxt[0]; nxt[0] += 1
            if i >= len(calls) or len(errs) > 5: return
            path, body = calls[i]
            st, out, _ = c.req("POST", path, body)
            if st not in (200, 201): errs.append((st, out[:200])); continue
            ids[i] = json.loads(out).get("id")
    t0 = time.monotonic()
    ts = [threading.Thread(target=worker) for _ in range(min(THREADS, len(calls)))]
    for t in ts: t.start()
    for t in ts: t.join()
    el = time.monotonic() - t0
    if errs: sys.exit(f"seeding {label} failed: {errs[:3]}")
    say(f"  {label}: {len(calls)} in {el:.1f} s ({len(calls)/el:.0f}/s)")
    return ids, el

def pct(xs, p):
    xs = sorted(xs); k = (len(xs) - 1) * p / 100; f = int(k)
    return xs[f] if f + 1 >= len(xs) else xs[f] + (xs[f + 1] - xs[f]) * (k - f)

# ---- seed ------------------------------------------------------------------------------
os.makedirs(DATA)
start()
say(f"seeding {PEOPLE} people, {PROJECTS} projects, {ALLOCS} allocations, {TIMEOFF} days off...")
c = Conn()
st, out, r = c.req("POST", "/api/v1/usr/signup",
                   {"email": "scale-owner@example.com", "password": "scale-bench-pw-1", "name": "Scale team"})
if st not in (200, 201): sys.exit(f"signup: {st} {out[:200]}")
cookie = "; ".join(v.split(";")[0] for k, v in r.getheaders() if k.lower() == "set-cookie")
rng = random.Random(4)
seed_t = {}
prj, seed_t["projects"] = seed_many([("/api/v1/prj", {"name": f"Project {i:03}"}) for i in range(PROJECTS)], "projects")
ppl, seed_t["people"] = seed_many([("/api/v1/people", {"name": f"Person {i:05}"}) for i in range(PEOPLE)], "people")
allocs = []
for i in range(ALLOCS):
    s = rng.randrange(YDAYS); ln = rng.randint(1, 20)
    allocs.append(("/api/v1/allocations", {
        "project_id": rng.choice(prj), "person_id": rng.choice(ppl),
        "start": day(s), "end": day(min(YDAYS - 1, s + ln - 1)),
        "hours_per_day": rng.randint(1, 8), "tentative": rng.random() < 0.1}))
_, seed_t["allocations"] = seed_many(allocs, "allocations")
off = []
team_wide = 8
for i in range(TIMEOFF):
    s = rng.randrange(YDAYS)
    if i < team_wide: off.append(("/api/v1/timeoff", {"start": day(s), "end": day(s), "reason": "Holiday"}))
    else:
        ln = rng.choice([1, 1, 1, 2, 3, 5])
        off.append(("/api/v1/timeoff", {"person_id": rng.choice(ppl), "start": day(s),
                                         "end": day(min(YDAYS - 1, s + ln - 1)), "reason": "Leave"}))
_, seed_t["timeoff"] = seed_many(off, "days off")
rss_seeded = rss_mb()
stop()
data_mb = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(DATA) for f in fs) / 1e6

# ---- restart ---------------------------------------------------------------------------
open(LOG, "a").write("---- restart ----\n")
ready_s = start()
logged = ready_ms_logged()
time.sleep(0.2)
rss_start = rss_mb()

# ---- report latency --------------------------------------------------------------------
c = Conn()
t0 = time.perf_counter(); st, out, _ = c.req("GET", REPORT)   # the first, reported apart
first = (time.perf_counter() - t0) * 1000
if st != 200: sys.exit(f"report: {st} {out[:200]}")
rep_body_kb = len(out) / 1024
lat = []
for i in range(REPORT_REPS):
    t0 = time.perf_counter(); st, out, _ = c.req("GET", REPORT); el = (time.perf_counter() - t0) * 1000
    if st != 200: sys.exit(f"report: {st}")
    lat.append(el)
rss_after_reports = rss_mb()

# ---- prj/list with and without reports -------------------------------------------------
def list_load(with_report, secs=LIST_SECS, conns=4):
    stop_at = time.monotonic() + secs; lats = []; reps = [0]; lock = threading.Lock()
    def lister():
        cc = Conn(); mine = []
        while time.monotonic() < stop_at:
            t0 = time.perf_counter(); st, _, _ = cc.req("GET", "/api/v1/prj/list")
            mine.append((time.perf_counter() - t0) * 1000)
            if st != 200: sys.exit(f"prj/list: {st}")
        with lock: lats.extend(mine)
    def reporter():
        cc = Conn()
        while time.monotonic() < stop_at:
            cc.req("GET", REPORT); reps[0] += 1
    ts = [threading.Thread(target=lister) for _ in range(conns)]
    if with_report: ts.append(threading.Thread(target=reporter))
    for t in ts: t.start()
    for t in ts: t.join()
    return lats, reps[0]
quiet_a, _ = list_load(False, LIST_SECS / 2)
busy, nrep = list_load(True)
quiet_b, _ = list_load(False, LIST_SECS / 2)
quiet = quiet_a + quiet_b
rss_end = rss_mb()
stop()

# ---- table -----------------------------------------------------------------------------
ok = lambda good: "ok" if good else "MISS"
rmed = statistics.median(lat)
rows = [
    ("seed: allocations/s (durable, %d conns)" % THREADS, f"{ALLOCS/seed_t['allocations']:.0f}", ""),
    ("seed: total time", f"{sum(seed_t.values()):.1f} s", ""),
    ("data dir after seeding", f"{data_mb:.1f} MB", ""),
    ("start-up: exec -> /healthz 200", f"{ready_s*1000:.0f} ms", f"< 2000 ms {ok(ready_s < 2)}"),
    ("start-up: ready_ms (server log)", f"{logged} ms" if logged is not None else "n/a", ""),
    ("RSS after seeding (before restart)", f"{rss_seeded:.1f} MB", ""),
    ("RSS after restart", f"{rss_start:.1f} MB", f"< 300 MB {ok(rss_start < 300)}"),
    ("RSS after %d reports" % (REPORT_REPS + 1), f"{rss_after_reports:.1f} MB", f"< 300 MB {ok(rss_after_reports < 300)}"),
    ("RSS after the prj/list runs", f"{rss_end:.1f} MB", f"< 300 MB {ok(rss_end < 300)}"),
    ("report body (JSON)", f"{rep_body_kb:.0f} KiB", ""),
    ("report: first after start", f"{first:.1f} ms", ""),
    ("report x%d: min / median / p90 / max" % REPORT_REPS,
     f"{min(lat):.1f} / {rmed:.1f} / {pct(lat,90):.1f} / {max(lat):.1f} ms", f"< 100 ms {ok(rmed < 100)}"),
    ("prj/list alone (4 conns): n, p50 / p90 / p99 / max", f"{len(quiet)}, {pct(quiet,50):.2f} / {pct(quiet,90):.2f} / {pct(quiet,99):.2f} / {max(quiet):.2f} ms", ""),
    ("prj/list + report loop: n, p50 / p90 / p99 / max", f"{len(busy)}, {pct(busy,50):.2f} / {pct(busy,90):.2f} / {pct(busy,99):.2f} / {max(busy):.2f} ms", f"{nrep} reports"),
    ("prj/list ratio with/without reports: p50, p99",
     f"{pct(busy,50)/pct(quiet,50):.2f}x, {pct(busy,99)/pct(quiet,99):.2f}x", ""),
]
w0 = max(len(r[0]) for r in rows); w1 = max(len(r[1]) for r in rows)
print(f"kronuz scale benchmark: {PEOPLE} people, {PROJECTS} projects, {ALLOCS} allocations, {TIMEOFF} days off ({team_wide} team-wide), {YEAR}; {os.cpu_count()} CPUs")
print(f"| {'measure':<{w0}} | {'value':<{w1}} | target |")
print(f"|{'-'*(w0+2)}|{'-'*(w1+2)}|--------|")
for a, b, t in rows: print(f"| {a:<{w0}} | {b:<{w1}} | {t} |")
PY
