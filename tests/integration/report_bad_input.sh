#!/bin/bash
# report_bad_input: a folder with no results, a broken summary.json, a grid
# with an empty range, a bad shard: a clear error and exit 2; gnuplot
# missing: a clear error and exit 3.
#   report_bad_input.sh RINGBENCH SOURCE_DIR BUILD_DIR
set -u
RB=$1 SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
expect() { # expect CODE PATTERN command...
	local code=$1 pat=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	local rc=$?
	if [ $rc -ne "$code" ] || ! grep -q -- "$pat" "$T/err"; then
		echo "FAIL: '$*' gave exit $rc (want $code), stderr: $(cat "$T/err")"
		fails=$((fails + 1))
	else
		echo "ok: $* -> $code: $(head -1 "$T/err")"
	fi
}
mkdir -p "$T/empty" "$T/broken"
printf '{"engine": "model", "overall": {,}}\n' >"$T/broken/summary.json"
expect 2 "no summary.json" "$RB" report "$T/empty"
expect 2 "not a folder" "$RB" report "$T/nope"
expect 2 "summary.json:1:" "$RB" report "$T/broken"
expect 2 "expected one or more" "$RB" report
SCN=$SRC/scenarios/morning-burst.yaml
expect 2 "empty range" "$RB" sweep "$SCN" --operators 10:4 --out "$T/sw"
expect 2 "empty range" "$RB" sweep "$SCN" --rate-scale 2:0.5:0.1 --out "$T/sw"
expect 2 "expected a step above 0" "$RB" sweep "$SCN" --no-answer-s 0:30:0 --out "$T/sw"
expect 2 "expected pooled" "$RB" sweep "$SCN" --layout split --out "$T/sw"
expect 2 "shard" "$RB" sweep "$SCN" --shard 3/2 --out "$T/sw"
expect 2 "K:F" "$RB" sweep "$SCN" --target 3:1.5 --out "$T/sw"
expect 2 "no-such.yaml" "$RB" sweep "$SRC/scenarios/no-such.yaml" --out "$T/sw"
[ ! -e "$T/sw/points" ] || [ -z "$(ls "$T/sw/points")" ] || { echo "FAIL: a bad grid computed points"; fails=$((fails + 1)); }
"$RB" model "$SCN" --out "$T/mb" >/dev/null
expect 3 "gnuplot" "$RB" report "$T/mb" --gnuplot /nonexistent/gnuplot
expect 3 "gnuplot" env RB_GNUPLOT=/nonexistent/gnuplot "$RB" report "$T/mb"
[ $fails -eq 0 ] && echo PASS
exit $fails
