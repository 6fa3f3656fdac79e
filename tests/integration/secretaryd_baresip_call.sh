#!/bin/bash
# A real third-party phone as an operator, end to end (issue 15): Debian's
# baresip registers to secretaryd as op1 (Digest MD5, auto-answer), a
# caller (SIPp) dials the tenant, dispatch gives the call to op1 and
# secretaryd rings baresip's registered contact through its B2BUA; baresip
# answers, the caller's 200 carries baresip's SDP, and the caller's BYE
# reaches baresip as the center's BYE. The CDR names op1 and its ring
# time. Twice: baresip registered over UDP, then over TCP, where the
# center rings it over the phone's own connection (the one its REGISTER
# came on, as a phone behind NAT needs). Skipped (77) without baresip.
. "$(dirname "$0")/secretaryd_lib.sh"
command -v baresip >/dev/null || { echo "baresip not installed: skipped"; exit 77; }
BS_PID=
stop_bs() {
	if [ -n "$BS_PID" ]; then
		kill -TERM "$BS_PID" 2>/dev/null
		for _ in $(seq 30); do kill -0 "$BS_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$BS_PID" 2>/dev/null
		wait "$BS_PID" 2>/dev/null
		BS_PID=
	fi
}
trap 'stop_bs; cleanup' EXIT
cat >one.yaml <<'YAML'
name: baresip-operator
ring_period_s: 3
center:
  operators: 1
  pickup_s: {fixed: 1}
  phone: {ring_timeout_s: 10, no_answer: 0, not_ready_s: 2}
  wrapup_s: {fixed: 0}
tenants:
  - {id: acme, number: "0312345678", name: "株式会社アクメ", share: 1, forwarding: unconditional}
callers:
  patience_s: {never: true}
  types:
    inquiry: {share: 1, talk_s: {fixed: 30}}
load:
  - {phase: all-day, duration_s: 86400, rate_per_min: 1}
run: {seed: 1}
YAML
cat >ops.yaml <<'YAML'
operators:
  - {user: bob, password: builder, staff: op1, digest: [md5]}
YAML
chmod 600 ops.yaml
run_over() {
	local T=$1
	: >server.log
	start_server one.yaml "data-$T" --operators-file ops.yaml --log-level info
	HTTP=$(sed -n 's/.*http=\([^ ]*\).*/\1/p' ready.txt)
	metric() { curl -s "http://$HTTP/metrics" | sed -n "s/^$1 //p"; }
	rm -rf bs && mkdir -p bs
	cat >bs/config <<-CFG
	poll_method		epoll
	sip_listen		127.0.0.1:0
	module_path		/usr/lib/baresip/modules
	module			g711.so
	module			aubridge.so
	module_app		account.so
	audio_player		aubridge,nil
	audio_source		aubridge,nil
	CFG
	echo "<sip:bob@127.0.0.1:$SD_PORT;transport=$T>;auth_pass=builder;regint=60;answermode=auto" >bs/accounts
	baresip -s -f bs >bs.out 2>&1 </dev/null &
	BS_PID=$!
	REG='secretaryd_sip_operators{state="registered"}'
	for _ in $(seq 50); do [ "$(metric "$REG")" = 1 ] && break; sleep 0.1; done
	check "$T: baresip registered as op1" 1 "$(metric "$REG")"
	check "$T: its binding came over $T" 1 \
		"$(grep -c "bound from $T 127\.0\.0\.1:" server.log)"

	csv c.csv "0312345678;inquiry;1500"
	sipp_run call uac_caller_bye.xml c.csv -m 1 -trace_msg -message_file "call-$T.msg"
	check "$T: the caller's SIPp: answered, hung up (exit 0)" 0 $?
	sleep 0.5
	check "$T: baresip got the center's INVITE with the answering name" 1 \
		"$(grep -A12 '^INVITE sip:bob' bs.out | grep -c '^From: "株式会社アクメ" <sip:center@')"
	check "$T: the caller's 200 carries baresip's SDP (its o= line, not the center's)" "0 1" \
		"$(grep -c '^o=secretaryd' "call-$T.msg") $(grep -c '^o=- ' "call-$T.msg")"
	check "$T: baresip got the center's ACK and BYE" "1 1" \
		"$(grep -c '^ACK sip:bob' bs.out | awk '{print ($1>=1)}') $(grep -c '^BYE sip:bob' bs.out | awk '{print ($1>=1)}')"
	M=$(curl -s "http://$HTTP/metrics")
	check "$T: /metrics: one leg rung and answered" "1 1" \
		"$(echo "$M" | sed -n 's/^secretaryd_operator_legs_total{result="rung"} //p') $(echo "$M" | sed -n 's/^secretaryd_operator_legs_total{result="answered"} //p')"
	stop_bs
	stop_server
	check "$T: CDR: answered by op1, hung up by the caller" "answered|op1|caller" \
		"$(DB="data-$T/cdr.sqlite" q "select outcome, operator, ended_by from calls")"
	check "$T: CDR: op1's ring time under 2 s (auto-answer)" 1 "$(DB="data-$T/cdr.sqlite" q "select operator_ring_s < 2 from calls")"
}
run_over udp
run_over tcp
finish
