#!/bin/bash
# `ringbench live` with simulated operators (secretaryd picks up itself)
# against the same run with SIP operators (--sip-operators: secretaryd
# rings SIP phones through its B2BUA, ringbench's operator SIPp answers):
# what the callers got, and the CPU each process spent per call.
#
#   bench/live_sipops/run.sh [BUILD_DIR]      (root: live captures)
#
# Environment (defaults in brackets):
#   SCN [bench/live_sipops/small.yaml]   the scenario
#   SPEEDUP [20]      --speedup of both runs
#   ROUNDS [1]        rounds; each runs both modes, in turn
#   OUT [results/bench/live_sipops]
#
# Per mode and round: offered and answered calls, the sla of the scenario's
# first target (answered within its rings), RINGNOANSWER lines in the
# queue_log, and the CPU time (user + sys, kernel rusage via
# bench/lib/rusage.py, which stands in for secretaryd and sipp on PATH and
# passes ringbench's SIGTERM on) of secretaryd, the callers' SIPp and the
# operators' SIPp, each divided by the calls offered. The ratio SIP /
# simulated of secretaryd's CPU per call is taken within a round.
# Checks: both runs gave a verdict (exit 0, 1 or 4) and every call offered
# was accounted for (live fails otherwise); exit 1 when not.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
SCN=${SCN:-$root/bench/live_sipops/small.yaml}
SPEEDUP=${SPEEDUP:-20}
ROUNDS=${ROUNDS:-1}
OUT=${OUT:-results/bench/live_sipops}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
work=$(mktemp -d /tmp/rb-bench-sipops.XXXXXX)
trap 'rm -rf "$work"' EXIT
. "$root/bench/lib/stand_ins.sh"
rb_stand_ins "$root" "$build" "$work" || exit 3

rc=0
rows=()
for round in $(seq "$ROUNDS"); do
	for mode in simulated sip; do
		d=$work/r$round-$mode
		export CPU_DIR=$d/cpu
		mkdir -p "$CPU_DIR"
		extra=()
		[ "$mode" = sip ] && extra=(--sip-operators)
		timeout 900 nice -n 5 "$build/ringbench" live "$SCN" --speedup "$SPEEDUP" "${extra[@]}" \
			--out "$d/live" --quiet >"$d.out" 2>&1
		st=$?
		case $st in 0|1|4) ;; *) echo "round $round $mode: live exit $st: $(tail -2 "$d.out")" >&2; rc=1 ;; esac
		row=$(python3 - "$d" "$mode" "$round" "$st" <<'PY'
import glob, json, os, sys
d, mode, rnd, st = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
s = json.load(open(os.path.join(d, "live/summary.json")))
o = s["overall"]
def cpu(pat):
    return sum(json.load(open(f))["cpu_s"] for f in glob.glob(os.path.join(d, "cpu", pat)))
ql = os.path.join(d, "live/secretaryd/queue_log")
rna = sum(1 for l in open(ql) if "|RINGNOANSWER|" in l) if os.path.exists(ql) else 0
t = (s.get("targets") or [{}])[0]
sla = t.get("value") if isinstance(t, dict) else None
off = o["offered"] or 1
r = {"round": rnd, "mode": mode, "live_exit": st, "offered": o["offered"], "answered": o["answered"],
     "abandoned": o["abandoned"], "sla": sla, "answered_within_3": o["answered_within"].get("3"),
     "ringnoanswer": rna, "cpu_s": {"secretaryd": cpu("secretaryd-*.json"),
     "sipp_callers": cpu("sipp-callers-*.json"), "sipp_operators": cpu("sipp-operators-*.json")}}
r["cpu_ms_per_call"] = {k: 1000 * v / off for k, v in r["cpu_s"].items()}
print(json.dumps(r))
PY
)
		rows+=("$row")
		echo "$row"
	done
done
python3 - "$OUT" "$SCN" "$SPEEDUP" "$(git -C "$root" rev-parse --short HEAD)" "${rows[@]}" <<'PY'
import json, os, statistics, sys, time
out, scn, F, commit, rows = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4], [json.loads(x) for x in sys.argv[5:]]
ratios = []
for r in sorted({x["round"] for x in rows}):
    a = [x for x in rows if x["round"] == r]
    sim = next(x for x in a if x["mode"] == "simulated")["cpu_ms_per_call"]["secretaryd"]
    sip = next(x for x in a if x["mode"] == "sip")["cpu_ms_per_call"]["secretaryd"]
    if sim > 0:
        ratios.append(sip / sim)
res = {"bench": "live_sipops", "scenario": os.path.basename(scn), "speedup": F, "commit": commit,
       "loadavg": open("/proc/loadavg").read().split()[:3], "runs": rows,
       "secretaryd_cpu_per_call_ratio_sip_over_simulated": {
           "min": min(ratios), "median": statistics.median(ratios), "max": max(ratios)} if ratios else None}
path = os.path.join(out, time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + ".json")
json.dump(res, open(path, "w"), indent=1)
print("written", path)
for x in rows:
    c = x["cpu_ms_per_call"]
    print(f'{x["mode"]:9} round {x["round"]}: offered {x["offered"]} answered {x["answered"]} '
          f'within 3 rings {x["answered_within_3"]:.3f} RINGNOANSWER {x["ringnoanswer"]}; CPU ms/call '
          f'secretaryd {c["secretaryd"]:.3f} callers\' SIPp {c["sipp_callers"]:.3f} operators\' SIPp {c["sipp_operators"]:.3f}')
if res["secretaryd_cpu_per_call_ratio_sip_over_simulated"]:
    print("secretaryd CPU per call, SIP / simulated:", res["secretaryd_cpu_per_call_ratio_sip_over_simulated"])
PY
exit $rc
