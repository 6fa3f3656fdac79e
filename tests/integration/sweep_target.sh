#!/bin/bash
# sweep_target: `ringbench sweep --target peak:5:0.9` on morning-burst, its
# staffing table checked against separate `ringbench model` runs.
#   sweep_target.sh RINGBENCH SOURCE_DIR BUILD_DIR
#
# The table's measured-value answer N (min_operators, min_backup B) must be
# right: the scenario written with N operators all day (the peak's own shift
# replaced, as the sweep does) and B backup staff meets the peak's 5-ring sla
# of 0.9 in `ringbench model --replications 20`, and with N-1 it does not.
# The interval answer P (pass_operators) must pass: at P the target's
# "result" is "pass", at P-1 it is not. Also: a phase-less 5:0.9 is judged
# over the whole run AND in each phase, and its peak row agrees with
# peak:5:0.9 (the whole-run figure alone hid the peak: the bug this guards);
# bad targets are refused with exit 2 and say why.
set -u
RB=$1 SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
SCN=$SRC/scenarios/morning-burst.yaml
PY=/usr/bin/python3
fail() { echo "FAIL: $*"; exit 1; }

"$RB" sweep "$SCN" --operators 20:32 --target peak:5:0.9 --target 5:0.9 --replications 20 \
	--jobs 2 --no-report --out "$T/sw" >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "sweep exit $?"; }
grep -q 'has no phase: judged over the whole run' "$T/err" || fail "no note for the phase-less 5:0.9"
grep -q 'peak:5:0.9 *peak ' "$T/out" || { cat "$T/out"; fail "the printed table has no peak row"; }

# row "target" of staffing.csv as shell variables: PHASE MIN_O MIN_B PASS_O PASS_B
row() {
	$PY - "$T/sw/staffing.csv" "$1" <<'PY'
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    if r["target"] == sys.argv[2] and r["rate_scale"] == "1":
        print("PHASE='%s' MIN_O='%s' MIN_B='%s' PASS_O='%s' PASS_B='%s'" % (
            r["phase"], r["min_operators"], r["min_backup"], r["pass_operators"], r["pass_backup"]))
        break
PY
}
eval "$(row 5:0.9)"
[ "$PHASE" = "(whole run)" ] || fail "5:0.9 judged over '$PHASE', expected (whole run)"
WHOLE=$MIN_O
eval "$(row peak:5:0.9)"
[ "$PHASE" = peak ] || fail "peak:5:0.9 judged over '$PHASE'"
[ -n "$MIN_O" ] && [ -n "$PASS_O" ] || fail "peak:5:0.9 not met in 20:32 (min '$MIN_O', pass '$PASS_O')"
[ "$MIN_O" -gt 20 ] && [ "$PASS_O" -gt 20 ] || fail "met at the grid's least operators: widen the range"
[ "$MIN_O" -gt "$WHOLE" ] || fail "the peak needs $MIN_O, the whole run $WHOLE: expected the peak to need more"
[ "$(grep -c '^1,"peak:5:0.9"' "$T/sw/staffing.csv")" -eq 1 ] || fail "peak:5:0.9 given twice (once by 5:0.9) must be one row"

# morning-burst with N operators all day, B backup, the one target peak:5:0.9
variant() {
	local n=$1 b=$2 out=$3
	sed -e "s/^  operators: 12$/  operators: $n/" \
	    -e "s/operators: 14,/operators: $n,/" \
	    -e "s/backup: {staff: 3,/backup: {staff: $b,/" \
	    -e '/^targets:/,/^run:/{/^targets:/!{/^run:/!d}}' \
	    -e 's/^targets:$/targets:\n  - {phase: peak, rings: 5, min: 0.9}/' "$SCN" >"$out"
	grep -q "^  operators: $n$" "$out" && grep -q "operators: $n," "$out" &&
		grep -q "staff: $b," "$out" || fail "could not write the scenario variant for $n+$b"
}
# peak sla within 5 rings and the target's result, from a model run
model() {
	local n=$1 b=$2
	variant "$n" "$b" "$T/v$n-$b.yaml"
	"$RB" model "$T/v$n-$b.yaml" --replications 20 --jobs 2 --calls none --quiet \
		--out "$T/m$n-$b" >/dev/null 2>"$T/merr"
	[ -s "$T/m$n-$b/summary.json" ] || { cat "$T/merr"; fail "model $n+$b wrote no summary"; }
	$PY - "$T/m$n-$b/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
t = s["targets"][0]
assert t["phase"] == "peak" and t["rings"] == 5, t
print(s["phases"]["peak"]["sla"]["5"], t["result"])
PY
}
read -r SLA_N RES_N <<<"$(model "$MIN_O" "$MIN_B")"
read -r SLA_N1 RES_N1 <<<"$(model $((MIN_O - 1)) "$MIN_B")"
echo "measured-value answer: $MIN_O+$MIN_B; peak sla[5] at $MIN_O: $SLA_N, at $((MIN_O - 1)): $SLA_N1"
$PY -c "import sys; sys.exit(0 if $SLA_N >= 0.9 else 1)" || fail "at $MIN_O the peak's sla[5] $SLA_N < 0.9"
$PY -c "import sys; sys.exit(0 if $SLA_N1 < 0.9 else 1)" || fail "at $((MIN_O - 1)) the peak's sla[5] $SLA_N1 >= 0.9: the table's answer is not the least"
read -r SLA_P RES_P <<<"$(model "$PASS_O" "$PASS_B")"
read -r SLA_P1 RES_P1 <<<"$(model $((PASS_O - 1)) "$PASS_B")"
echo "interval answer: $PASS_O+$PASS_B; at $PASS_O: $SLA_P $RES_P, at $((PASS_O - 1)): $SLA_P1 $RES_P1"
[ "$RES_P" = pass ] || fail "at $PASS_O the target's result is $RES_P, not pass"
[ "$RES_P1" != pass ] || fail "at $((PASS_O - 1)) the target passes already: the table's answer is not the least"

# refusals: exit 2, the form expected, the scenario's phases
"$RB" sweep "$SCN" --target lunch:5:0.9 --out "$T/bad" 2>"$T/e1" >/dev/null
[ $? -eq 2 ] || fail "unknown phase: expected exit 2"
grep -q "no phase 'lunch' in morning-burst; its phases: normal, peak" "$T/e1" || { cat "$T/e1"; fail "unknown phase message"; }
"$RB" sweep "$SCN" --target 5:0.9:peak --out "$T/bad" 2>"$T/e2" >/dev/null
[ $? -eq 2 ] || fail "phase written last: expected exit 2"
grep -q "'peak' is not a measure" "$T/e2" || { cat "$T/e2"; fail "phase-last message"; }
"$RB" sweep "$SCN" --target 5:1.2 --out "$T/bad" 2>"$T/e3" >/dev/null
[ $? -eq 2 ] || fail "F > 1: expected exit 2"
grep -q 'expected \[PHASE:\]K:F\[:MEASURE\]' "$T/e3" || { cat "$T/e3"; fail "form message"; }
[ ! -e "$T/bad" ] || fail "a refused sweep wrote $T/bad"
"$RB" sweep --help | grep -q -- '--target \[PHASE:\]K:F\[:MEASURE\]' || fail "--help does not give the form"
echo PASS
