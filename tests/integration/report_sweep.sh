#!/bin/bash
# report_sweep: `ringbench sweep` of morning-burst over a small grid (both
# layouts, three no-answer delays), resumed (nothing recomputed), sharded in
# two and merged (the same tables), and its report loaded in headless
# Chromium with every image; screenshot kept under BUILD/test-artifacts/.
#   report_sweep.sh RINGBENCH SOURCE_DIR BUILD_DIR
set -u
RB=$1 SRC=$2 BUILD=$3
. "$SRC/tests/integration/report_lib.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
ART=$BUILD/test-artifacts
SCN=$SRC/scenarios/morning-burst.yaml
GRID=(--operators 10:24:2 --backup 0:2:2 --no-answer-s 0:20:10 --layout pooled,floors --replications 3)

"$RB" sweep "$SCN" "${GRID[@]}" --out "$T/sw" >"$T/out" 2>"$T/err" || { cat "$T/err"; echo "FAIL: sweep exit $?"; exit 1; }
n=$(ls "$T/sw/points" | wc -l)
[ "$n" -eq 96 ] || { echo "FAIL: expected 96 point files, got $n"; exit 1; }
[ "$(wc -l <"$T/sw/sweep.csv")" -eq 97 ] || { echo "FAIL: sweep.csv rows"; exit 1; }
head -1 "$T/sw/staffing.csv" | grep -q '^rate_scale,target,phase,min_operators,min_backup,pass_operators,pass_backup,occupancy,abandon_fraction,wait_mean_s' ||
	{ echo "FAIL: staffing.csv columns"; exit 1; }
grep -q 'progress\|/96' "$T/err" || { echo "FAIL: no progress lines"; exit 1; }
# resume: nothing left to compute
"$RB" sweep "$SCN" "${GRID[@]}" --out "$T/sw" --no-report 2>"$T/err2" >/dev/null || { echo "FAIL: resume exit"; exit 1; }
grep -q '0 points to compute (96 already done' "$T/err2" || { cat "$T/err2"; echo "FAIL: resume recomputed"; exit 1; }
# shards and merge give the same tables
"$RB" sweep "$SCN" "${GRID[@]}" --shard 1/2 --out "$T/s1" --no-report --quiet || { echo "FAIL: shard 1"; exit 1; }
"$RB" sweep "$SCN" "${GRID[@]}" --shard 2/2 --out "$T/s2" --no-report --quiet || { echo "FAIL: shard 2"; exit 1; }
[ "$(ls "$T/s1/points" | wc -l)" -eq 48 ] || { echo "FAIL: shard 1 size"; exit 1; }
"$RB" sweep --merge "$T/s1" "$T/s2" --out "$T/m" --no-report --quiet || { echo "FAIL: merge"; exit 1; }
cmp "$T/sw/sweep.csv" "$T/m/sweep.csv" || { echo "FAIL: merged sweep.csv differs"; exit 1; }
cmp "$T/sw/staffing.csv" "$T/m/staffing.csv" || { echo "FAIL: merged staffing.csv differs"; exit 1; }
for p in sweep_sla sweep_abandon sweep_occupancy sweep_noanswer sweep_layout sweep_target1; do
	[ -s "$T/sw/report/$p.png" ] && [ -s "$T/sw/report/$p.gp" ] && [ -s "$T/sw/report/$p.dat" ] ||
		{ echo "FAIL: missing $p"; exit 1; }
done
page_check "$T/sw/report/index.html" report_sweep "$ART" || exit 1
# a phase's target (target 1: normal:3:0.95) gets Erlang A at that phase's own
# load (erlang_phases.csv), the whole-run abandon target (3) the run's mean load
grep -q "Erlang A at normal's load" "$T/sw/report/sweep_target1.gp" || { echo "FAIL: target 1: no Erlang A at normal's load"; exit 1; }
grep -q "at normal's own load" "$T/sw/report/sweep_target1.dat" || { echo "FAIL: target 1's data: not at normal's load"; exit 1; }
grep -q 'title "Erlang A"' "$T/sw/report/sweep_target3.gp" || { echo "FAIL: target 3: no Erlang A at the mean load"; exit 1; }
# the shards merged keep the limit runs: the abandon target is unreachable
# (the same run but for its command line)
cmp <(grep -v '"command"' "$T/sw/limits/r1.0000-na0.000-pooled.json") \
	<(grep -v '"command"' "$T/m/limits/r1.0000-na0.000-pooled.json") >/dev/null ||
	{ echo "FAIL: merged limits differ"; exit 1; }
grep -q 'unreachable by staffing' "$T/sw/staffing.csv" || { echo "FAIL: no unreachable target in staffing.csv"; exit 1; }
# at another load, the page says that load, not the scenario's (rate scale 1)
"$RB" sweep "$SCN" --operators 10:14:2 --backup 0 --rate-scale 1.5 --replications 2 --out "$T/rs" --quiet >/dev/null 2>&1 ||
	{ echo "FAIL: sweep --rate-scale 1.5"; exit 1; }
grep -q 'rate scale 1.5' "$T/rs/report/index.html" || { echo "FAIL: the page does not say rate scale 1.5"; exit 1; }
! grep -Eq 'rate scale 1[^.0-9]' "$T/rs/report/index.html" || { echo "FAIL: the page says rate scale 1 at 1.5"; exit 1; }
page_check "$T/rs/report/index.html" report_sweep_rate "$ART" || exit 1
echo PASS
