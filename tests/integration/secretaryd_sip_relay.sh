#!/bin/bash
# secretaryd as a B2BUA during the talk (issue 15): re-INVITE and UPDATE
# relayed both ways between a caller and an operator's phone, glare, and
# the options the center refuses (the phone's reliable 183 is taken as a
# plain 1xx: no PRACK, not relayed). The operators file gives op1 and op2
# static contacts on one SIPp phone (sipops_uas_reinvite.xml); the caller
# is sipops_uac_reinvite.xml. Their comments give the seven steps:
#  1. the operator's hold re-INVITE reaches the caller with the operator's
#     SDP (sent again on Timer A: the caller answers after 0.8 s), the
#     caller's 200 goes back with the caller's SDP, the ACK too;
#  2. the operator's UPDATE, the same way;
#  3. the caller's re-INVITE reaches the operator, 200 and ACK back;
#  4. the caller's UPDATE;
#  5. glare on the operator leg: the phone's re-INVITE while the center's
#     (the caller's, relayed) is in flight gets 491 from the center;
#  6. glare on the caller leg (the caller's UPDATE while the center's
#     re-INVITE is in flight: 491), and the caller's 491 to the operator's
#     re-INVITE relayed to the operator as 491;
#  7. the caller's re-INVITE without SDP (a delayed offer), relayed as one:
#     the operator's offer comes in the 200, the caller's answer in the ACK.
# On both legs the Contact changes after the first exchange (a target
# refresh): the center's later requests must follow it, except after a
# request it refused.
# The CDR stays one answered call whose talk is the phone's, from its 200's
# ACK to its BYE (not cut by the re-INVITEs). Then a caller that requires
# 100rel gets 420 with Unsupported: 100rel, and a PRACK 481, no CDR. With
# simulated operators nothing is relayed, as before; and a real phone
# (baresip, skipped without it) puts a caller on hold through the center.
. "$(dirname "$0")/secretaryd_lib.sh"
command -v sipp >/dev/null || { echo "no sipp: skipped"; exit 77; }
free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P1=$(free_port)
cat >ops.yaml <<YAML
operators:
  - {user: one, password: x1, staff: op1, contact: "sip:op1@127.0.0.1:$P1"}
  - {user: two, password: x2, staff: op2, contact: "sip:op2@127.0.0.1:$P1"}
YAML
chmod 600 ops.yaml
OP=
trap '[ -n "$OP" ] && kill "$OP" 2>/dev/null; cleanup' EXIT
timeout 60 sipp -sf "$SRC/tests/integration/sipops_uas_reinvite.xml" -i 127.0.0.1 -p "$P1" -m 1 \
	-nostdin -trace_msg -message_file op.msg -trace_err -error_file op.err -trace_logs \
	-log_file op.log >op.out 2>&1 </dev/null &
OP=$!
start_server "$SRC/tests/data/scn-server/sip-operators.yaml" data --operators-file ops.yaml
sleep 0.3
FLOWS=$SRC/tests/integration
csv r.csv "0312345678"
sipp_run reinv sipops_uac_reinvite.xml r.csv -m 1 -trace_msg -message_file reinv.msg
check "the caller's SIPp succeeded (every SDP as expected)" 0 $?
wait "$OP"
check "the operator's SIPp succeeded (every SDP as expected)" 0 $?
OP=
# what each side received (SIPp's message file holds what it sent too:
# each message follows a "----- date" line and a "... message received" one)
received() { awk '/^-+ [0-9]/ {r = 0; next} /^UDP message received/ {r = 1; next} r' "$1"; }
recvd() { received "$1" | awk -v want="$2" 'index($0, want) == 1' | wc -l; }
# the requests received, "METHOD:CSEQ" in order (copies over UDP once)
requests() {
	awk '/^-+ [0-9]/ {r = 0; s = 0; next} /^UDP message received/ {r = 1; s = 1; next}
	     r && s && NF {s = 0; q = ($1 !~ /^SIP\//); m = $1; next}
	     r && q && /^CSeq:/ {print m ":" $2; q = 0}' "$1" | uniq | tr '\n' ' ' | sed 's/ $//'
}
check "1. the caller got the center's re-INVITE with the operator's hold SDP" 1 \
	"$(recvd reinv.msg 'o=operator 1 2 ' | awk '{print ($1 >= 1)}')"
check "1. the center's re-INVITE sent again on Timer A while the caller took 0.8 s" 1 \
	"$(received reinv.msg | grep -c '^CSeq: 1 INVITE' | awk '{print ($1 - 3 >= 2)}')"
check "1. the operator got the caller's SDP in the 200 to its re-INVITE" 1 \
	"$(recvd op.msg 'o=reinvcaller 1 2 ')"
check "1./6. the caller got the center's two ACKs (the operator's relayed, the 491's: after the refresh)" "1 1" \
	"$(recvd reinv.msg 'ACK sip:0901000') $(recvd reinv.msg 'ACK sip:moved0901000')"
check "2. UPDATE from the operator: the caller got it, the operator the 200's SDP" "1 1" \
	"$(recvd reinv.msg 'UPDATE sip:0901000') $(recvd op.msg 'o=reinvcaller 1 3 ')"
check "3./5./7. the operator got the first INVITE, the caller's three re-INVITEs (CSeq 2 and 4 here), four ACKs" "4 1 3 1 1" \
	"$(recvd op.msg 'INVITE sip:op') $(recvd op.msg 'ACK sip:operator@') $(recvd op.msg 'ACK sip:opmoved@') $(recvd op.msg 'CSeq: 2 INVITE') $(recvd op.msg 'CSeq: 4 INVITE')"
check "4. the operator got the caller's UPDATE (CSeq 3), the caller the 200's SDP" "1 1" \
	"$(recvd op.msg 'CSeq: 3 UPDATE') $(recvd reinv.msg 'o=operator 1 5 ')"
check "5. glare on the operator leg: the center answered the phone's re-INVITE 491" 1 \
	"$(received op.msg | grep -A6 '^SIP/2.0 491' | grep -c '^CSeq: 12 INVITE')"
check "6. glare on the caller leg: the caller's UPDATE got 491" 1 \
	"$(received reinv.msg | grep -A6 '^SIP/2.0 491' | grep -c '^CSeq: 5 UPDATE')"
check "6. the caller's 491 reached the operator as the answer to its re-INVITE" 1 \
	"$(received op.msg | grep -A6 '^SIP/2.0 491' | grep -c '^CSeq: 13 INVITE')"
check "the center's requests to the caller, with their CSeqs" "INVITE:1 ACK:1 UPDATE:2 INVITE:3 ACK:3 BYE:4" \
	"$(requests reinv.msg)"
check "the center's requests to the operator, with their CSeqs" \
	"INVITE:1 INVITE:2 ACK:2 UPDATE:3 INVITE:4 ACK:4 INVITE:5 ACK:5" "$(requests op.msg | sed 's/ACK:1 //')"
check "7. a re-INVITE without SDP: the operator's offer in the caller's 200, the answer in the ACK" "1 1" \
	"$(recvd reinv.msg 'o=operator 1 8 ') $(recvd op.msg 'o=reinvcaller 1 8 ')"
check "one BYE to the caller (the operator's, relayed at the end), to its refreshed target" 1 \
	"$(recvd reinv.msg 'BYE sip:moved0901000')"
# Target refresh (RFC 3261 12.2, RFC 6141 5): a re-INVITE or UPDATE
# answered 2xx moves the dialog's remote target to its Contact on either
# leg; one refused 491 moves nothing.
check "refresh, caller leg: step 2's UPDATE to the INVITE's Contact, step 6's re-INVITE to the refreshed one" "1 1" \
	"$(recvd reinv.msg 'UPDATE sip:0901000') $(recvd reinv.msg 'INVITE sip:moved0901000' | awk '{print ($1 >= 1)}')"
check "refresh, operator leg: the center's re-INVITEs and UPDATE after the phone's hold go to its new Contact" "1 1" \
	"$(recvd op.msg 'INVITE sip:opmoved@' | awk '{print ($1 >= 3)}') $(recvd op.msg 'UPDATE sip:opmoved@')"
check "refresh: no request to the Contact of a request refused 491, on either leg" "0 0" \
	"$(received reinv.msg | grep -c '^[A-Z]* sip:refused') $(received op.msg | grep -c '^[A-Z]* sip:oprefused')"
check "no Supported header from the center on either leg (100rel never offered)" "0 0" \
	"$(recvd reinv.msg 'Supported:') $(recvd op.msg 'Supported:')"
check "the phone's reliable 183: no PRACK from the center, nothing of it to the caller" "0 0 0" \
	"$(recvd op.msg 'PRACK') $(recvd reinv.msg 'SIP/2.0 183') $(recvd reinv.msg 'o=operator 1 0 ')"

# 100rel: 420 with Unsupported, PRACK 481
csv p.csv "0312345678"
sipp_run rel sipops_uac_100rel.xml p.csv -m 1 -trace_msg -message_file rel.msg
check "Require: 100rel: 420 with Unsupported: 100rel, then PRACK: 481 (the caller's SIPp)" 0 $?
check "420 Bad Extension received" 1 "$(recvd rel.msg 'SIP/2.0 420')"
sleep 0.2
stop_server
check "one CDR: answered by op1 or op2, ended by the center (the operator's BYE)" "1|answered|center|1" \
	"$(q "select count(*), outcome, ended_by, operator in ('op1','op2') from calls")"
TALK=$(sed -n 's/.*TALK \([0-9.]*\) \([0-9.]*\) \([0-9.]*\) \([0-9.]*\).*/\1 \2 \3 \4/p' op.log | head -1)
PHONE=$(echo "$TALK" | awk '{printf "%.3f", ($3 - $1) + ($4 - $2) / 1e6}')
DUR=$(q "select printf('%.3f', duration_s) from calls")
echo "talk: the phone's $PHONE s (its ACK to its BYE), the CDR's $DUR s"
check "the CDR's talk is the phone's whole talk (within 0.1 s), not cut by the re-INVITEs" 1 \
	"$(awk -v a="$PHONE" -v b="$DUR" 'BEGIN {d = a - b; if (d < 0) d = -d; print (a > 0.5 && d < 0.1)}')"
check "queue_log: one CONNECT, one COMPLETEAGENT" "1 1" \
	"$(grep -c '|CONNECT|' data/queue_log) $(grep -c '|COMPLETEAGENT|' data/queue_log)"

# Simulated operators (no operators file): nothing relayed, as before: the
# caller's re-INVITE is answered by the center (its own SDP), UPDATE 405,
# and the center hangs up after the 2 s talk, not cut by the re-INVITE.
start_server "$SRC/tests/data/scn-server/basic.yaml" data3
sipp_run sim sipops_uac_simreinv.xml r.csv -m 1 -trace_msg -message_file sim.msg
check "simulated: re-INVITE answered by the center (o=secretaryd), UPDATE 405 (the caller's SIPp)" 0 $?
check "simulated: the center's BYE went to the re-INVITE's Contact (a target refresh)" 1 \
	"$(recvd sim.msg 'BYE sip:moved0901000')"
sleep 0.2
stop_server
check "simulated: one answered CDR, 2 s of talk, ended by the center" "1|answered|center|1" \
	"$(DB=data3/cdr.sqlite q "select count(*), outcome, ended_by, duration_s between 1.9 and 2.3 from calls")"

# A real phone: Debian's baresip registered as op1 (auto-answer) puts the
# caller on hold when told to (its UDP console): its re-INVITE (sendonly)
# reaches the caller (sipops_uac_hold.xml), whose 200 (recvonly) goes back
# to baresip and baresip's ACK to the caller. Skipped without baresip.
if command -v baresip >/dev/null; then
	BS=
	trap '[ -n "$BS" ] && kill "$BS" 2>/dev/null; cleanup' EXIT
	# op2 a SIP user that never registers: away, never rung, so the call is
	# baresip's (a member not in the file would be simulated and, idle
	# since start-up, idle longer than op1, idle from its REGISTER)
	cat >ops2.yaml <<'YAML'
operators:
  - {user: bob, password: builder, staff: op1, digest: [md5]}
  - {user: nobody, password: never, staff: op2}
YAML
	chmod 600 ops2.yaml
	start_server "$SRC/tests/data/scn-server/sip-operators.yaml" data2 --operators-file ops2.yaml
	HTTP=$(sed -n 's/.*http=\([^ ]*\).*/\1/p' ready.txt)
	CONS=$(free_port)
	mkdir -p bs
	cat >bs/config <<CFG
poll_method		epoll
sip_listen		127.0.0.1:0
module_path		/usr/lib/baresip/modules
module			g711.so
module			aubridge.so
module			cons.so
module			menu.so
module_app		account.so
audio_player		aubridge,nil
audio_source		aubridge,nil
cons_listen		127.0.0.1:$CONS
CFG
	echo "<sip:bob@127.0.0.1:$SD_PORT;transport=udp>;auth_pass=builder;regint=60;answermode=auto" >bs/accounts
	timeout 60 baresip -s -f bs >bs.out 2>&1 </dev/null &
	BS=$!
	REG='secretaryd_sip_operators{state="registered"}'
	for _ in $(seq 50); do
		[ "$(curl -s "http://$HTTP/metrics" | sed -n "s/^$REG //p")" = 1 ] && break
		sleep 0.1
	done
	csv h.csv "0312345678"
	sipp_run hold sipops_uac_hold.xml h.csv -m 1 -trace_msg -message_file hold.msg &
	HOLD=$!
	for _ in $(seq 50); do grep -q '^ACK sip:bob' bs.out 2>/dev/null && break; sleep 0.1; done
	sleep 0.3
	python3 -c "import socket,sys; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('127.0.0.1', int(sys.argv[1])))" "$CONS"
	wait "$HOLD"
	check "baresip: the caller's SIPp got its hold re-INVITE (sendonly), its 200 and BYE went through" 0 $?
	check "baresip sent the re-INVITE, got the caller's SDP in the 200" "1 1" \
		"$(grep -c '^INVITE sip:center@' bs.out | awk '{print ($1 >= 1)}') $(grep -c '^o=holdcaller 1 2 ' bs.out | awk '{print ($1 >= 1)}')"
	check "baresip's ACK reached the caller (relayed)" 1 "$(recvd hold.msg 'ACK sip:0901000')"
	kill "$BS" 2>/dev/null
	wait "$BS" 2>/dev/null
	BS=
	stop_server
	check "baresip: one CDR, answered by op1, hung up by the caller" "1|answered|op1|caller" \
		"$(DB=data2/cdr.sqlite q "select count(*), outcome, operator, ended_by from calls")"
fi
finish
