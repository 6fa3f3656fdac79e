#!/bin/bash
# secretaryd with SIP operators (issue 15): the operators file gives op1 and
# op2 static contacts, each a SIPp UAS on 127.0.0.1. op1's phone rings and
# is never answered (sipops_uas_ring.xml); op2 is ringbench's operator
# (scenarios/sipp/live_operator.xml: pick-up and talk from the caller's
# X-RB-Pickup-Ms / X-RB-Talk-Ms, passed on by the center).
#  1. A call: op1 rung first, rings out after the 1 s ring timeout (the
#     center CANCELs, 487, queue_log RINGNOANSWER), the call keeps its
#     place and goes to op2, who answers after 300 ms: the caller's 200
#     carries op2's SDP; op2 hangs up after 500 ms and the center's BYE
#     reaches the caller (COMPLETEAGENT). op2's INVITE: the answering name in
#     the From display-name, X-Secretaryd-Call, the caller's X- headers.
#     The CDR names op2, its ring time (~0.3 s) and one ring out.
#  2. A caller's CANCEL while op2's phone rings: the center CANCELs op2's
#     leg (200, 487, ACK), the caller gets 487, the CDR says abandoned.
# Then a second center, op1 now a phone whose 200 crosses the center's
# CANCEL (sipops_uas_cross.xml):
#  3. the caller CANCELs while op1 rings: the center CANCELs op1's leg, op1's
#     200 crosses it: the center ACKs that 200 and sends BYE on the leg; the
#     caller got 487 and the CDR says abandoned (no operator).
#  4. a delayed offer (no SDP in the caller's INVITE), answered by op2: the
#     center's 200 carries op2's offer, the caller's ACK its answer, which
#     reaches op2 in the center's ACK.
. "$(dirname "$0")/secretaryd_lib.sh"
command -v sipp >/dev/null || { echo "no sipp: skipped"; exit 77; }
free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P1=$(free_port); P2=$(free_port)
while [ "$P2" = "$P1" ]; do P2=$(free_port); done
cat >ops.yaml <<YAML
operators:
  - {user: ringer, password: x1, staff: op1, contact: "sip:op1@127.0.0.1:$P1"}
  - {user: taker, password: x2, staff: op2, contact: "sip:op2@127.0.0.1:$P2"}
YAML
chmod 600 ops.yaml
OP_PIDS=
stop_ops() { for p in $OP_PIDS; do kill "$p" 2>/dev/null; done; }
trap 'stop_ops; cleanup' EXIT
timeout 60 sipp -sf "$SRC/tests/integration/sipops_uas_ring.xml" -i 127.0.0.1 -p "$P1" -nostdin \
	-trace_msg -message_file op1.msg -trace_err -error_file op1.err >op1.out 2>&1 </dev/null &
OP_PIDS="$OP_PIDS $!"
timeout 60 sipp -sf "$FLOWS/live_operator.xml" -i 127.0.0.1 -p "$P2" -nostdin \
	-trace_msg -message_file op2.msg -trace_err -error_file op2.err -trace_logs -log_file op2.log \
	>op2.out 2>&1 </dev/null &
OP_PIDS="$OP_PIDS $!"
start_server "$SRC/tests/data/scn-server/sip-operators.yaml" data --operators-file ops.yaml
sleep 0.3

# 1. rung out by op1, answered by op2
FLOWS=$SRC/tests/integration
csv a.csv "0312345678;300;500"
sipp_run answer sipops_uac_answer.xml a.csv -m 1 -trace_msg -message_file answer.msg
check "answered call: the caller's SIPp succeeded" 0 $?
CID1=$(sed -n 's/^Call-ID: //p' answer.msg | head -1 | tr -d '\r')
check "op1 got an INVITE and the center's CANCEL" "1 1" \
	"$(grep -c '^INVITE sip:op1@' op1.msg) $(grep -c '^CANCEL sip:op1@' op1.msg)"
check "op1's 487 was ACKed" 1 "$(grep -c '^ACK sip:op1@' op1.msg)"
check "op2's INVITE: the answering name in From" 1 \
	"$(grep -A8 '^INVITE sip:op2@' op2.msg | grep -c '^From: "株式会社アクメ" <sip:center@')"
check "op2's INVITE: X-Secretaryd-Call" 1 \
	"$(grep -c '^X-Secretaryd-Call: type=inquiry;forwarding=unconditional;caller=0901000' op2.msg)"
check "op2's INVITE: the caller's X-RB headers passed on" "1 1" \
	"$(grep -c '^X-RB-Pickup-Ms: 300' op2.msg) $(grep -c '^X-RB-Talk-Ms: 500' op2.msg)"
check "op2's INVITE: the caller's offer" 1 "$(grep -c '^o=user1 53655765' op2.msg)"
check "op2's 200 was ACKed by the center" 1 "$(grep -c '^ACK sip:operator@' op2.msg)"
check "op2's BYE answered by the center" "1 1" \
	"$(grep -c '^BYE sip:center@' op2.msg) $(grep -c 'CSeq: 1 BYE' op2.msg | awk '{print ($1 >= 2)}')"
check "the caller's 200 carries op2's SDP" 1 "$(grep -c '^o=operator 1 1' answer.msg)"
check "the caller never saw op2's 180 (only the center's)" 0 "$(grep -c 'tag=rbop' answer.msg)"
check "the caller got the center's BYE" 1 "$(grep -c '^BYE sip:0901000' answer.msg)"

# 2. the caller CANCELs while op2's phone rings (op1 is not ready for 2 s)
sleep 0.5
csv c.csv "0312345678;5000;600"
sipp_run cancel sipops_uac_cancel.xml c.csv -m 1 -trace_msg -message_file cancel.msg
check "cancelled call: the caller's SIPp succeeded (200, 487)" 0 $?
sleep 0.3
check "op2's leg CANCELled, 487 ACKed" "1 1" \
	"$(grep -c '^CANCEL sip:op2@' op2.msg) $(grep -c '^SIP/2.0 487' op2.msg)"
HTTP=$(sed -n 's/.*http=\([0-9.:]*\).*/\1/p' ready.txt)
M=$(curl -s "http://$HTTP/metrics")
check "/metrics: 3 operator legs rung, 1 answered, none failed, none in flight" "3 1 0 0" \
	"$(echo "$M" | sed -n 's/^secretaryd_operator_legs_total{result="\(rung\|answered\|failed\)"} //p' | tr '\n' ' ')$(echo "$M" | sed -n 's/^secretaryd_operator_legs //p')"
stop_server
stop_ops
QL=data/queue_log
check "CDR of the answered call: op2, ended by the center" "answered|op2|center|1" \
	"$(q "select outcome, operator, ended_by, no_answers from calls where call_id='$CID1'")"
check "CDR: op2's ring time 0.3..0.7 s" 1 \
	"$(q "select operator_ring_s between 0.3 and 0.7 from calls where call_id='$CID1'")"
check "CDR: the call waited the ring out and the pick-up (1.3..1.9 s)" 1 \
	"$(q "select wait_s between 1.3 and 1.9 from calls where call_id='$CID1'")"
check "queue_log: op1 RINGNOANSWER (1000..1400 ms)" 1 \
	"$(grep "|$CID1|acme|op1|RINGNOANSWER|" "$QL" | awk -F'|' '$6 >= 1000 && $6 <= 1400' | wc -l)"
check "queue_log: CONNECT by op2, then COMPLETEAGENT" "1 1" \
	"$(grep -c "|$CID1|acme|op2|CONNECT|" "$QL") $(grep -c "|$CID1|acme|op2|COMPLETEAGENT|" "$QL")"
check "one abandoned CDR (the cancelled call)" 1 "$(q "select count(*) from calls where outcome='abandoned'")"

# the second center: op1's 200 crosses the center's CANCEL
P3=$(free_port)
cat >ops2.yaml <<YAML
operators:
  - {user: crosser, password: x3, staff: op1, contact: "sip:op1@127.0.0.1:$P3"}
  - {user: taker, password: x2, staff: op2, contact: "sip:op2@127.0.0.1:$P2"}
YAML
chmod 600 ops2.yaml
FLOWS=$SRC/scenarios/sipp
timeout 60 sipp -sf "$SRC/tests/integration/sipops_uas_cross.xml" -i 127.0.0.1 -p "$P3" -nostdin -m 1 \
	-trace_msg -message_file op3.msg -trace_err -error_file op3.err >op3.out 2>&1 </dev/null &
OP3=$!
timeout 60 sipp -sf "$FLOWS/live_operator.xml" -i 127.0.0.1 -p "$P2" -nostdin \
	-trace_msg -message_file op2b.msg -trace_err -error_file op2b.err >op2b.out 2>&1 </dev/null &
OP_PIDS="$OP3 $!"
start_server "$SRC/tests/data/scn-server/sip-operators.yaml" data2 --operators-file ops2.yaml
sleep 0.3
FLOWS=$SRC/tests/integration
csv x.csv "0312345678;5000;300"
sipp_run cross sipops_uac_cancel.xml x.csv -m 1 -trace_msg -message_file cross.msg
check "crossing: the caller's SIPp succeeded (200 to its CANCEL, 487)" 0 $?
wait "$OP3"
check "crossing: op1's SIPp saw its 200 ACKed and got the center's BYE (exit 0)" 0 $?
check "crossing: op1 got CANCEL, then ACK, then BYE" "CANCEL ACK BYE" \
	"$(grep -oE '^(CANCEL|ACK|BYE) sip:' op3.msg | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')"
csv d.csv "0312345678;200;300"
sipp_run delayed sipops_uac_delayed.xml d.csv -m 1 -trace_msg -message_file delayed.msg
check "delayed offer: the caller's SIPp succeeded" 0 $?
check "delayed offer: op2's INVITE had no SDP (Content-Length: 0)" 1 \
	"$(grep -A20 '^INVITE sip:op2@' op2b.msg | grep -m1 -c '^Content-Length: 0')"
check "delayed offer: the caller's 200 carries op2's offer" 1 "$(grep -c '^o=operator 1 1' delayed.msg)"
check "delayed offer: op2's ACK carries the caller's answer" 1 \
	"$(grep -A14 '^ACK sip:operator@' op2b.msg | grep -c '^o=delayedcaller 7 7')"
sleep 0.3
stop_server
stop_ops
DB=data2/cdr.sqlite
check "crossing: the caller's CDR is abandoned, no operator" "abandoned|" \
	"$(q "select outcome, coalesce(operator,'') from calls where seq=1")"
check "delayed offer: answered by op2" "answered|op2" \
	"$(q "select outcome, operator from calls where seq=2")"
finish
