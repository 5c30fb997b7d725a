#!/usr/bin/env bash
# CLV benchmarks (bench/clv/bench_clv.cc) on the release build; writes bench/results/clv.txt
# with the times and the ratio against the issue's reference figure for Python lifetimes
# (1.6 s to fit BG/NBD on 10^5 customers). lifetimes is not installable here (no pip), so
# that figure is quoted from the issue, not measured in this run.
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${CHURNWATCH_BUILD:-$PWD/build/release}"
bin="$build/bench/clv/bench_clv"
if [ ! -x "$bin" ]; then
  cmake -S . -B "$build" -DCHURNWATCH_BUILD_BENCHMARKS=ON >/dev/null
  cmake --build "$build" -j2 --target bench_clv >/dev/null
fi
mkdir -p bench/results
out=bench/results/clv.txt
raw=$(mktemp)
trap 'rm -f "$raw"' EXIT
export CW_LOADAVG="$(cut -d' ' -f1-3 /proc/loadavg)"
CW_BUILD_TYPE="$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt" 2>/dev/null)"
export CW_BUILD_TYPE
"$bin" --benchmark_format=json >"$raw"
python3 - "$raw" >"$out" <<'PY'
import json, os, sys, datetime
data = json.load(open(sys.argv[1]))
ctx = data["context"]
rows = {b["name"]: b for b in data["benchmarks"]}
def ms(name, field="real_time"):
    b = rows.get(name)
    return None if b is None or b.get("error_occurred") else b[field]  # milliseconds
print("churnwatch clv benchmarks")
print("date:", datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"))
print("host: %d CPUs at %s MHz; churnwatch build type %s (the Google Benchmark library itself reports %s)" % (ctx.get("num_cpus", 0), ctx.get("mhz_per_cpu", "?"), os.environ.get("CW_BUILD_TYPE", "?"), ctx.get("library_build_type", "?")))
print("simulated customers: CDNOW-like BG/NBD (r=0.25, alpha=4.4, a=0.8, b=2.4, weeks), daily-resolution")
print("histories, T uniform in 26..52 weeks; 'continuous' = no two histories identical (worst case).")
print()
print("%-44s %12s %12s   %s" % ("benchmark", "wall (ms)", "cpu (ms)", "counters"))
for b in data["benchmarks"]:
    counters = {k: v for k, v in b.items() if k in ("customers", "distinct_histories")}
    extra = " ".join("%s=%d" % (k, v) for k, v in counters.items())
    if b.get("error_occurred"):
        print("%-44s %12s %12s   %s" % (b["name"], "error", "", b.get("error_message", "")))
    else:
        print("%-44s %12.2f %12.2f   %s" % (b["name"], b["real_time"], b["cpu_time"], extra))
print()
print("wall = elapsed time; cpu = CPU time of the benchmark's main thread (the two differ when the")
print("machine is shared: the load average at the start of this run is given below).")
print()
ref = 1600.0  # ms, Python lifetimes, BG/NBD fit on 10^5 customers (issue 4; not measured here)
print("load average at start: %s" % os.environ.get("CW_LOADAVG", "?"))
ours = ms("BM_FitBgNbd/100000/iterations:3")
cont = ms("BM_FitBgNbdContinuous/100000/iterations:3")
big = ms("BM_FitBgNbd/10000000/iterations:3")
pred = ms("BM_Predict/10000000/0/2/iterations:3")
print("reference: lifetimes fits BG/NBD on 10^5 customers in 1.6 s (figure from the issue, NOT measured in this run)")
ours_cpu = ms("BM_FitBgNbd/100000/iterations:3", "cpu_time")
cont_cpu = ms("BM_FitBgNbdContinuous/100000/iterations:3", "cpu_time")
if ours: print("fit 10^5 (daily histories):     wall %.1f ms -> %.0fx, CPU %.1f ms -> %.0fx faster than the reference (target >= 50x)" % (ours, ref / ours, ours_cpu, ref / ours_cpu))
if cont: print("fit 10^5 (continuous, no reuse): wall %.1f ms -> %.0fx, CPU %.1f ms -> %.0fx faster than the reference" % (cont, ref / cont, cont_cpu, ref / cont_cpu))
if big: print("fit 10^7: wall %.2f s (target < 5 s): %s" % (big / 1000, "met" if big < 5000 else "NOT met"))
if pred: print("P(alive) + E[X] + P(purchase) for 10^7 customers, 2 threads: wall %.2f s" % (pred / 1000))
PY
cat "$out"
