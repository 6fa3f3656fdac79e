#!/usr/bin/env bash
# The model's speed benchmark: how close `ringbench model` (the general
# engine: event queue, dispatcher, summary and result files, no special path)
# comes to the floor, the fastest plain program of the same model, and how
# far ahead it is of a Python heapq loop and of SimPy. The model is
# bench/model/mmnm.yaml, M/M/n+M; its parameters (rate, talk, patience,
# operators, ring period) are read from that file and given to every peer.
#
#   bench/model/run.sh [RINGBENCH]        (default: build/ringbench)
#
# Environment (defaults in brackets):
#   CALLS [1000000]       calls for every peer in every round
#   SIMPY_CALLS [CALLS]   SimPy's calls (it is ~200x slower; lower it while
#                         developing)
#   ROUNDS [3]            rounds; in each, every peer runs once, in turn
#   BIG_CALLS [10000000]  the extra ringbench run for peak RSS (0: skip)
#   NOISE_SEEDS [20]      floor runs (seeds 1..N) measuring the noise
#   OUT [results/bench/model]   where the JSON result goes
#
# Peers, all on one core, all measured the same way (CPU time, user + sys,
# of the whole process, from the kernel's rusage with µs resolution:
# bench/lib/rusage.py):
#   ringbench   `ringbench model --calls none --jobs 1`, phase of CALLS/rate s
#   floor       floor.c (cc -O2): binary heap of operator free times
#   floor-rv    floor_rv.c: the floor with ringbench's variate code (core/rv.c)
#   heapq       heap_model.py, a plain Python event loop on heapq
#   simpy       simpy_model.py, Debian's SimPy 2 (/usr/bin/python3)
# Ratios are taken within a round (peers measured minutes apart on a shared
# machine are not compared), then min/median/max over the rounds.
#
# Checks, any failing one makes the exit status 1 (3 if a peer fails to run):
#   - every peer simulated the load asked for: CALLS calls exactly (ringbench
#     runs a phase of CALLS/rate seconds, so its count is Poisson: within
#     5 sqrt(CALLS)); the floor's arrivals span CALLS/rate s within 5 sigma;
#   - every engine's fraction answered within 3 rings and abandoned fraction
#     agree with exact Erlang A (`ringbench erlang`) within 4 standard
#     deviations of one run of that size, the standard deviation measured here
#     from NOISE_SEEDS floor runs of CALLS calls (scaled by sqrt for other
#     sizes); the floor's mean over those runs within 4 standard errors.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rb=${1:-$root/build/ringbench}
CALLS=${CALLS:-1000000}
SIMPY_CALLS=${SIMPY_CALLS:-$CALLS}
ROUNDS=${ROUNDS:-3}
BIG_CALLS=${BIG_CALLS:-10000000}
NOISE_SEEDS=${NOISE_SEEDS:-20}
OUT=${OUT:-$root/results/bench/model}
rusage=$root/bench/lib/rusage.py
PY=/usr/bin/python3 # Debian's python modules (SimPy) import only here

die() { echo "bench/model: $*" >&2; exit 3; }
[ -x "$rb" ] || die "no ringbench at $rb (build it, or give its path)"
[ -x /usr/bin/time ] || die "needs /usr/bin/time (Debian: time)"
$PY -c 'import SimPy.Simulation' 2>/dev/null || die "needs Debian's python3-simpy"
[ "$ROUNDS" -ge 1 ] && [ "$CALLS" -ge 1000 ] || die "ROUNDS >= 1 and CALLS >= 1000"

tmp=$(mktemp -d /tmp/rb-bench-model.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# The model's parameters, from mmnm.yaml (the one phase's rate, the
# exponential talk and patience means, the operators, the ring period).
yaml_get() { # KEY-PATTERN SED-EXPR
	local v
	v=$(sed -n "$1" "$here/mmnm.yaml" | head -1)
	[ -n "$v" ] || die "cannot read $2 from mmnm.yaml"
	echo "$v"
}
RATE_MIN=$(yaml_get 's/.*rate_per_min: *\([0-9.]*\).*/\1/p' rate_per_min)
TALK=$(yaml_get 's/.*talk_s: *{exponential: *\([0-9.]*\)}.*/\1/p' talk_s)
PATIENCE=$(yaml_get 's/.*patience_s: *{exponential: *\([0-9.]*\)}.*/\1/p' patience_s)
OPS=$(yaml_get 's/^ *operators: *\([0-9]*\).*/\1/p' operators)
PERIOD=$(yaml_get 's/^ring_period_s: *\([0-9.]*\).*/\1/p' ring_period_s)
RATE=$(echo "$RATE_MIN / 60" | bc -l)
grep -q 'duration_s: 5000000' "$here/mmnm.yaml" || die "mmnm.yaml's phase is not the 5000000 s this script rewrites"
model_args=(--rate "$RATE" --talk "$TALK" --patience "$PATIENCE" --operators "$OPS")
floor_args=("${model_args[@]}" --ring-period "$PERIOD" --rings 3)

echo "== building the floor programs (cc -O2)"
cc -std=c11 -O2 -Wall -Wextra -Werror -o "$tmp/floor" "$here/floor.c" -lm
cc -std=c11 -O2 -Wall -Wextra -Werror -I"$root/core" -o "$tmp/floor_rv" "$here/floor_rv.c" \
	"$root/core/rv.c" $(pkg-config --cflags --libs gsl) -lm

# A copy of mmnm.yaml whose phase is long enough for n calls at RATE.
scenario_for() {
	local secs
	secs=$(echo "$1 / $RATE" | bc)
	sed "s/duration_s: 5000000/duration_s: $secs/" "$here/mmnm.yaml" >"$2"
}

# run ENGINE CALLS ROUND: runs one peer, appends one JSON line to $tmp/runs.
run() {
	local eng=$1 n=$2 round=$3 out="$tmp/$1.out" st=0
	case $eng in
	ringbench)
		scenario_for "$n" "$tmp/mmnm.yaml"
		rm -rf "$tmp/rb"
		"$rusage" "$tmp/ru" "$rb" model "$tmp/mmnm.yaml" --out "$tmp/rb" --calls none \
			--jobs 1 --seed 1 --quiet >"$out" 2>&1 || st=$?
		# 1: a target missed; the verdict is not this benchmark's business
		[ "$st" -le 1 ] || { cat "$out" >&2; die "ringbench model failed (status $st)"; }
		[ -s "$tmp/rb/summary.json" ] || die "ringbench wrote no summary.json"
		$PY - "$tmp/rb/summary.json" >"$out" <<-'EOF'
			import json, sys
			o = json.load(open(sys.argv[1]))["overall"]
			print(json.dumps({"calls": o["offered"], "answered": o["answered"],
			                  "abandoned": o["abandoned"],
			                  "answered_within_3": o["answered_within"]["3"]}))
		EOF
		;;
	floor | floor_rv)
		"$rusage" "$tmp/ru" "$tmp/$eng" "$n" "${floor_args[@]}" >"$out" ||
			{ cat "$out" >&2; die "$eng failed"; } ;;
	heapq)
		"$rusage" "$tmp/ru" $PY "$here/heap_model.py" "$n" "${model_args[@]}" >"$out" ||
			{ cat "$out" >&2; die "heap_model.py failed"; } ;;
	simpy)
		"$rusage" "$tmp/ru" $PY "$here/simpy_model.py" "$n" "${model_args[@]}" >"$out" ||
			{ cat "$out" >&2; die "simpy_model.py failed"; } ;;
	esac
	$PY - "$eng" "$n" "$round" "$out" "$tmp/ru" >>"$tmp/runs" <<-'EOF'
		import json, sys
		eng, n, rnd, out, ru = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
		r = json.loads(open(out).read().strip().splitlines()[-1])
		cpu = json.load(open(ru))["cpu_s"]
		print(json.dumps({"engine": eng, "round": rnd, "asked": n, "calls": r["calls"],
		                  "cpu_s": cpu, "calls_per_cpu_s": r["calls"] / cpu,
		                  "answered_within_3": r["answered_within_3"],
		                  "abandon_fraction": r["abandoned"] / r["calls"],
		                  "sim_end_s": r.get("sim_end_s")}))
	EOF
	tail -1 "$tmp/runs" | $PY -c 'import json,sys; r=json.load(sys.stdin); print("  round %d %-10s %9d calls %8.3f s cpu %12.0f calls/cpu s" % (r["round"], r["engine"], r["calls"], r["cpu_s"], r["calls_per_cpu_s"]))'
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== model: $RATE_MIN calls/min, talk $TALK s, patience $PATIENCE s, $OPS operators, ring $PERIOD s"
echo "== $ROUNDS rounds of $CALLS calls (SimPy $SIMPY_CALLS); load average $load_before"
: >"$tmp/runs"
for r in $(seq "$ROUNDS"); do
	for eng in ringbench floor floor_rv heapq; do run $eng "$CALLS" "$r"; done
	run simpy "$SIMPY_CALLS" "$r"
done

echo "== noise: the floor with seeds 1..$NOISE_SEEDS at $CALLS calls"
: >"$tmp/noise"
for s in $(seq "$NOISE_SEEDS"); do
	"$tmp/floor" "$CALLS" "${floor_args[@]}" --seed "$s" >>"$tmp/noise" || die "floor failed"
done

echo "== peak RSS of ringbench (/usr/bin/time)"
rss_run() { # CALLS: prints "offered maxrss_kb"
	scenario_for "$1" "$tmp/big.yaml"
	rm -rf "$tmp/rb"
	local st=0
	/usr/bin/time -f '%M' -o "$tmp/rss" "$rb" model "$tmp/big.yaml" --out "$tmp/rb" --calls none \
		--jobs 1 --seed 1 --quiet >/dev/null 2>&1 || st=$?
	[ "$st" -le 1 ] || die "ringbench model failed on $1 calls (status $st)"
	echo "$($PY -c 'import json,sys; o=json.load(open(sys.argv[1]))["overall"]; print(o["offered"], o["answered_within"]["3"], o["abandoned"] / o["offered"])' "$tmp/rb/summary.json") $(tail -1 "$tmp/rss")"
}
rss_small=$(rss_run "$CALLS")
rss_big=
[ "$BIG_CALLS" -gt 0 ] && rss_big=$(rss_run "$BIG_CALLS")

"$rb" erlang --rate-per-min "$RATE_MIN" --talk-s "$TALK" --patience-s "$PATIENCE" \
	--operators "$OPS" --ring-period-s "$PERIOD" --rings 3 >"$tmp/erlang.json" ||
	die "ringbench erlang failed"

mkdir -p "$OUT"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
$PY - "$tmp" "$OUT/model-$stamp.json" "$CALLS" "$RATE" "$rss_small" "$rss_big" "$BIG_CALLS" \
	"$load_before" "$load_after" "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)" <<'EOF'
import json, math, os, statistics, sys
tmp, dest, calls, rate = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
rss_small, rss_big, big_calls = sys.argv[5].split(), sys.argv[6].split(), int(sys.argv[7])
runs = [json.loads(l) for l in open(os.path.join(tmp, "runs"))]
noise = [json.loads(l) for l in open(os.path.join(tmp, "noise"))]
exact = json.load(open(os.path.join(tmp, "erlang.json")))
ex_w3, ex_ab = exact["answered_within"]["3"], exact["p_abandon"]
failures = []

def mmm(v):
    return {"min": min(v), "median": statistics.median(v), "max": max(v)}

# The noise of one run of `calls` calls, measured on the floor's seeds.
sd_w3 = statistics.stdev(r["answered_within_3"] for r in noise)
sd_ab = statistics.stdev(r["abandon_fraction"] for r in noise)
def tol(sd, n):  # 4 sd of one run of n calls (sd scales as 1/sqrt(n))
    return 4 * sd * math.sqrt(calls / n)
checks = []
def check(what, got, want, tolerance):
    ok = abs(got - want) <= tolerance
    checks.append({"what": what, "got": got, "exact": want, "tolerance": tolerance, "ok": ok})
    if not ok:
        failures.append("%s: %.5f, exact %.5f, tolerance %.5f" % (what, got, want, tolerance))
m_w3 = statistics.mean(r["answered_within_3"] for r in noise)
m_ab = statistics.mean(r["abandon_fraction"] for r in noise)
k = len(noise)
check("floor mean of %d seeds, within 3 rings" % k, m_w3, ex_w3, 4 * sd_w3 / math.sqrt(k))
check("floor mean of %d seeds, abandoned" % k, m_ab, ex_ab, 4 * sd_ab / math.sqrt(k))

engines = ["ringbench", "floor", "floor_rv", "heapq", "simpy"]
for e in engines:
    r = [x for x in runs if x["engine"] == e][0]  # same seed every round
    n = r["calls"]
    check(e + ", within 3 rings", r["answered_within_3"], ex_w3, tol(sd_w3, n))
    check(e + ", abandoned", r["abandon_fraction"], ex_ab, tol(sd_ab, n))
if rss_big:
    check("ringbench %d calls, within 3 rings" % int(rss_big[0]), float(rss_big[1]), ex_w3, tol(sd_w3, int(rss_big[0])))
    check("ringbench %d calls, abandoned" % int(rss_big[0]), float(rss_big[2]), ex_ab, tol(sd_ab, int(rss_big[0])))

# The load asked for was the load simulated.
for x in runs:
    if x["engine"] == "ringbench":
        if abs(x["calls"] - x["asked"]) > 5 * math.sqrt(x["asked"]):
            failures.append("ringbench simulated %d calls for %d asked" % (x["calls"], x["asked"]))
    elif x["calls"] != x["asked"]:
        failures.append("%s simulated %d calls for %d asked" % (x["engine"], x["calls"], x["asked"]))
    if x["sim_end_s"]:
        want = x["calls"] / rate
        if abs(x["sim_end_s"] - want) > 5 * math.sqrt(x["calls"]) / rate:
            failures.append("%s: %d arrivals spanned %.0f s, not %.0f s" % (x["engine"], x["calls"], x["sim_end_s"], want))

rounds = sorted({x["round"] for x in runs})
rate_of = {(x["engine"], x["round"]): x["calls_per_cpu_s"] for x in runs}
rates = {e: mmm([rate_of[e, r] for r in rounds]) for e in engines}
ratio_defs = [("ringbench share of the floor", "ringbench", "floor"),
              ("ringbench share of floor-rv", "ringbench", "floor_rv"),
              ("floor-rv share of the floor (variates' cost)", "floor_rv", "floor"),
              ("ringbench x heapq loop", "ringbench", "heapq"),
              ("ringbench x SimPy", "ringbench", "simpy")]
ratios = {name: mmm([rate_of[a, r] / rate_of[b, r] for r in rounds]) for name, a, b in ratio_defs}

print()
print("%-12s %14s %14s %14s   (calls per CPU second, %d rounds)" % ("engine", "min", "median", "max", len(rounds)))
for e in engines:
    v = rates[e]
    print("%-12s %14.0f %14.0f %14.0f" % (e, v["min"], v["median"], v["max"]))
print()
print("%-46s %8s %8s %8s" % ("ratio (same round)", "min", "median", "max"))
for name, _, _ in ratio_defs:
    v = ratios[name]
    print("%-46s %8.3f %8.3f %8.3f" % (name, v["min"], v["median"], v["max"]))
print()
print("peak RSS of ringbench: %s calls %.1f MB" % (rss_small[0], int(rss_small[3]) / 1024), end="")
print(", %s calls %.1f MB" % (rss_big[0], int(rss_big[3]) / 1024) if rss_big else "")
print()
print("answers against exact Erlang A (within 3 rings %.5f, abandoned %.5f);" % (ex_w3, ex_ab))
print("tolerance 4 sd of one run, sd measured on %d floor seeds of %d calls: %.5f, %.5f" % (k, calls, sd_w3, sd_ab))
for c in checks:
    print("  %-46s %.5f  exact %.5f  +-%.5f  %s" % (c["what"], c["got"], c["exact"], c["tolerance"], "ok" if c["ok"] else "FAIL"))
doc = {"benchmark": "model", "date_utc": os.path.basename(dest)[6:-5], "commit": sys.argv[10],
       "machine": {"cpus": os.cpu_count(), "load_before": sys.argv[8], "load_after": sys.argv[9]},
       "calls": calls, "rounds": len(rounds), "runs": runs,
       "calls_per_cpu_s": rates, "ratios": ratios,
       "peak_rss_kb": {rss_small[0]: int(rss_small[3]), **({rss_big[0]: int(rss_big[3])} if rss_big else {})},
       "erlang_a": {"answered_within_3": ex_w3, "abandon_fraction": ex_ab},
       "noise": {"seeds": k, "calls": calls, "sd_answered_within_3": sd_w3, "sd_abandon_fraction": sd_ab},
       "checks": checks, "failures": failures, "ok": not failures}
with open(dest, "w") as f:
    json.dump(doc, f, indent=1)
print("\nresult: " + dest)
if failures:
    print("FAILED:\n  " + "\n  ".join(failures), file=sys.stderr)
    sys.exit(1)
EOF
