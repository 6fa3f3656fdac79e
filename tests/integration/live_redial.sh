# ringbench live places redials (callers.redial), sped up (x30: a 3-minute
# scenario in ~10 s). One operator on long calls and impatient callers who
# always call again: redials certainly come, both of callers who hung up
# while the tenant's phone rang (drawn up front) and of callers who
# abandoned at the center (drawn when the capture sees their CANCEL, placed
# by a SIPp of their own). Every dialled call, redials included, must be
# accounted for, marked, and on the wire when it forwards.
#
# Twice: over UDP with live_caller.xml as shipped, and over TCP with a copy
# whose every header is in compact form (i: for Call-ID, f:, t:, v:, m:, l:):
# the CANCELs that draw redials are found by the analyzer's own SIP parser
# and TCP reassembly, not by a look for "Call-ID:" in the bytes.
. "$(dirname "$0")/live_lib.sh"
need_capture
cat >redial.yaml <<'YAML'
name: live-redial
ring_period_s: 3
center:
  operators: 1
  pickup_s: {fixed: 1}
  wrapup_s: {fixed: 2}
tenants:
  - {id: acme, number: "0312345678", name: "株式会社アクメ", share: 0.5, forwarding: unconditional}
  - {id: beta, number: "0398765432", name: "ベータ商事", share: 0.5, forwarding: {no_answer_s: 6}}
callers:
  patience_s: {exponential: 8}
  redial: {prob: 1, after_s: {fixed: 30}}
  types:
    inquiry: {share: 1, talk_s: {fixed: 60}}
load:
  - {phase: only, duration_s: 180, rate_per_min: 10}
targets:
  - {rings: 3, min: 0.5}
run: {seed: 5}
YAML

# check_run NAME [live options...]: one run into NAME/ and every check on it.
check_run() {
	local run=$1
	shift
	echo "--- $run: $*"
	"$RB" live redial.yaml --speedup 30 --out "$run" "$@" >live.out 2>live.err
	rc=$?
	# 4 (inconclusive) is a legitimate end of a short run: few calls, or a
	# schedule not kept on a busy machine; 2 and 3 are not.
	case $rc in 0 | 1 | 4) ;; *) fail "live exit status $rc (0, 1 or 4 expected)"; cat live.err ;; esac
	check "verdict not error" True "$(json $run/summary.json 'd["verdict"] in ("pass", "fail", "inconclusive")')"
	dialled=$(json $run/summary.json 'd["overall"]["dialled"]')
	rows=$(($(wc -l <$run/calls.csv) - 1))
	check "one calls.csv row per dialled call, redials included" "$dialled" "$rows"
	# Column 5 of calls.csv is redial (call_id has no comma: rbl0-N///id@host).
	stats=$(/usr/bin/python3 - "$run" <<-'PY'
	import csv, sys
	r = list(csv.DictReader(open(sys.argv[1] + '/calls.csv')))
	red = [x for x in r if x['redial'] == '1']
	wire = [x for x in red if x['outcome'] != 'abandoned_before_forward']
	abf = [x for x in red if x['outcome'] == 'abandoned_before_forward']
	ab = [x for x in r if x['outcome'] in ('abandoned', 'abandoned_before_forward')]
	early = [x for x in ab if x['t_cancel'] and float(x['t_cancel']) < 140]
	# scenario-time lateness of the redials' INVITEs (t_invite - t_dial - no_answer)
	late = sorted(float(x['t_invite']) - float(x['t_dial']) - float(x['no_answer_s'] or 0) for x in wire if x['t_invite'])
	med = late[(len(late) - 1) // 2] if late else 99
	ok_end = all(float(x['t_dial']) < 180 for x in red)
	print(len(red), len(wire), len(abf), len(ab), len(early), 1 if med < 6 else 0, 1 if ok_end else 0,
	      sum(1 for x in red if x['outcome'] == 'abandoned'))
	PY
	)
	read -r n_red n_red_wire n_red_abf n_ab n_early med_ok end_ok n_red_ab <<<"$stats"
	echo "redials: $n_red ($n_red_wire on the wire, $n_red_abf before forwarding); abandons: $n_ab"
	[ "$n_red" -gt 0 ] && pass "redials in calls.csv (redial=1)" || fail "no redial in calls.csv"
	[ "$n_red_wire" -gt 0 ] && pass "redials placed on the wire ($n_red_wire)" || fail "no redial on the wire"
	[ "$n_red_ab" -gt 0 ] && pass "redials abandoned at the center too (may redial again)" || fail "no redial abandoned at the center"
	check "summary counts the redials" "$n_red" "$(json $run/summary.json 'd["live"]["redials"][0]["redials"]')"
	check "summary counts the wire redials" "$n_red_wire" "$(json $run/summary.json 'd["live"]["redials"][0]["redials_on_wire"]')"
	# prob 1: every abandon redials unless its redial would come after the end
	# (hang-up + 30 s >= 180 s); a CANCEL is up to ~1.5 s of scenario time late.
	[ "$n_red" -le "$n_ab" ] && pass "no more redials than abandons" || fail "$n_red redials for $n_ab abandons"
	[ "$n_red" -ge "$n_early" ] && pass "every early abandon redialled ($n_early)" || fail "$n_red redials, $n_early abandons before 140 s"
	check "no redial at or after the end" 1 "$end_ok"
	check "redials leave on time (median lateness < 6 s of scenario time)" 1 "$med_ok"
	abf=$(grep -c ',abandoned_before_forward,' $run/calls.csv)
	wire=$((rows - abf))
	check "every wire call's INVITE measured for lateness" "$wire" "$(json $run/summary.json 'd["live"]["lateness"][0]["invites"]')"
	check "capture saw every wire call" "$wire" "$(cut -d, -f1 $run/capture/calls.csv | grep -c '^rbl0-')"
	check "no packet dropped by the capture" "0 0" "$(json $run/summary.json '"%d %d" % (d["capture"]["dropped"], d["capture"]["if_dropped"])')"
	runs=$(json $run/summary.json 'd["live"]["redials"][0]["redial_sipp_runs"]')
	[ "$runs" -gt 0 ] && pass "SIPp runs for redials found during the run ($runs)" || fail "no redial SIPp run"
	kept=$(ls $run/sipp/redial-*/stat.csv 2>/dev/null | wc -l)
	check "each redial SIPp's statistics kept" "$runs" "$kept"
	check "no SIPp left running" "" "$(pgrep -f "sipp.*$WORK/$run/" || true)"
}

check_run run
# Compact headers and TCP: a copy of the flows, every header renamed.
mkdir flows && cp "$SRC"/scenarios/sipp/*.xml flows/
sed -i -E 's/^(\s+)Via: /\1v: /; s/^(\s+)From: /\1f: /; s/^(\s+)To: /\1t: /; s/^(\s+)Call-ID: /\1i: /; s/^(\s+)Contact: /\1m: /; s/^(\s+)Content-Length: /\1l: /' flows/live_caller.xml
check "the compact flow has no long Call-ID header" 0 "$(grep -c '^\s*Call-ID:' flows/live_caller.xml)"
export RINGBENCH_FLOWS=$WORK/flows
check_run run-tcp-compact --transport tcp
check "the capture carries compact Call-IDs" 1 "$(grep -a -q '^i: rbl0-' run-tcp-compact/capture.pcap && echo 1)"
finish
