#!/bin/bash
# ringbench live against a port where nothing listens (issue 12, item 12).
# UDP: four INVITEs, each retransmitted by SIPp, never answered: exit 3
# "the server never answered (4 INVITEs, no response)", and the progress
# line counts the four calls placed, not their retransmissions. TCP: the
# connection is refused: exit 3 with SIPp's own reason, not just its exit
# status. The progress line's ringing counts calls that got a 180, not
# calls without an answer. About 40 s (SIPp gives up on an unanswered
# INVITE after Timer B).
. "$(dirname "$0")/live_lib.sh"
need_capture
# a free UDP and TCP port: bound, then closed again
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

cat >none.yaml <<'YAML'
name: live-no-answer
ring_period_s: 3
center:
  operators: 2
  pickup_s: {fixed: 1}
  wrapup_s: {fixed: 1}
tenants:
  - {id: acme, number: "0312345678", name: "Acme", share: 1, forwarding: unconditional}
callers:
  patience_s: {fixed: 600}
  types:
    inquiry: {share: 1, talk_s: {fixed: 1}}
load:
  - {phase: p, duration_s: 8, rate_per_min: 0, bursts: [{at_s: 1, calls: 4, within_s: 2}]}
targets:
  - {rings: 3, min: 0.5}
run: {seed: 7}
YAML

timeout 100 "$RB" live none.yaml --server "127.0.0.1:$PORT" --out udp >udp.out 2>udp.err
check "UDP, nothing listening: exit 3" 3 $?
grep -q "the server never answered (4 INVITEs, no response)" udp.err
check "UDP: the reason says so" 0 $?
last=$(tr '\r' '\n' <udp.err | grep "live: placed" | tail -1)
check "UDP: the progress line counts calls, not retransmissions" "placed 4/4" \
	"$(echo "$last" | grep -o 'placed [0-9]*/[0-9]*')"
check "UDP: and none of them is ringing (no 180 came)" "ringing 0" \
	"$(echo "$last" | grep -o 'ringing [0-9]*')"
invites=$(tshark -r udp/capture.pcap -Y 'sip.Method == "INVITE"' 2>/dev/null | wc -l)
if command -v tshark >/dev/null; then
	check "UDP: SIPp did retransmit (more INVITEs on the wire than calls)" 1 "$((invites > 4))"
fi

timeout 60 "$RB" live none.yaml --server "127.0.0.1:$PORT" --transport tcp --out tcp --quiet \
	>tcp.out 2>tcp.err
check "TCP, connection refused: exit 3" 3 $?
grep -q "Connection refused (nothing listens at 127.0.0.1:$PORT)" tcp.err
check "TCP: the reason is SIPp's own, not only its exit status" 0 $?
cat udp.err tcp.err | grep -v "live: placed"
finish
