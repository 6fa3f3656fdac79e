#!/bin/bash
# fit_cli: `ringbench fit` as a user runs it. The hand-written queue_log is
# read with its warnings said on stderr (exit 0, the --out folder made); a file that is not a
# queue_log, a bad --days, a missing file: a clear error and exit 2. Then
# the round trip on the command line: `model --calls all` -> calls.csv ->
# `fit` -> the fitted scenario runs in `model`; trace.csv has calls.csv's
# header and, replayed as a trace with the same staffing, gives the run's
# calls back; `report` draws the fit's three plots (when gnuplot is installed).
#   fit_cli.sh RINGBENCH SOURCE_DIR BUILD_DIR
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
	if [ $rc -ne "$code" ] || { [ -n "$pat" ] && ! grep -q -- "$pat" "$T/err" "$T/out"; }; then
		echo "FAIL: '$*' gave exit $rc (want $code), stderr: $(cat "$T/err")"
		fails=$((fails + 1))
	else
		echo "ok: $* -> $code"
	fi
}
expect 0 "1 unknown events, 1 out of order, 1 cut short, 1 unmatched" \
	"$RB" fit "$SRC/tests/data/fit/queue_log" --tz Asia/Tokyo --forwarding sales=10 --out "$T/q/q.yaml"
expect 0 "9 calls (5 answered, 2 abandoned)" \
	"$RB" fit "$SRC/tests/data/fit/queue_log" --tz Asia/Tokyo --forwarding sales=10 --out "$T/q/q.yaml"
grep -q "no_answer_s: 10" "$T/q/q.yaml" || { echo "FAIL: sales' forwarding not in q.yaml"; fails=$((fails + 1)); }
printf 'name,value\nx,1\n' >"$T/notql"
expect 2 "notql:1:1: expected a queue_log line" "$RB" fit "$T/notql" --out "$T/q/x.yaml"
expect 2 "does-not-exist: No such file" "$RB" fit "$T/does-not-exist" --out "$T/q/x.yaml"
expect 2 "days: expected weekdays" "$RB" fit "$SRC/tests/data/fit/queue_log" --days funday --out "$T/q/x.yaml"
expect 2 "format: expected queue_log, cdr or calls" "$RB" fit x --format pcap
expect 2 "forwarding: expected" "$RB" fit x --forwarding beta
expect 0 "" "$RB" model "$SRC/tests/data/fit/roundtrip.yaml" --calls all --quiet --out "$T/m"
expect 0 "talk time: gamma" "$RB" fit "$T/m/calls.csv" --start-time 09:00 --out "$T/m/fitted.yaml"
expect 0 "" "$RB" model "$T/m/fitted.yaml" --quiet --out "$T/m2"
head -1 "$T/m/trace.csv" | cmp -s - <(head -1 "$T/m/calls.csv") ||
	{ echo "FAIL: trace.csv's header is not calls.csv's"; fails=$((fails + 1)); }
# trace.csv replayed (load: {trace}) with the fitted scenario's staffing: the
# recorded calls come back, the same answered and abandoned
sed '/^load:/,/^# targets/{/^# targets/!d}' "$T/m/fitted.yaml" |
	sed 's|^# targets|load: {trace: trace.csv}\n# targets|' >"$T/m/replay.yaml"
expect 0 "" "$RB" model "$T/m/replay.yaml" --replications 1 --quiet --out "$T/rep"
python3 - "$T" <<'PY' || fails=$((fails + 1))
import json, sys
a = json.load(open(sys.argv[1] + "/m/summary.json"))["overall"]
b = json.load(open(sys.argv[1] + "/rep/summary.json"))["overall"]
k = ("offered", "answered", "abandoned")
print("recorded", [a[x] for x in k], "replayed", [b[x] for x in k])
sys.exit([a[x] for x in k] != [b[x] for x in k])
PY
if command -v gnuplot >/dev/null; then
	expect 0 "" "$RB" report "$T/m"
	for p in fit_arrivals fit_talk fit_patience; do
		[ -s "$T/m/report/$p.png" ] || { echo "FAIL: no $p.png"; fails=$((fails + 1)); }
	done
fi
[ $fails -eq 0 ] && echo "all ok" || echo "$fails failed"
exit $((fails > 0))
