#!/usr/bin/env bash
# `churnwatch simulate` speed on the release build: worlds of 20,000 and 100,000 customers
# written to a scratch folder; rows (transaction rows + events) per second of wall time.
# Writes bench/results/simulate.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${CHURNWATCH_BIN:-$PWD/build/release/churnwatch}"
[ -x "$bin" ] || { echo "build the release churnwatch first (cmake --preset release && cmake --build --preset release --target churnwatch)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out=bench/results/simulate.txt
mkdir -p bench/results
{
  echo "# churnwatch simulate — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# command: nice -n 10 churnwatch simulate --customers N --seed 1 --out DIR --json (release build)"
  for n in 20000 100000; do
    /usr/bin/time -f '%e %M' -o "$work/time" nice -n 10 "$bin" simulate --customers "$n" --seed 1 --out "$work/w$n" --json >"$work/s.json"
    read -r wall rss <"$work/time"
    python3 - "$work/s.json" "$n" "$wall" "$rss" "$(du -sm "$work/w$n" | cut -f1)" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
n, wall, rss, mb = int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
rows = s["transactions"] + s["events"]
print(f"{n:>7} customers: {s['transactions']:,} transaction rows + {s['events']:,} events = {rows:,} rows, {mb} MB, "
      f"{wall:.2f} s wall ({s['seconds']:.2f} s inside), {rows / max(s['seconds'], 1e-9) / 1e6:.2f} M rows/s, max RSS {rss // 1024} MB")
PY
    rm -rf "$work/w$n"
  done
} >"$out"
cat "$out"
