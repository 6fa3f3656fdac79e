#!/bin/bash
# Registrations drive dispatch (issue 15, docs/definitions.md "Ringing a
# phone"). secretaryd with one SIP operator, op1 (alice: registers, no
# static contact), and one simulated backup member who joins a call after
# 1 ring (3 s) and picks up in 0.5 s (tests/data/scn-server/sip-reach.yaml).
# The phone is SIPp on port P; alice REGISTERs from P (the center rings a
# registered contact at the REGISTER's source), then SIPp binds P.
#  A. At start-up op1 is away (not registered): /api/state and /metrics
#     say so, and a call goes to backup1 after 3 s.
#  B. alice registers for 3 s: op1 idle, a call is answered by op1.
#  C. the registration lapses: op1 away again; a call placed then is not
#     offered to op1 (its phone gets no INVITE) and backup1 answers it.
#  D. a re-REGISTER restores op1: the next call is answered by op1.
#  E. alice unregisters while op1's phone rings (a phone that never
#     answers; ring timeout 10 s): the center CANCELs that leg at once, a
#     ring with no answer (RINGNOANSWER, ~1 s, far below the 10 s timeout),
#     the call keeps its place and backup1 takes it at its 3 s join age.
. "$(dirname "$0")/secretaryd_lib.sh"
command -v sipp >/dev/null || { echo "no sipp: skipped"; exit 77; }
PY=$SRC/tests/integration/secretaryd_register.py
free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P=$(free_port)
cat >ops.yaml <<'YAML'
operators:
  - {user: alice, password: wonderland, staff: op1}
YAML
chmod 600 ops.yaml
PHONE=
stop_phone() { [ -n "$PHONE" ] && kill "$PHONE" 2>/dev/null; wait "$PHONE" 2>/dev/null; PHONE=; }
trap 'stop_phone; cleanup' EXIT
# phone FLOW NAME: SIPp on P as op1's phone
phone() {
	timeout 60 sipp -sf "$1" -i 127.0.0.1 -p "$P" -nostdin -trace_msg -message_file "$2.msg" \
		-trace_err -error_file "$2.err" >"$2.out" 2>&1 </dev/null &
	PHONE=$!
	sleep 0.3
}
# reg EXPIRES [LPORT]: alice REGISTERs <sip:alice@127.0.0.1:P> (SHA-256)
reg() {
	REG_LPORT=${2:-0} timeout 10 /usr/bin/python3 "$PY" "$SD_PORT" alice wonderland SHA-256 "$1" \
		"<sip:alice@127.0.0.1:$P>" | tail -1 | cut -d' ' -f1
}
start_server "$SRC/tests/data/scn-server/sip-reach.yaml" data --operators-file ops.yaml --min-expires 1
HTTP=$(sed -n 's/.*http=\([^ ]*\).*/\1/p' ready.txt)
metric() { curl -s "http://$HTTP/metrics" | sed -n "s/^$1 //p"; }
# op1's state and contacts in /api/state, then the /metrics gauges that
# must agree: operators away, SIP operators reachable and registered
view() {
	local s
	s=$(curl -s "http://$HTTP/api/state" | /usr/bin/python3 -c \
		"import json,sys; d=json.load(sys.stdin); o=[s for s in d['staff'] if s['name']=='op1'][0]; print(o['state'], o['sip_contacts'], d['sip_operators']['reachable'], d['sip_operators']['registered'])")
	echo "$s $(metric 'secretaryd_staff_away{role="operator"}') $(metric 'secretaryd_sip_operators{state="reachable"}') $(metric 'secretaryd_sip_operators{state="registered"}')"
}
call() { # NAME PICKUP_MS TALK_MS: one caller (sipops_uac_answer.xml)
	csv "$1.csv" "0312345678;$2;$3"
	FLOWS=$SRC/tests/integration sipp_run "$1" sipops_uac_answer.xml "$1.csv" -m 1 \
		-trace_msg -message_file "$1.msg"
}

# A. away at start-up
check "start-up: op1 away, 0 contacts; api reachable/registered 0 0; metrics away 1, reachable 0, registered 0" \
	"away 0 0 0 1 0 0" "$(view)"
call a 300 500
check "A: the caller's SIPp succeeded" 0 $?

# B. registered: idle, answers
check "B: alice registers from the phone's port for 3 s: 200" 200 "$(reg 3 "$P")"
T_REG=$(date +%s.%N)
phone "$FLOWS/live_operator.xml" op1
check "B: op1 idle, 1 contact; api 1 1; metrics away 0, reachable 1, registered 1" \
	"idle 1 1 1 0 1 1" "$(view)"
call b 300 500
check "B: the caller's SIPp succeeded" 0 $?

# C. the registration lapses: away, not offered
sleep "$(python3 -c "import time; print(max(0.1, $T_REG + 3.6 - time.time()))")"
check "C: op1 away after the expiry; metrics agree" "away 0 0 0 1 0 0" "$(view)"
check "C: the log says op1 unreachable (expired)" 1 "$(grep -c 'op1 (alice) unreachable: its last contact expired' server.log)"
call c 300 500
check "C: the caller's SIPp succeeded" 0 $?
check "C: op1's phone got one INVITE in all (call B's)" 1 "$(grep -c '^INVITE sip:alice@' op1.msg)"

# D. re-REGISTER restores op1
stop_phone
check "D: alice registers again: 200" 200 "$(reg 60 "$P")"
phone "$FLOWS/live_operator.xml" op1b
check "D: op1 idle again; metrics agree" "idle 1 1 1 0 1 1" "$(view)"
call d 300 500
check "D: the caller's SIPp succeeded" 0 $?
check "D: op1's phone got the call" 1 "$(grep -c '^INVITE sip:alice@' op1b.msg)"

# E. unregistered while rung
stop_phone
phone "$SRC/tests/integration/sipops_uas_ring.xml" op1c
call e 300 500 &
CALLER=$!
sleep 1
check "E: op1's phone is ringing" 1 "$(grep -c '^INVITE sip:alice@' op1c.msg)"
check "E: alice unregisters (Expires 0) while rung: 200" 200 "$(reg 0)"
wait "$CALLER"
check "E: the caller's SIPp succeeded (answered by backup)" 0 $?
check "E: op1's leg CANCELled, its 487 ACKed" "1 1" \
	"$(grep -c '^CANCEL sip:alice@' op1c.msg) $(grep -c '^ACK sip:alice@' op1c.msg)"
check "E: op1 away once its not-ready second is over" "away 0 0 0 1 0 0" "$(view)"
stop_phone
stop_server
QL=data/queue_log
check "CDRs: A backup1, B op1, C backup1, D op1, E backup1 (one ring with no answer)" \
	"answered|backup1|0 answered|op1|0 answered|backup1|0 answered|op1|0 answered|backup1|1" \
	"$(q "select outcome||'|'||operator||'|'||no_answers from calls order by seq" | tr '\n' ' ' | sed 's/ $//')"
check "A, C: the call waited the join age and backup's pick-up (3.3..4.3 s)" "1 1" \
	"$(q "select wait_s between 3.3 and 4.3 from calls where seq in (1,3) order by seq" | tr '\n' ' ' | sed 's/ $//')"
check "B, D: op1's ring time 0.3..0.8 s" "1 1" \
	"$(q "select operator_ring_s between 0.3 and 0.8 from calls where seq in (2,4) order by seq" | tr '\n' ' ' | sed 's/ $//')"
check "E: waited for backup at its join age, not the 10 s ring timeout (3.3..4.3 s)" 1 \
	"$(q "select wait_s between 3.3 and 4.3 from calls where seq=5")"
check "E: queue_log RINGNOANSWER for op1 after ~1 s (700..2500 ms, not 10 s)" 1 \
	"$(grep '|acme|op1|RINGNOANSWER|' "$QL" | awk -F'|' '$6 >= 700 && $6 <= 2500' | wc -l)"
check "E: then CONNECT by backup1" 1 \
	"$(grep -c "|$(q 'select call_id from calls where seq=5')|acme|backup1|CONNECT|" "$QL")"
finish
