#!/usr/bin/env bash
# `churnwatch serve` benchmarks on loopback (release build), written to
# bench/results/serve.txt:
#  1. customer 360° reads: wrk, 60 s, random customers of Online Retail, p99 and errors
#     (every read also writes its audit record);
#  2. intake with re-scoring: Online Retail's last month (2011-11-09 ..) posted as NDJSON
#     batches of 2,000 orders to a server holding the earlier history: rows/s;
#  3. event-to-alert: single complaint events posted one by one (each is committed,
#     re-scored and, when a rule fires, alerted before the answer): latency percentiles;
#  4. memory: the server's RSS and its own estimate, per customer held.
# Needs wrk (scripts/install-deps bench) and the shared Online Retail data.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${CHURNWATCH_BIN:-$PWD/build/release/churnwatch}"
data="${CHURNWATCH_SHARED_DATA:-$PWD/../shared/data}/online_retail/online_retail.csv.gz"
[ -f "$data" ] || data=/work/shared/data/online_retail/online_retail.csv.gz
command -v wrk >/dev/null || { echo "bench/serve: wrk not installed (scripts/install-deps bench)" >&2; exit 1; }
work=$(mktemp -d)
server_pid=""
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p bench/results

"$bin" ingest --quiet --db "sqlite:$work/full.db" --mapping examples/mappings/online_retail.toml \
  --transactions "$data" --rejects-dir "$work" >/dev/null
# The server's store: everything before 2011-11-09; the last month becomes the intake stream.
python3 - "$work" <<'PY'
import json, sqlite3, shutil, sys
work = sys.argv[1]
shutil.copy(work + "/full.db", work + "/serve.db")
cut = 15287 * 86400  # 2011-11-09
db = sqlite3.connect(work + "/serve.db")
with open(work + "/orders.ndjson", "w") as out:
    for (oid, cid, ts, amount, qty, disc, ch, store, sku, cat, ret) in db.execute(
            "SELECT order_id, customer_id, ts, amount, quantity, discount, channel, store_id, sku, category, is_return "
            "FROM transactions WHERE ts >= ? ORDER BY ts", (cut,)):
        row = {"order_id": oid, "customer_id": cid, "ts": ts, "amount": amount, "quantity": qty, "is_return": bool(ret)}
        for k, v in (("discount", disc), ("channel", ch), ("store_id", store), ("sku", sku), ("category", cat)):
            if v is not None: row[k] = v
        out.write(json.dumps(row) + "\n")
db.execute("DELETE FROM transactions WHERE ts >= ?", (cut,))
db.commit()
with open(work + "/customers.txt", "w") as out:
    for (cid,) in db.execute("SELECT DISTINCT customer_id FROM transactions WHERE customer_id IS NOT NULL"):
        out.write(cid + "\n")
PY
"$bin" train --db "sqlite:$work/serve.db" --train-cutoffs 2011-06-01,2011-07-01 --valid-cutoff 2011-08-01 \
  --max-rounds 50 --threads 2 >/dev/null
key=$("$bin" keys create --db "sqlite:$work/serve.db" --role admin --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
cat >"$work/serve.toml" <<TOML
[server]
port = 0
threads = 4
db = "sqlite:$work/serve.db"
[limits]
rate_per_second = 1000000
rate_burst = 1000000
max_body_bytes = 67108864
TOML
start=$(date +%s.%N)
"$bin" serve --config "$work/serve.toml" 2>"$work/server.log" &
server_pid=$!
until grep -q "listening on" "$work/server.log"; do sleep 0.2; kill -0 "$server_pid"; done
ready=$(date +%s.%N)
port=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$work/server.log")
customers=$(wc -l <"$work/customers.txt")

# 1. 360° reads
lua="$work/read.lua"
{
  echo "ids = {}"
  while read -r id; do echo "ids[#ids+1] = \"$id\""; done <"$work/customers.txt"
  cat <<LUA
wrk.headers["Authorization"] = "Bearer $key"
request = function() return wrk.format("GET", "/v1/customers/" .. ids[math.random(#ids)]) end
LUA
} >"$lua"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
nice -n 10 wrk -t2 -c16 -d60s --latency -s "$lua" "http://127.0.0.1:$port" >"$work/wrk.txt"

# 2-4. intake, event-to-alert, memory
python3 - "$port" "$key" "$work" "$server_pid" >"$work/intake.txt" <<'PY'
import http.client, json, sys, time
port, key, work, pid = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
h = {"Authorization": "Bearer " + key, "Content-Type": "application/x-ndjson"}
lines = open(work + "/orders.ndjson").read().splitlines()
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
accepted = 0; alerts = 0
t0 = time.perf_counter()
for i in range(0, len(lines), 2000):
    conn.request("POST", "/v1/orders", "\n".join(lines[i:i + 2000]), h)
    r = json.loads(conn.getresponse().read())
    accepted += r["accepted"]; alerts += len(r["alerts"])
dt = time.perf_counter() - t0
print("intake: %d order lines posted in batches of 2000, %d accepted, %d alerts raised, %.2f s: %.0f rows/s" %
      (len(lines), accepted, alerts, dt, accepted / dt))
ids = open(work + "/customers.txt").read().split()
lat = []; raised = 0
for n in range(600):
    cid = ids[(n * 7919) % len(ids)]
    body = json.dumps({"event_id": "B%d" % n, "customer_id": cid, "ts": "2011-12-09T%02d:00:00" % (n % 24), "type": "complaint"})
    t = time.perf_counter()
    conn.request("POST", "/v1/events", body, h)
    r = json.loads(conn.getresponse().read())
    lat.append((time.perf_counter() - t) * 1000)
    raised += len(r["alerts"])
lat.sort()
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
print("event-to-alert: 600 single complaint events, each committed and re-scored before its answer (%d raised an alert): "
      "p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms" % (raised, q(0.5), q(0.9), q(0.99), lat[-1]))
conn.request("GET", "/v1/metrics", headers=h)
m = conn.getresponse().read().decode()
est = [l for l in m.splitlines() if l.startswith("churnwatch_bytes_per_customer ")][0].split()[1]
cust = [l for l in m.splitlines() if l.startswith("churnwatch_customers ")][0].split()[1]
rss = [l for l in open("/proc/%s/status" % pid) if l.startswith("VmRSS")][0].split()[1]
print("memory: %s customers held; server RSS %.1f MiB = %.1f KiB per customer (whole process: model, reference "
      "table, buffers); the server's own estimate of per-customer state %.0f bytes" %
      (cust, int(rss) / 1024, int(rss) / int(cust), float(est)))
PY
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
{
  echo "churnwatch serve benchmarks"
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs; load average before $load_before, after $load_after"
  echo "build: $bin (release); data: Online Retail, server holds history before 2011-11-09 ($customers customers);"
  echo "server: 4 HTTP threads, SQLite store; start-up (load + score everyone) $(python3 -c "print(round($ready - $start, 2))") s"
  echo
  echo "1. customer 360° reads: wrk -t2 -c16 -d60s (random customers; each read also commits an audit row)"
  grep -E "Requests/sec|Non-2xx|Socket errors|requests in" "$work/wrk.txt" | sed 's/^/   /'
  sed -n '/Latency Distribution/,/99%/p' "$work/wrk.txt" | sed 's/^/   /'
  echo
  sed 's/^/2-4. /' "$work/intake.txt"
} >bench/results/serve.txt
cat bench/results/serve.txt
