# ringbench live, end to end and sped up (x30: a 3-minute scenario in ~10 s):
# every scheduled call accounted for, results in scenario time, the capture's
# analysis beside them, lateness reported; and the usage errors.
. "$(dirname "$0")/live_lib.sh"
need_capture
short_scenario short.yaml

"$RB" live short.yaml --speedup 30 --out run --quiet >live.out 2>live.err
rc=$?
# 4 (inconclusive) is a legitimate end of a short run: few calls, or a
# schedule not kept on a busy machine; 2 and 3 are not.
case $rc in 0 | 1 | 4) ;; *) fail "live exit status $rc (0, 1 or 4 expected)"; cat live.err ;; esac
check "engine" live "$(json run/summary.json 'd["engine"]')"
check "t0_epoch is set" True "$(json run/summary.json 'isinstance(d["t0_epoch"], float) and d["t0_epoch"] > 1.6e9')"
check "verdict not error" True "$(json run/summary.json 'd["verdict"] in ("pass", "fail", "inconclusive")')"
# The schedule: lateness against its limit, kept or not; not kept caps the
# verdict at inconclusive with the reason listed.
check "schedule in summary.json" True "$(json run/summary.json 'all(k in d["schedule"] for k in ("kept", "lateness_p50_ms", "lateness_p99_ms", "limit_ms"))')"
check "schedule kept iff p99 within the limit" True "$(json run/summary.json 'd["schedule"]["kept"] == (d["schedule"]["lateness_p99_ms"] <= d["schedule"]["limit_ms"])')"
check "a schedule not kept is the reason the run is inconclusive" True "$(json run/summary.json 'd["schedule"]["kept"] or (d["verdict"] in ("inconclusive", "fail") and any(r.startswith("schedule not kept: INVITE lateness p99") for r in d["inconclusive_reasons"]))')"
dialled=$(json run/summary.json 'd["overall"]["dialled"]')
rows=$(($(wc -l <run/calls.csv) - 1))
check "one calls.csv row per dialled call" "$dialled" "$rows"
abf=$(grep -c ',abandoned_before_forward,' run/calls.csv)
check "abandoned before forwarding come from the schedule" "$abf" "$(json run/summary.json 'd["overall"]["abandoned_before_forward"]')"
[ "$abf" -gt 0 ] && pass "some callers hung up before forwarding ($abf)" || fail "no abandon before forwarding"
wire=$((rows - abf))
check "every wire call's INVITE measured for lateness" "$wire" "$(json run/summary.json 'd["live"]["lateness"][0]["invites"]')"
check "the capture's own analysis is kept (wire time)" capture "$(json run/capture/wire-summary.json 'd["engine"]')"
check "the wire-time analysis judges nothing" "None []" "$(json run/capture/wire-summary.json 'd["verdict"], d["targets"]')"
[ -e run/capture/summary.json ] && fail "capture/summary.json: a **/summary.json glob would judge wire time" ||
	pass "no summary.json in capture/ (only wire-summary.json)"
check "capture saw every wire call" "$wire" "$(grep -c 'rbl0-' run/capture/calls.csv)"
# Decoding as packets come must not cost any (libpcap's pcap_stats).
check "the capture's counts in summary.json" True "$(json run/summary.json 'd["capture"]["received"] > 0')"
check "no packet dropped by the capture" "0 0" "$(json run/summary.json '"%d %d" % (d["capture"]["dropped"], d["capture"]["if_dropped"])')"
[ -s run/capture.pcap ] && pass "capture.pcap written" || fail "no capture.pcap"
[ -s run/sipp/stat.csv ] && pass "SIPp statistics kept" || fail "no SIPp statistics"
# Scenario time: the last dial is within the scenario's 180 s, not its 6 s on the wire.
check "t_dial in scenario time" True "$(/usr/bin/python3 -c "
import csv; r=list(csv.DictReader(open('run/calls.csv'))); t=[float(x['t_dial']) for x in r]
print(max(t) > 60 and max(t) <= 180)")"
# Answered calls carry the CDR's screened flag and who answered.
check "answered calls have screened and answered_by" True "$(/usr/bin/python3 -c "
import csv; r=[x for x in csv.DictReader(open('run/calls.csv')) if x['outcome']=='answered']
print(len(r) > 0 and all(x['screened'] in ('0','1') and x['answered_by'] for x in r))")"
grep -q 'lateness' live.err && fail "--quiet printed the lateness" || pass "--quiet is quiet"

# The capture judged again in scenario time (--speedup, --t0 = the run's time
# zero) lands each call in the phase the live run put it in; in wire time
# (6 s for the 180 s scenario) every call falls in the first phase.
T0=$(json run/summary.json 'repr(d["t0_epoch"])')
"$RB" analyze run/capture.pcap --scenario short.yaml --speedup 30 --t0 "$T0" --out scn --quiet 2>an.err
rc=$?
case $rc in 0 | 1 | 4) pass "analyze --speedup --t0: exit $rc" ;; *) fail "analyze --speedup exit $rc: $(cat an.err)" ;; esac
for ph in calm burst; do
	check "analyze --speedup: phase $ph offered as in the live run" \
		"$(json run/summary.json "d['phases']['$ph']['offered']")" "$(json scn/summary.json "d['phases']['$ph']['offered']")"
done
check "analyze --speedup: t0_epoch is the run's" True "$(json scn/summary.json "abs(d['t0_epoch'] - $T0) < 1e-6")"
check "analyze --speedup: the same t_invite as the live run's calls.csv" True "$(/usr/bin/python3 -c "
import csv
live = {r['call_id']: r['t_invite'] for r in csv.DictReader(open('run/calls.csv')) if r['t_invite']}
scn = {r['call_id']: r['t_invite'] for r in csv.DictReader(open('scn/calls.csv'))}
print(len(live) > 0 and all(abs(float(scn[k]) - float(v)) <= 1e-6 for k, v in live.items()))")"
"$RB" analyze run/capture.pcap --scenario short.yaml --out wire --quiet 2>/dev/null
check "analyze in wire time: every call in the first phase" 0 "$(json wire/summary.json "d['phases']['burst']['offered']")"
# The run analysed its capture as the packets came (the capture thread feeds
# the analyzer): the same calls and timeline as analyze makes of capture.pcap.
for f in calls.csv timeline.csv; do
	cmp -s run/capture/$f wire/$f && pass "capture/$f is what analyze makes of capture.pcap" ||
		fail "capture/$f differs from analyze's on capture.pcap: $(diff run/capture/$f wire/$f | head -5)"
done
"$RB" analyze run/capture.pcap --speedup 30 --out x 2>err.txt
check "--speedup without --t0 refused" 2 $?
grep -q -- '--speedup needs --t0' err.txt && pass "says --t0 is needed" || fail "no reason: $(cat err.txt)"
check "the live and re-judged summary.json valid against the schema" ok "$(/usr/bin/python3 -c '
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
for f in sys.argv[2:]:
    jsonschema.validate(json.load(open(f)), schema)
print("ok")' "$SRC/docs/summary.schema.json" run/summary.json scn/summary.json 2>&1 | tail -1)"

# Usage errors: exit 2 with a clear message.
"$RB" live short.yaml --server 127.0.0.1:5060 --speedup 10 2>err.txt
check "--speedup with --server refused" 2 $?
grep -q "another server's pick-up does not speed up" err.txt && pass "says why" || fail "no reason: $(cat err.txt)"
printf 'name: x\nload: 3\n' >bad.yaml
"$RB" live bad.yaml 2>err.txt
check "bad scenario refused" 2 $?
grep -q '^bad.yaml:[0-9]*:[0-9]*:' err.txt && pass "file:line:col" || fail "no position: $(cat err.txt)"
finish
