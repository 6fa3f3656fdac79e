#!/usr/bin/env bash
# What users feel: the wall time of the commands people wait for, with this
# build and (optionally) another one, e.g. the last release's, in the same
# rounds, and how the replications and sweep points scale from one job to
# two.
#
#   bench/users/run.sh [RINGBENCH [BEFORE]]     (default: build/ringbench)
#
# Measured, each as wall time and CPU time (user + sys, bench/lib/rusage.py):
#   plan-24h      ringbench plan PLAN (default tests/data/plan/day-24h.yaml,
#                 a 24-hour day in 48 half-hour intervals) --method model
#   plan-day      the same on scenarios/day.yaml (08:00-20:00, 24 intervals)
#   sweep-j1/j2   ringbench sweep SWEEP (default scenarios/day.yaml)
#                 --operators 1:10 --rate-scale 0.55:1.45:0.1: 100 points,
#                 --replications 10, --no-report, --jobs 1 and 2 (points at
#                 once), into a fresh folder each time (a sweep resumes)
#   model-j1/j2   ringbench model SWEEP --replications REPS (400) --calls none
#                 --jobs 1 and 2 (replications on threads)
# Scaling is the wall time at --jobs 1 over that at --jobs 2 (2.0 is
# perfect on 2 cores; a shared machine gives less: the load average before
# and after is in the result, and CPU time beside every wall time). Wall
# time is what users feel, so it is the headline here, unlike the other
# benchmarks; read it with the load.
#
# Environment: ROUNDS [3] (min/median/max over them; in each round every
# binary runs every command, in turn), PLAN, SWEEP, REPS,
# OUT [results/bench/users] (the JSON result: users-<UTC time>.json).
# Exit status: 0, or 3 when a command fails to run (exit status 2 or 3, or
# a signal; 0, 1 and 4 are verdicts: the command ran).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
after=$(readlink -f "${1:-$root/build/ringbench}")
before=${2:+$(readlink -f "$2")}
ROUNDS=${ROUNDS:-3}
PLAN=${PLAN:-$root/tests/data/plan/day-24h.yaml}
SWEEP=${SWEEP:-$root/scenarios/day.yaml}
REPS=${REPS:-400}
OUT=${OUT:-$root/results/bench/users}
rusage=$root/bench/lib/rusage.py

die() { echo "bench/users: $*" >&2; exit 3; }
[ -x "$after" ] || die "no ringbench at $after"
[ -z "$before" ] || [ -x "$before" ] || die "no ringbench at $before"
[ "$ROUNDS" -ge 1 ] || die "ROUNDS >= 1"
tmp=$(mktemp -d /tmp/rb-bench-users.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$OUT"

labels=(after)
bins=("$after")
if [ -n "$before" ]; then labels+=(before); bins+=("$before"); fi

# run LABEL BIN MEASURE ROUND CMD...: one timed run, a JSON line into runs
run() {
	local label=$1 bin=$2 what=$3 round=$4
	shift 4
	rm -rf "$tmp/out"
	local rc=0
	"$rusage" "$tmp/ru" "$bin" "$@" >"$tmp/log" 2>&1 || rc=$?
	if [ $rc -ne 0 ] && [ $rc -ne 1 ] && [ $rc -ne 4 ]; then
		tail -5 "$tmp/log" >&2
		die "$label $what failed (exit $rc): $bin $*"
	fi
	python3 - "$tmp/ru" "$label" "$what" "$round" "$rc" >>"$tmp/runs" <<'PY'
import json, sys
ru = json.load(open(sys.argv[1]))
print(json.dumps({"binary": sys.argv[2], "measure": sys.argv[3], "round": int(sys.argv[4]),
                  "exit": int(sys.argv[5]), "wall_s": ru["wall_s"], "cpu_s": ru["cpu_s"]}))
PY
	tail -1 "$tmp/runs" | python3 -c 'import json,sys; r=json.load(sys.stdin); print("  round %d %-6s %-9s wall %7.3f s  cpu %7.3f s" % (r["round"], r["binary"], r["measure"], r["wall_s"], r["cpu_s"]))'
}

echo "== plan: $PLAN and scenarios/day.yaml; sweep and model: $SWEEP; $ROUNDS rounds"
load0=$(cut -d' ' -f1-3 /proc/loadavg)
grid=(--operators 1:10 --rate-scale 0.55:1.45:0.1 --replications 10 --no-report)
for r in $(seq 1 "$ROUNDS"); do
	for i in "${!labels[@]}"; do
		l=${labels[$i]} b=${bins[$i]}
		run "$l" "$b" plan-24h "$r" plan "$PLAN" --method model --quiet --out "$tmp/out"
		run "$l" "$b" plan-day "$r" plan "$root/scenarios/day.yaml" --method model --quiet --out "$tmp/out"
		for j in 1 2; do
			run "$l" "$b" "sweep-j$j" "$r" sweep "$SWEEP" "${grid[@]}" --jobs $j --out "$tmp/out"
			run "$l" "$b" "model-j$j" "$r" model "$SWEEP" --replications "$REPS" --calls none \
				--jobs $j --quiet --out "$tmp/out"
		done
	done
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)

stamp=$(date -u +%Y%m%dT%H%M%SZ)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
python3 - "$tmp/runs" "$OUT/users-$stamp.json" "$load0" "$load1" "$after" "$before" "$PLAN" "$SWEEP" "$REPS" "$commit" <<'PY'
import json, os, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
def mmm(xs):
    return {"min": min(xs), "median": statistics.median(xs), "max": max(xs)}
bins = sorted({r["binary"] for r in runs})
measures = ["plan-24h", "plan-day", "sweep-j1", "sweep-j2", "model-j1", "model-j2"]
out = {"machine": {"cpus": os.cpu_count(), "load_before": sys.argv[3], "load_after": sys.argv[4]},
       "commit": sys.argv[10],
       "binaries": {"after": sys.argv[5], "before": sys.argv[6] or None},
       "commands": {"plan-24h": "plan %s --method model" % sys.argv[7],
                    "plan-day": "plan scenarios/day.yaml --method model",
                    "sweep-jJ": "sweep %s --operators 1:10 --rate-scale 0.55:1.45:0.1 --replications 10 --no-report --jobs J" % sys.argv[8],
                    "model-jJ": "model %s --replications %s --calls none --jobs J" % (sys.argv[8], sys.argv[9])},
       "runs": runs, "wall_s": {}, "cpu_s": {}, "scaling_1_to_2_jobs": {}, "after_over_before_wall": {}}
by = {(r["binary"], r["measure"], r["round"]): r for r in runs}
rounds = sorted({r["round"] for r in runs})
for b in bins:
    out["wall_s"][b] = {m: mmm([by[(b, m, k)]["wall_s"] for k in rounds]) for m in measures}
    out["cpu_s"][b] = {m: mmm([by[(b, m, k)]["cpu_s"] for k in rounds]) for m in measures}
    out["scaling_1_to_2_jobs"][b] = {
        w: mmm([by[(b, w + "-j1", k)]["wall_s"] / by[(b, w + "-j2", k)]["wall_s"] for k in rounds])
        for w in ("sweep", "model")}
if "before" in bins:
    out["after_over_before_wall"] = {
        m: mmm([by[("after", m, k)]["wall_s"] / by[("before", m, k)]["wall_s"] for k in rounds])
        for m in measures}
json.dump(out, open(sys.argv[2], "w"), indent=1)
print("\nwall time, s (min / median / max over %d rounds)" % len(rounds))
for m in measures:
    print("  %-9s " % m + "   ".join("%s %6.3f / %6.3f / %6.3f" % (b, *out["wall_s"][b][m].values()) for b in bins))
print("CPU time, s (median): " + "; ".join("%s %s" % (b, ", ".join("%s %.3f" % (m, out["cpu_s"][b][m]["median"]) for m in measures)) for b in bins))
print("load average before %s, after %s: wall times on a busy machine are that busy" % (sys.argv[3], sys.argv[4]))
print("scaling 1 -> 2 jobs (wall at 1 / wall at 2, median)")
for b in bins:
    print("  %-6s sweep %.2f   model %.2f" % (b, out["scaling_1_to_2_jobs"][b]["sweep"]["median"],
                                             out["scaling_1_to_2_jobs"][b]["model"]["median"]))
if out["after_over_before_wall"]:
    print("after / before, wall (median): " + ", ".join("%s %.2f" % (m, v["median"]) for m, v in out["after_over_before_wall"].items()))
print("result: %s" % sys.argv[2])
PY
