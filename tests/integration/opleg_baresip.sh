#!/bin/bash
# The B2BUA's operator leg (server/b2bua/opleg.c) against a real phone,
# Debian's baresip, before dispatch drives it: tests/tools/opleg_call rings
# baresip's contact. With auto-answer: 180, then 200 with its SDP, ACK, the
# call established for baresip, our BYE after 1 s; the INVITE carried the
# answering name as From display-name and X-Secretaryd-Call. Without
# answering: the ring timeout (2 s) sends CANCEL, baresip's 487 gives
# no-answer. Skipped (77) without baresip.
set -u
TOOL=${1:?usage: opleg_baresip.sh OPLEG_CALL SOURCE_DIR}
SRC=${2:?usage: opleg_baresip.sh OPLEG_CALL SOURCE_DIR}
command -v baresip >/dev/null || { echo "baresip not installed: skipped"; exit 77; }
WORK=$(mktemp -d /tmp/opleg-test.XXXXXX)
cd "$WORK" || exit 3
FAILS=0
BS_PID=
cleanup() {
	if [ -n "$BS_PID" ]; then kill -KILL "$BS_PID" 2>/dev/null; wait "$BS_PID" 2>/dev/null; fi
	if [ "$FAILS" -eq 0 ]; then rm -rf "$WORK"; else echo "work folder kept: $WORK"; fi
}
trap cleanup EXIT
check() {
	if [ "$2" = "$3" ]; then echo "ok: $1"; else echo "FAIL: $1: expected '$2', got '$3'"; FAILS=$((FAILS + 1)); fi
}
# A port free for both UDP and TCP: baresip's sip_listen binds both, and a
# port picked on UDP alone once met a TCP socket of another test there.
free_port() {
	/usr/bin/python3 -c '
import socket
while True:
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM); t.bind(("127.0.0.1", 0))
    p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass'
}
# phone DIR PORT ANSWERMODE: a baresip (no audio device: aubridge) on PORT, SIP trace on.
phone() {
	mkdir -p "$1"
	cat >"$1/config" <<CFG
poll_method		epoll
sip_listen		127.0.0.1:$2
module_path		/usr/lib/baresip/modules
module			g711.so
module			aubridge.so
module_app		account.so
audio_player		aubridge,nil
audio_source		aubridge,nil
CFG
	echo "<sip:bob@127.0.0.1;transport=udp>;regint=0;answermode=$3" >"$1/accounts"
	baresip -s -f "$1" -t 12 >"$1.out" 2>&1 </dev/null &
	BS_PID=$!
	for _ in $(seq 40); do grep -q "baresip is ready" "$1.out" 2>/dev/null && break; sleep 0.1; done
}

# 1. Auto-answer: answered, then our BYE.
P=$(free_port)
phone auto "$P" auto
timeout 40 "$TOOL" "sip:bob@127.0.0.1:$P" "$P" 10 1 >auto.txt 2>auto.err
check "opleg_call exit status (auto-answer)" 0 $?
check "a 1xx came (not passed on: only counted)" 1 "$(grep -c '^1xx ' auto.txt)"
check "answered with the phone's SDP" 1 "$(grep -c '^answered [0-9]* sdp=yes' auto.txt)"
check "ended by our BYE" "ended center-bye" "$(tail -1 auto.txt)"
kill -TERM "$BS_PID" 2>/dev/null; wait "$BS_PID" 2>/dev/null; BS_PID=
check "baresip established the call" 1 "$(grep -c 'Call established' auto.out)"
check "the INVITE's From display-name: the answering name" 1 "$(grep -A12 '^INVITE sip:bob' auto.out | grep -c '^From: "株式会社アクメ" <sip:center@127.0.0.1')"
check "the INVITE's X-Secretaryd-Call" 1 "$(grep -c '^X-Secretaryd-Call: type=inquiry;forwarding=no-answer;caller=0312345678' auto.out)"
check "baresip got our ACK and our BYE" 2 "$(grep -cE '^(ACK|BYE) sip:bob' auto.out)"

# 2. Nobody answers: CANCEL at the ring timeout, 487, no-answer.
P=$(free_port)
phone manual "$P" manual
timeout 40 "$TOOL" "sip:bob@127.0.0.1:$P" "$P" 2 1 >manual.txt 2>manual.err
check "opleg_call exit status (no answer)" 0 $?
check "reported no-answer" 1 "$(grep -c '^no_answer ' manual.txt)"
ms=$(sed -n 's/^no_answer \([0-9]*\)/\1/p' manual.txt)
check "no-answer at the 2 s ring timeout, not before (2.0-4.0 s): $ms ms" 1 "$(( ${ms:-0} >= 2000 && ${ms:-0} < 4000 ))"
kill -TERM "$BS_PID" 2>/dev/null; wait "$BS_PID" 2>/dev/null; BS_PID=
check "baresip got our CANCEL" 1 "$(grep -c '^CANCEL sip:bob' manual.out)"
check "and answered 487" 1 "$(grep -c '^SIP/2.0 487' manual.out)"
[ "$FAILS" -eq 0 ] && { echo "all checks passed"; exit 0; }
echo "$FAILS check(s) failed"; exit 1
