#!/usr/bin/env bash
# bench/fit: `ringbench fit` on a year of queue_log from a busy center
# (issue 14: about 5 million lines fitted in under 30 s, with the time and
# peak memory printed), against the floor of reading the same file: awk
# splitting every line at '|' and counting the events (no statistics).
#
#   bench/fit/run.sh [RINGBENCH]      (default build/ringbench)
#   knobs: DAYS=365 RATE=420 (calls an hour, 08:00-20:00) ROUNDS=3 OUT=results/bench/fit
#
# The queue_log is generated once (gen_queue_log.py, seeded), then each round
# runs awk and ringbench fit in turn; CPU time from rusage (bench/lib/rusage.py),
# peak memory from /usr/bin/time -f %M. Checks: fit's calls equal the
# ENTERQUEUE lines awk counted, and the fitted talk mean is within 2 % of the
# generator's 120 s. Exit 0 done, 1 a check failed, 3 a step failed.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
rb=${1:-$root/build/ringbench}
days=${DAYS:-365} rate=${RATE:-420} rounds=${ROUNDS:-3}
out=${OUT:-$root/results/bench/fit}
tmp=$(mktemp -d /tmp/rb-bench-fit-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out" || exit 3
lines=$(python3 "$root/bench/fit/gen_queue_log.py" "$tmp/queue_log" "$days" "$rate") || exit 3
echo "queue_log: $lines lines, $days days, $(du -m "$tmp/queue_log" | cut -f1) MB"
rows=()
for r in $(seq "$rounds"); do
	python3 "$root/bench/lib/rusage.py" "$tmp/awk.json" \
		awk -F'|' '{n[$5]++} END {print n["ENTERQUEUE"]}' "$tmp/queue_log" >"$tmp/awk.out" || exit 3
	/usr/bin/time -f %M -o "$tmp/mem" python3 "$root/bench/lib/rusage.py" "$tmp/ru-fit.json" \
		"$rb" fit "$tmp/queue_log" --out "$tmp/fitted.yaml" --quiet || exit 3
	a=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["cpu_s"])' "$tmp/awk.json")
	f=$(python3 -c 'import json,sys;d=json.load(open(sys.argv[1]));print(d["cpu_s"],d["wall_s"])' "$tmp/ru-fit.json")
	echo "round $r: awk ${a} s CPU; fit ${f% *} s CPU, ${f#* } s wall, peak $(( $(cat "$tmp/mem") / 1024 )) MiB"
	rows+=("{\"awk_cpu_s\": $a, \"fit_cpu_s\": ${f% *}, \"fit_wall_s\": ${f#* }, \"fit_peak_kib\": $(cat "$tmp/mem")}")
done
read -r calls talk < <(python3 -c 'import json,sys;d=json.load(open(sys.argv[1]))
print(d["calls"], d["talk_s"]["families"]["gamma"]["mean"])' "$tmp/fit.json")
enter=$(cat "$tmp/awk.out")
status=0
[ "$calls" = "$enter" ] || { echo "FAIL: fit read $calls calls, the file has $enter ENTERQUEUE lines"; status=1; }
python3 -c 'import sys;sys.exit(abs(float(sys.argv[1])/120-1) > 0.02)' "$talk" ||
	{ echo "FAIL: talk mean $talk s, the generator's is 120 s"; status=1; }
json="$out/$(date -u +%Y%m%dT%H%M%SZ).json"
printf '{"benchmark": "fit", "commit": "%s", "lines": %s, "days": %s, "calls": %s, "talk_mean_s": %s,\n "loadavg_end": "%s", "rounds": [%s]}\n' \
	"$(git -C "$root" rev-parse --short HEAD 2>/dev/null)" "$lines" "$days" "$calls" "$talk" \
	"$(cut -d' ' -f1-3 /proc/loadavg)" "$(IFS=,; echo "${rows[*]}")" >"$json"
python3 - "$json" <<'PY'
import json, statistics, sys
d = json.load(open(sys.argv[1]))
r = d["rounds"]
ratio = sorted(x["fit_cpu_s"] / x["awk_cpu_s"] for x in r)
wall = sorted(x["fit_wall_s"] for x in r)
print("fit / awk CPU: min %.2f median %.2f max %.2f; fit wall min %.2f median %.2f max %.2f s; peak %d MiB"
      % (ratio[0], statistics.median(ratio), ratio[-1], wall[0], statistics.median(wall), wall[-1],
         max(x["fit_peak_kib"] for x in r) // 1024))
PY
echo "wrote $json"
exit $status
