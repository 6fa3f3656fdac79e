#!/bin/bash
# Ring-no-answer with simulated operators (tests/data/scn-server/ring-no-answer.yaml:
# one operator, 1 s ring timeout, rings often unanswered, 1 s not ready):
# four calls at once are still answered in arrival order (a call rung out
# keeps its place), the queue_log has RINGNOANSWER lines in Asterisk's format
# (EPOCH|CALLID|QUEUE|AGENT|RINGNOANSWER|ringtime_ms) with the ring timeout as
# their ring time, CONNECT gives the answering ring's time, and /metrics
# counts the same rings out, and so do the CDRs (no_answers, operator_ring_s).
. "$(dirname "$0")/secretaryd_lib.sh"
SCN=$SRC/tests/data/scn-server/ring-no-answer.yaml
start_server "$SCN" data
HTTP=$(sed -n 's/.*http=\([0-9.:]*\).*/\1/p' ready.txt)

csv c.csv "0312345678;inquiry" "0312345678;inquiry" "0312345678;inquiry" "0312345678;inquiry"
sipp_run burst uac_center_bye.xml c.csv -m 4 -r 100 -l 4
check "4 calls: SIPp succeeded" 0 $?
sleep 0.5
metric=
[ -n "$HTTP" ] && metric=$(curl -s "http://$HTTP/metrics" | sed -n 's/^secretaryd_rings_no_answer_total //p')
stop_server
QL=data/queue_log
check "4 answered CDRs" 4 "$(q "select count(*) from calls where outcome='answered'")"
check "answers in arrival order (no later call answered first)" 0 \
	"$(q "select count(*) from calls a join calls b on a.seq < b.seq where a.t_answer > b.t_answer")"
nra=$(grep -c '|RINGNOANSWER|' "$QL")
[ "$nra" -ge 1 ] && pass "RINGNOANSWER lines: $nra" || fail "no RINGNOANSWER line in the queue_log"
check "every RINGNOANSWER line: EPOCH|CALLID|acme|op1|RINGNOANSWER|ms" 0 \
	"$(grep '|RINGNOANSWER|' "$QL" | grep -cvE '^[0-9]{10}\|[^|]+\|acme\|op1\|RINGNOANSWER\|[0-9]+$')"
# The ring time is the 1 s timeout: at least 1000 ms, at most 1400 (timer lateness).
check "RINGNOANSWER ring times within 1000..1400 ms" 0 \
	"$(grep '|RINGNOANSWER|' "$QL" | awk -F'|' '$6 < 1000 || $6 > 1400' | wc -l)"
check "4 CONNECT lines, ring time 0 or 1 s (pick-up 0.5..1 s, whole seconds)" 4 \
	"$(grep '|CONNECT|' "$QL" | awk -F'|' '$8 == 0 || $8 == 1' | wc -l)"
check "no RINGCANCELED line (nobody hung up while rung)" 0 "$(grep -c '|RINGCANCELED|' "$QL")"
check "CDRs: rings out per call add up to the RINGNOANSWER lines" "$nra" \
	"$(q "select sum(no_answers) from calls")"
check "CDRs: the answering ring's time is the pick-up (0.5..1 s, +0.4 s lateness)" 4 \
	"$(q "select count(*) from calls where operator_ring_s between 0.5 and 1.4")"
[ -n "$metric" ] && check "/metrics secretaryd_rings_no_answer_total = RINGNOANSWER lines" "$nra" "$metric"
# The rung-out calls waited at least one ring timeout and not-ready time
# more than their first ring's: the first call's wait covers its rings out.
first_na=$(grep '|RINGNOANSWER|' "$QL" | head -1 | cut -d'|' -f2)
w=$(q "select wait_s from calls where call_id='$first_na'")
awk -v w="$w" 'BEGIN { exit !(w >= 1.0) }' && pass "a rung-out call waited $w s (>= the 1 s timeout)" \
	|| fail "a rung-out call waited $w s, under the ring timeout"
finish
