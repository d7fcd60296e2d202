#!/usr/bin/env bash
# Failover of one large team: three nodes on one PostgreSQL, a team of 1,000 people,
# 50 projects and 100,000 allocations (loaded in one request through
# POST /api/v1/team/import) owned by one node. Each round kills the owner with SIGKILL
# and measures, through a surviving node:
#   - from the kill to the first acknowledged write (a new project, 201), which is the
#     rest of the dead owner's lease, then the takeover and the load of the team;
#   - the load alone: the survivor reading the team from PostgreSQL and building it in
#     memory (its /metrics, kronuz_team_load_seconds_total, and the read from its log).
# The killed node starts again (same --node-id) before the next round, so each round
# has three nodes. PostgreSQL is a throw-away cluster (scripts/postgres) on a unix
# socket, fsync off; the nodes listen on loopback only; everything stops by itself.
# Environment (optional): FAILOVER_PEOPLE=1000 FAILOVER_PROJECTS=50
#   FAILOVER_ALLOCATIONS=100000 FAILOVER_LEASE_SECS=10 FAILOVER_ROUNDS=3
#   FAILOVER_PORT=18301 (and the next two) BENCH_SKIP_BUILD=1
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
command -v python3 >/dev/null 2>&1 || { echo "bench-failover.sh: python3 is needed" >&2; exit 1; }
[ "${BENCH_SKIP_BUILD:-0}" = 1 ] || cargo build --release -p kronuz >&2
KRONUZ_BIN=${KRONUZ_BIN:-$ROOT/target/release/kronuz}
[ -x "$KRONUZ_BIN" ] || { echo "bench-failover.sh: no $KRONUZ_BIN" >&2; exit 1; }

WORK=$(mktemp -d /tmp/kronuz-failover.XXXXXX)
PG=$(mktemp -d /tmp/kronuz-failover-pg.XXXXXX) # its own: the cluster's user must reach it
cleanup() {
    scripts/postgres stop "$PG" || true
    rm -rf "$WORK" "$PG"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
URL=$(scripts/postgres start "$PG")
PSQL=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)/psql
export KRONUZ_BIN WORK URL PSQL

python3 - <<'PY'
import http.client, json, os, random, signal, statistics, subprocess, sys, time

BIN, WORK, URL, PSQL = (os.environ[k] for k in ("KRONUZ_BIN", "WORK", "URL", "PSQL"))
PEOPLE = int(os.environ.get("FAILOVER_PEOPLE", "1000"))
PROJECTS = int(os.environ.get("FAILOVER_PROJECTS", "50"))
ALLOCS = int(os.environ.get("FAILOVER_ALLOCATIONS", "100000"))
LEASE = int(os.environ.get("FAILOVER_LEASE_SECS", "10"))
ROUNDS = int(os.environ.get("FAILOVER_ROUNDS", "3"))
BASE = int(os.environ.get("FAILOVER_PORT", "18301"))
PORTS = {"a": BASE, "b": BASE + 1, "c": BASE + 2}
ROUND_LIMIT = LEASE + 60  # a round that takes longer than this has failed

def say(*a): print(*a, file=sys.stderr, flush=True)

def sql(statement):
    out = subprocess.run([PSQL, URL, "-Atc", statement], capture_output=True, text=True)
    if out.returncode != 0: sys.exit(f"psql: {out.stderr.strip()}")
    return out.stdout.strip()

procs = {}
def start(node):
    """Starts a node; an id whose last run was killed is taken once its heartbeat is stale."""
    deadline = time.monotonic() + LEASE + 30
    while True:
        log = open(f"{WORK}/{node}.log", "a")
        p = subprocess.Popen([BIN, "serve", "--listen", f"127.0.0.1:{PORTS[node]}",
                              "--database-url", URL, "--node-id", node,
                              "--advertise-url", f"http://127.0.0.1:{PORTS[node]}",
                              "--lease-secs", str(LEASE), "--log", "info",
                              "--max-body-bytes", str(256 << 20), "--request-timeout-secs", "600"],
                             stdout=log, stderr=log)
        while time.monotonic() < deadline:
            if p.poll() is not None: break
            try:
                c = http.client.HTTPConnection("127.0.0.1", PORTS[node], timeout=1)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    procs[node] = p
                    return
            except OSError:
                pass
            time.sleep(0.05)
        if p.poll() is None: p.kill(); p.wait()
        if time.monotonic() >= deadline: sys.exit(f"node {node} did not start (see its log)")
        time.sleep(0.5)  # its id is still live: the killed run's heartbeat has not aged out

def stop_all():
    for p in procs.values():
        if p.poll() is None: p.terminate()
    for p in procs.values():
        try: p.wait(timeout=20)
        except subprocess.TimeoutExpired: p.kill()

class Session:
    def __init__(self): self.cookie = None
    def req(self, node, method, path, body=None, timeout=600):
        h = {"Cookie": self.cookie} if self.cookie else {}
        data = None
        if body is not None:
            data = json.dumps(body).encode(); h["Content-Type"] = "application/json"
        c = http.client.HTTPConnection("127.0.0.1", PORTS[node], timeout=timeout)
        try:
            c.request(method, path, body=data, headers=h)
            r = c.getresponse(); out = r.read()
        finally:
            c.close()
        cookies = [v.split(";")[0] for k, v in r.getheaders() if k.lower() == "set-cookie"]
        if cookies: self.cookie = "; ".join(cookies)
        return r.status, out
    def ok(self, node, method, path, body=None):
        st, out = self.req(node, method, path, body)
        if st not in (200, 201): sys.exit(f"{method} {path} on {node}: {st} {out[:300]!r}")
        return json.loads(out) if out else None

def metric(node, name):
    c = http.client.HTTPConnection("127.0.0.1", PORTS[node], timeout=5)
    c.request("GET", "/metrics"); text = c.getresponse().read().decode()
    for line in text.splitlines():
        if line.startswith(name + " "): return float(line.split()[1])
    return 0.0

def reads_logged(node):
    """The read times (ms) the node logged for teams it took on."""
    out = []
    for line in open(f"{WORK}/{node}.log", errors="replace"):
        if "read a team this node takes on" in line and "read_ms=" in line:
            out.append(int(line.split("read_ms=")[1].split()[0]))
    return out

try:
    for node in PORTS: start(node)
    # The records' shape, from a small team exported through the API.
    shape = Session()
    shape.ok("a", "POST", "/api/v1/usr/signup",
             {"email": "shape@example.com", "password": "failover-bench-pw", "name": "Shape"})
    person = shape.ok("a", "POST", "/api/v1/people", {"name": "Someone"})
    project = shape.ok("a", "POST", "/api/v1/prj", {"name": "Something"})
    shape.ok("a", "POST", "/api/v1/allocations",
             {"person_id": person["id"], "project_id": project["id"],
              "start": "2025-01-06", "end": "2025-01-10", "hours_per_day": 4})
    doc = shape.ok("a", "GET", "/api/v1/team/export")
    tp, tj, ta = doc["people"][0], doc["projects"][0], doc["allocations"][0]
    rng = random.Random(7)
    people = [dict(tp, id=f"p{i}", name=f"Person {i:05}") for i in range(PEOPLE)]
    projects = [dict(tj, id=f"j{i}", name=f"Project {i:03}") for i in range(PROJECTS)]
    def day(n): return time.strftime("%Y-%m-%d", time.gmtime(1735689600 + 86400 * n))
    allocations = []
    for i in range(ALLOCS):
        s = rng.randrange(365); ln = rng.randint(1, 20)
        allocations.append(dict(ta, id=f"a{i}", person_id=f"p{rng.randrange(PEOPLE)}",
                                project_id=f"j{rng.randrange(PROJECTS)}", start=day(s),
                                end=day(min(364, s + ln - 1)), hours_per_day=rng.randint(1, 8)))
    doc.update(people=people, projects=projects, allocations=allocations, clients=[],
               timeoff=[], tasks=[], actuals=[])
    doc["team"]["name"] = "Failover team"

    owner = Session()
    me = owner.ok("a", "POST", "/api/v1/usr/signup",
                  {"email": "failover@example.com", "password": "failover-bench-pw", "name": "Owner"})
    team = me.get("team_id") or sql("SELECT team_id FROM users WHERE body::jsonb->>'email' = 'failover@example.com'")
    say(f"seeding {PEOPLE} people, {PROJECTS} projects, {ALLOCS} allocations through the team import...")
    t0 = time.monotonic()
    owner.ok("a", "POST", "/api/v1/team/import", doc)
    say(f"  seeded in {time.monotonic() - t0:.1f} s")
    counted = int(sql(f"SELECT count(*) FROM allocations WHERE team_id = '{team}'"))
    if counted != ALLOCS: sys.exit(f"expected {ALLOCS} allocations in PostgreSQL, found {counted}")

    results = []
    for rnd in range(1, ROUNDS + 1):
        holder = sql(f"SELECT node_id FROM leases WHERE team_id = '{team}'")
        survivor = next(n for n in PORTS if n != holder)
        loads_before = metric(survivor, "kronuz_team_loads_total")
        load_s_before = metric(survivor, "kronuz_team_load_seconds_total")
        reads_before = len(reads_logged(survivor))
        left = float(sql(f"SELECT extract(epoch FROM expires_at - clock_timestamp()) FROM leases WHERE team_id = '{team}'"))
        killed_at = time.monotonic()
        procs[holder].send_signal(signal.SIGKILL); procs[holder].wait()
        attempts = 0
        while True:
            if time.monotonic() - killed_at > ROUND_LIMIT:
                sys.exit(f"round {rnd}: no write acknowledged through {survivor} in {ROUND_LIMIT} s")
            attempts += 1
            try:
                st, _ = owner.req(survivor, "POST", "/api/v1/prj", {"name": f"after kill {rnd}.{attempts}"}, timeout=5)
            except OSError:
                st = 0
            if st == 201: break
            time.sleep(0.01)
        failover = time.monotonic() - killed_at
        loads = metric(survivor, "kronuz_team_loads_total") - loads_before
        load_s = metric(survivor, "kronuz_team_load_seconds_total") - load_s_before
        read_ms = reads_logged(survivor)[reads_before:]
        new_holder = sql(f"SELECT node_id FROM leases WHERE team_id = '{team}'")
        results.append((failover, left, load_s, read_ms[-1] / 1000 if read_ms else float("nan")))
        say(f"round {rnd}: killed {holder} (its lease had {left:.1f} s left); first write acknowledged "
            f"through {survivor} after {failover:.2f} s; {survivor} loaded the team in {load_s:.2f} s "
            f"(read from PostgreSQL {results[-1][3]:.2f} s; {loads:.0f} load(s)); lease now with {new_holder}")
        start(holder)

    fo = [r[0] for r in results]; ld = [r[2] for r in results]; rd = [r[3] for r in results]
    over = [r[0] - r[1] for r in results]
    print(f"failover-kill-to-first-write  median {statistics.median(fo):6.2f} s  (min {min(fo):.2f}, max {max(fo):.2f}; lease {LEASE} s)")
    print(f"failover-after-lease-expiry   median {statistics.median(over):6.2f} s  (kill-to-write minus the lease left at the kill)")
    print(f"team-load                     median {statistics.median(ld):6.2f} s  (read {statistics.median(rd):.2f} s, then memory)")
finally:
    stop_all()
PY
