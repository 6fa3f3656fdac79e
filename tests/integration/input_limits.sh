#!/bin/bash
# input_limits (issue 12, hardening): bad input through the commands
# themselves is refused with exit 2, FILE:LINE:COL and the range or the
# characters expected, and writes nothing; a heavy-tailed distribution
# whose draws pass the longest draw is counted in summary.json.
#   input_limits.sh RINGBENCH SOURCE_DIR
set -u
RB=$1 SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
expect() { # expect CODE PATTERN command...
	local code=$1 pat=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	local rc=$?
	if [ $rc -ne "$code" ] || ! grep -qF -- "$pat" "$T/err"; then
		fail "'$*' gave exit $rc (want $code), stderr: $(head -c 600 "$T/err")"
	else
		echo "ok: $* -> $code: $(head -1 "$T/err")"
	fi
}
scn() { # scn FILE TALK [EXTRA-LINE]: a small scenario with talk_s TALK
	printf 'center: {operators: 2}\ntenants: [{id: a, number: "1"}]\ncallers: {talk_s: %s}\nload: [{phase: p, duration_s: 600, rate_per_min: 2}]\n%s' "$2" "${3:-}" >"$1"
}

# --- A. numbers: the loader's range, never an overflow or a model error
scn big-talk.yaml 1e13
expect 2 "big-talk.yaml:3:19: a fixed value is too large: expected at most 1e9 s" \
	"$RB" model big-talk.yaml --out "$T/r1"
scn big-fixed.yaml '{fixed: 1e300}'
expect 2 "big-fixed.yaml:3:27: a fixed value is too large" "$RB" model big-fixed.yaml --out "$T/r2"
scn tiny-ring.yaml 60 'ring_period_s: 1e-7
'
expect 2 "tiny-ring.yaml:5:16: ring_period_s must be between 0.01 and 60 seconds" \
	"$RB" model tiny-ring.yaml --out "$T/r3"
expect 2 "big-talk.yaml:3:19:" "$RB" sweep big-talk.yaml --operators 1:3 --out "$T/r4"
for d in r1 r2 r3 r4; do [ ! -e "$T/$d" ] || fail "a refused scenario wrote $d"; done

# A heavy tail inside the bounds: some draws pass 1e9 s and are cut, counted
# (about 1.6 % of the draws: some 30 of these 2,000 calls)
printf 'center: {operators: 3000}\ntenants: [{id: a, number: "1"}]\ncallers: {talk_s: {lognormal: {mean: 1e8, sd: 1e9}}}\nload: [{phase: p, duration_s: 3600, rate_per_min: 11}]\n' >heavy.yaml
"$RB" model heavy.yaml --replications 3 --out "$T/heavy" >"$T/out" 2>"$T/err"
rc=$?
sat=$(jq -r '.saturated_draws' "$T/heavy/summary.json" 2>/dev/null)
if [ $rc -ne 0 ] || ! [ "${sat:-x}" -gt 0 ] 2>/dev/null; then
	fail "heavy tail: exit $rc, saturated_draws '$sat' (want > 0): $(cat "$T/err")"
else
	echo "ok: heavy tail: saturated_draws $sat"
fi
grep -q "runtime error" "$T/err" && fail "heavy tail: $(grep 'runtime error' "$T/err")"
scn light.yaml 60
"$RB" model light.yaml --out "$T/light" >/dev/null 2>&1
[ "$(jq -r '.saturated_draws' "$T/light/summary.json")" = 0 ] || fail "light: saturated_draws not 0"

# --- B. names that become paths: refused at load, nothing written outside results/
SD=$(dirname "$RB")/secretaryd
mkdir -p "$T/w/a/b" && cd "$T/w/a/b" || exit 1
scn esc.yaml 60 'name: ../../../elsewhere/x
'
expect 2 "esc.yaml:5:7: the scenario's name '../../../elsewhere/x' starts with '.'" "$RB" model esc.yaml
expect 2 "esc.yaml:5:7:" "$RB" sweep esc.yaml --operators 1:2
expect 2 "esc.yaml:5:7:" "$RB" live esc.yaml
[ ! -e "$T/elsewhere" ] && [ ! -e "$T/w/elsewhere" ] && [ ! -e results ] ||
	fail "a refused name wrote: $(find "$T" -name 'x-*' -o -name results | head -3)"
cd "$T" || exit 1
printf 'center: {operators: 1}\ntenants: [{id: a_b, number: "1", share: 0.5}, {id: a/b, number: "2", share: 0.5}]\ncallers: {talk_s: 60}\nload: [{phase: p, duration_s: 60, rate_per_min: 1}]\n' >collide.yaml
expect 2 "collide.yaml:2:52: tenant id 'a/b' holds '/'" "$SD" --scenario collide.yaml --data-dir "$T/sd" --check-config
printf 'center: {operators: 1}\ntenants: [{id: _x, number: "1", share: 0.5}, {id: .x, number: "2", share: 0.5}]\ncallers: {talk_s: 60}\nload: [{phase: p, duration_s: 60, rate_per_min: 1}]\n' >dot.yaml
expect 2 "dot.yaml:2:51: tenant id '.x' holds '.'" "$SD" --scenario dot.yaml --data-dir "$T/sd" --check-config

# --- C. the sweep's grid: each axis was capped, their product was not
Q=$SRC/scenarios/quick.yaml
expect 2 "the grid has 10000100000 points (100000 operator counts x 100001 backup counts" \
	"$RB" sweep "$Q" --operators 1:100000 --backup 0:100000 --out "$T/g1"
grep -qF "expected at most 100000; narrow it with a coarser STEP (A:B:STEP) or a shorter range, e.g. --operators 1:100000:317 --backup 0:100000:317" "$T/err" ||
	fail "grid: no cap or hint in: $(cat "$T/err")"
# four long axes and two layouts: 2e20 points, beyond size_t, still counted right
expect 2 "the grid has 200004000020000014336 points" "$RB" sweep "$Q" --operators 1:100000 \
	--backup 0:100000 --rate-scale 0.00001:1:0.00001 --no-answer-s 0:100000 --layout pooled,floors --out "$T/g2"
expect 2 "e.g. --operators 1:100000:4" "$RB" sweep "$Q" --operators 1:100000 --backup 0:2 --out "$T/g3"
for d in g1 g2 g3; do [ ! -e "$T/$d" ] || fail "a refused grid wrote $d"; done

# --- D. deep and huge files: refused at once (100,000 levels took 37 s)
scn deep.yaml 60 "description: $(printf '%*s' 100000 '' | tr ' ' '[')$(printf '%*s' 100000 '' | tr ' ' ']')
"
expect 2 "deep.yaml:5:77: lists and mappings nested more than 64 deep: expected at most 64" \
	timeout 10 "$RB" model deep.yaml --out "$T/d1"
head -c 2000000 /dev/zero | tr '\0' '#' >huge.yaml
expect 2 "huge.yaml:1:1048577: the file is longer than 1048576 bytes (1 MiB)" \
	timeout 10 "$RB" model huge.yaml --out "$T/d2"
expect 2 "deep.yaml:5:77: lists and mappings nested" timeout 10 "$SD" --scenario deep.yaml --data-dir "$T/sd" --check-config

echo "$fails failure(s)"
[ $fails -eq 0 ]
