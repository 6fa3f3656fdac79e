#!/usr/bin/env bash
# The model's speed benchmark (the model's "Fast" figure): the M/M/n+M case of
# bench/model/mmnm.yaml (2 calls/s, exponential talk mean 120 s and patience
# mean 60 s, 250 operators) through the general engine (`ringbench model`,
# no special path), against a plain Python heapq event loop of the same model
# (heap_model.py) and Debian's SimPy 2 (simpy_model.py), measured in the same
# run. Prints calls simulated per CPU second for each and the ratios, and the
# peak RSS of ringbench at 1M and 10M calls (memory stays flat).
#
#   bench/model/run.sh [RINGBENCH]      (default: build/ringbench)
#
# Environment: CALLS (ringbench, default 10000000: the phase of mmnm.yaml),
# PY_CALLS (heapq loop, default 1000000), SIMPY_CALLS (default 100000).
# Rates are per CPU second (user + sys), so a busy machine slows the wall
# clock but not the figures much; each is the best of ROUNDS (default 3)
# runs, ringbench and the heapq loop in turns. One core: --jobs 1.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rb=${1:-$root/build/ringbench}
PY_CALLS=${PY_CALLS:-1000000}
SIMPY_CALLS=${SIMPY_CALLS:-100000}
[ -x "$rb" ] || { echo "run.sh: no ringbench at $rb (build it, or give its path)" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "run.sh: needs /usr/bin/time (Debian: time)" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A copy of mmnm.yaml whose one phase lasts seconds long enough for n calls at 2/s.
scenario_for() {
	local n=$1 out=$2
	sed "s/duration_s: 5000000/duration_s: $((n / 2))/" "$here/mmnm.yaml" >"$out"
}

# Runs ringbench on n calls; prints "calls cpu_seconds max_rss_kb".
run_rb() {
	local n=$1 y="$tmp/mmnm-$1.yaml"
	scenario_for "$n" "$y"
	/usr/bin/time -f '%U %S %M' -o "$tmp/time" \
		"$rb" model "$y" --out "$tmp/out-$n" --calls none --jobs 1 --seed 1 --quiet || [ $? -le 1 ]
	local calls
	calls=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["overall"]["dialled"])' "$tmp/out-$n/summary.json")
	read -r u s m <"$tmp/time"
	echo "$calls $(echo "$u + $s" | bc -l) $m"
}

echo "ringbench model benchmark: M/M/n+M, 2 calls/s, talk 120 s, patience 60 s, 250 operators"
echo "machine: $(nproc) CPUs, $(uname -m); ringbench: $rb"
echo

# Best of ROUNDS (default 3) for ringbench and the heapq loop, taken in
# turns, so that a neighbour's burst of work on a shared machine does not
# decide the ratio. SimPy, 200 times slower, runs once.
ROUNDS=${ROUNDS:-3}
rb_cpu=
py=
for _ in $(seq "$ROUNDS"); do
	read -r c t m < <(run_rb "${CALLS:-10000000}")
	if [ -z "$rb_cpu" ] || [ "$(echo "$t < $rb_cpu" | bc -l)" = 1 ]; then
		rb_calls=$c rb_cpu=$t
	fi
	rb_rss=$m
	p=$(/usr/bin/python3 "$here/heap_model.py" "$PY_CALLS")
	pr=$(echo "$p" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["calls_per_s"])')
	if [ -z "$py" ] || [ "$pr" -gt "$py_rate" ]; then
		py=$p py_rate=$pr
	fi
done
rb_rate=$(echo "$rb_calls / $rb_cpu" | bc -l)
read -r rb1_calls rb1_cpu rb1_rss < <(run_rb 1000000)
sp=$(/usr/bin/python3 "$here/simpy_model.py" "$SIMPY_CALLS")
sp_rate=$(echo "$sp" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["calls_per_s"])')

printf '%-28s %12s %10s %14s\n' engine calls cpu_s calls/s
printf '%-28s %12d %10.2f %14.0f\n' "ringbench model (C)" "$rb_calls" "$rb_cpu" "$rb_rate"
printf '%-28s %12d %10s %14.0f\n' "python heapq loop" "$PY_CALLS" "$(echo "$py" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["cpu_s"])')" "$py_rate"
printf '%-28s %12d %10s %14.0f\n' "SimPy 2 (Debian)" "$SIMPY_CALLS" "$(echo "$sp" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["cpu_s"])')" "$sp_rate"
echo
printf 'ratio ringbench / python heapq: %.1fx   (target >= 10x, goal 20x)\n' "$(echo "$rb_rate / $py_rate" | bc -l)"
printf 'ratio ringbench / SimPy 2:      %.0fx\n' "$(echo "$rb_rate / $sp_rate" | bc -l)"
echo
echo "peak RSS of ringbench (flat in the number of calls):"
printf '  %10d calls: %8d KB\n' "$rb1_calls" "$rb1_rss"
printf '  %10d calls: %8d KB\n' "$rb_calls" "$rb_rss"
echo
echo "cross-check (fraction answered within 3 rings, abandoned):"
/usr/bin/python3 - "$tmp/out-${CALLS:-10000000}/summary.json" <<'EOF'
import json, sys
o = json.load(open(sys.argv[1]))["overall"]
print(f"  ringbench:    answered_within[3] {o['answered_within']['3']:.4f}, abandoned {o['abandon_fraction']:.4f}")
EOF
for j in "$py" "$sp"; do
	echo "$j" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print("  %-13s answered_within[3] %.4f, abandoned %.4f" % (d["engine"] + ":", d["answered_within_3"], d["abandoned"] / d["calls"]))'
done
