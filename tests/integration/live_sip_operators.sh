#!/bin/bash
# ringbench live --sip-operators: secretaryd's operators are SIP phones,
# played by ringbench's own SIPp (scenarios/sipp/live_operator.xml) at
# --speedup 20 (600 s of scenario, about 30 s on the wire). Checks:
#   - the run gives a verdict, DIR/operators.yaml names every operator with
#     a static contact, and secretaryd rang them over SIP (no simulated
#     pick-up): each answered CDR has an operator leg the operators' SIPp
#     ended (operator_bye or caller_bye), each CANCELled leg is a ring out
#     or a caller gone while it rang;
#   - the speed-up applies to the SIP operators too: the pick-ups drawn
#     (uniform 2..6 s of scenario) are 100..300 ms on the wire, so the
#     CDRs' operator ring times (scenario time) are 2..6 s (+ lateness);
#   - ring-no-answer: RINGNOANSWER lines in Asterisk's format, their ring
#     time the 15 s ring timeout on the wire (750 ms, + lateness);
#   - operator_legs.csv (from the capture, through the result sink): one
#     answered leg per answered call, its operator the CDR's, its ring time
#     (INVITE to 200 on the wire, in scenario time) the CDR's
#     operator_ring_s within 0.25 s of scenario time (12.5 ms on the wire
#     at x20: the center's own time between taking the call and sending
#     the INVITE, and between the 200 and its record); one no-answer row per
#     RINGNOANSWER line (ring time the 15 s timeout), one cancelled row per
#     RINGCANCELED line;
#   - the wall time is bounded by the scenario at x20 plus setup.
. "$(dirname "$0")/live_lib.sh"
need_capture
cat >sipops.yaml <<'YAML'
name: live-sip-operators
ring_period_s: 3
center:
  operators: 6
  pickup_s: {uniform: [2, 6]}
  phone: {ring_timeout_s: 15, no_answer: 0.1, not_ready_s: 30}
  wrapup_s: {fixed: 5}
tenants:
  - {id: acme, number: "0312345678", name: "株式会社アクメ", share: 1, forwarding: unconditional}
callers:
  patience_s: {exponential: 60}
  types:
    inquiry: {share: 1, talk_s: {exponential: 60}}
load:
  - {phase: steady, duration_s: 600, rate_per_min: 6}
targets:
  - {rings: 3, min: 0.8}
run: {seed: 3}
YAML
t0=$(date +%s)
timeout 150 "$RB" live sipops.yaml --speedup 20 --sip-operators --out live --quiet >live.out 2>live.err
rc=$?
wall=$(( $(date +%s) - t0 ))
[ "$rc" = 0 ] || [ "$rc" = 1 ] || [ "$rc" = 4 ] && pass "live ran (exit $rc: a verdict)" \
	|| fail "live failed (exit $rc): $(tail -3 live.err)"
[ "$wall" -le 90 ] && pass "wall time $wall s (600 s of scenario at x20, plus setup)" \
	|| fail "wall time $wall s: the speed-up did not apply"
check "operators.yaml: op1..op6, each with a static contact" 6 \
	"$(grep -cE '^  - \{user: rb-op[1-6], .*staff: op[1-6], contact: "sip:op[1-6]@127\.0\.0\.1:[0-9]+"' live/operators.yaml)"
grep -q 'operators: 6 SIP users' live/secretaryd.log && pass "secretaryd took the operators file" \
	|| fail "secretaryd's log does not say it has SIP operators"
DB=live/secretaryd/cdr.sqlite
q() { sqlite3 "$DB" "$1"; }
QL=live/secretaryd/queue_log
ans=$(q "select count(*) from calls where outcome='answered'")
[ "$ans" -ge 20 ] && pass "$ans calls answered" || fail "only $ans calls answered"
ended=$(grep -cE ' (operator_bye|caller_bye)$' live/operators/calls.log)
check "every answered call was an operator leg the operators' SIPp talked on" "$ans" "$ended"
check "CDRs: every answered call's ring time within 2..7 s of scenario time (+ up to 50 ms of wire lateness)" "$ans" \
	"$(q "select count(*) from calls where outcome='answered' and operator_ring_s between 2 and 7")"
nra=$(grep -c '|RINGNOANSWER|' "$QL")
[ "$nra" -ge 1 ] && pass "$nra RINGNOANSWER lines" || fail "no RINGNOANSWER line (no_answer 0.1)"
check "every RINGNOANSWER line: EPOCH|CALLID|acme|opN|RINGNOANSWER|ms" 0 \
	"$(grep '|RINGNOANSWER|' "$QL" | grep -cvE '^[0-9]{10}\|[^|]+\|acme\|op[0-9]+\|RINGNOANSWER\|[0-9]+$')"
# the ring time is scenario time (x20): 15000 ms, a wire lateness of 25 ms is 500 ms
check "RINGNOANSWER ring times 15000..15600 ms (scenario time)" 0 \
	"$(grep '|RINGNOANSWER|' "$QL" | awk -F'|' '$6 < 15000 || $6 > 15600' | wc -l)"
check "CDRs' rings out add up to the RINGNOANSWER lines" "$nra" "$(q "select sum(no_answers) from calls")"
canc=$(grep -c ' cancelled$' live/operators/calls.log)
[ "$canc" -ge "$nra" ] && pass "$canc operator legs CANCELled (>= $nra rings out)" \
	|| fail "$canc operator legs CANCELled, fewer than the $nra rings out"
OL=live/operator_legs.csv
check "operator_legs.csv: its header" \
	"call,caller_call_id,leg_call_id,operator,t_invite,t_ringing,t_answer,t_cancel,final_status,ring_s,result" \
	"$(head -1 "$OL")"
sqlite3 -csv "$DB" "select call_id, operator, operator_ring_s from calls where outcome='answered'" >cdr_ans.csv
legs=$(/usr/bin/python3 - "$OL" cdr_ans.csv <<'PY'
import csv, sys
cdr = {r[0]: (r[1], float(r[2])) for r in csv.reader(open(sys.argv[2]))}
ans = [r for r in csv.DictReader(open(sys.argv[1])) if r["result"] == "answered"]
calls = {r["caller_call_id"] for r in ans}
ok = sum(1 for r in ans if r["caller_call_id"] in cdr and cdr[r["caller_call_id"]][0] == r["operator"]
         and abs(float(r["ring_s"]) - cdr[r["caller_call_id"]][1]) <= 0.25)
print(len(ans), len(calls), ok)
PY
)
check "operator_legs.csv: one answered leg per answered call, operator and ring time (0.25 s) as the CDR's" \
	"$ans $ans $ans" "$legs"
check "operator_legs.csv: no-answer rows = RINGNOANSWER lines, ring time 15..15.6 s" "$nra $nra" \
	"$(awk -F, '$11 == "no-answer"' "$OL" | wc -l) $(awk -F, '$11 == "no-answer" && $10 >= 15 && $10 <= 15.6' "$OL" | wc -l)"
check "operator_legs.csv: cancelled rows = RINGCANCELED lines" "$(grep -c '|RINGCANCELED|' "$QL")" \
	"$(awk -F, '$11 == "cancelled"' "$OL" | wc -l)"
check "operator_legs.csv: every leg linked to a call of calls.csv" 0 \
	"$(awk -F, 'NR > 1 && $2 == ""' "$OL" | wc -l)"
check "calls.csv is the callers' view: answered as the CDRs" "$ans" \
	"$(json live/summary.json 'd["overall"]["answered"]')"
finish
