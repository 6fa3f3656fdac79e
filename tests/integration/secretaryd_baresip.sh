#!/bin/bash
# A real third-party SIP phone as an operator (issue 15): Debian's baresip
# (no audio: the g711 codec and the account module alone) registers to
# secretaryd with Digest. Its user has `digest: md5` in the operators file:
# baresip 1.0.0 (libre 1.1.0) gives up on any challenge line that is not
# MD5, so a SHA-256-and-MD5 challenge fails it (checked below, so a newer
# baresip that copes is noticed). Checked: it registers (/metrics, its
# contact in /api/state), a wrong password is refused (403), a phone killed
# without unregistering lapses at its expiry and a new start restores it,
# and a phone that quits unregisters. Skipped (77) without baresip.
. "$(dirname "$0")/secretaryd_lib.sh"
command -v baresip >/dev/null || { echo "baresip not installed: skipped"; exit 77; }
BS_PID=
stop_bs() {
	if [ -n "$BS_PID" ]; then
		kill -KILL "$BS_PID" 2>/dev/null
		wait "$BS_PID" 2>/dev/null
		BS_PID=
	fi
}
trap 'stop_bs; cleanup' EXIT
cat >ops.yaml <<'YAML'
realm: ringbench.test
operators:
  - {user: bob, password: builder, staff: op2, digest: md5}
  - {user: carl, password: builder, staff: op3}
YAML
chmod 600 ops.yaml
start_server "$SRC/tests/data/scn-server/basic.yaml" none --operators-file ops.yaml --min-expires 1 --log-level info
HTTP=$(sed -n 's/.*http=\([^ ]*\).*/\1/p' ready.txt)
metric() { curl -s "http://$HTTP/metrics" | sed -n "s/^$1 //p"; }
contacts_of() {
	curl -s "http://$HTTP/api/state" | /usr/bin/python3 -c \
		"import json,sys; d=json.load(sys.stdin); print([s.get('sip_contacts') for s in d['staff'] if s['name']=='$1'][0])"
}
# wait_metric NAME VALUE: up to 5 s for /metrics to show it.
wait_metric() {
	for _ in $(seq 50); do
		[ "$(metric "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
# phone DIR USER PASSWORD REGINT: a baresip configuration (no audio device).
phone() {
	mkdir -p "$1"
	cat >"$1/config" <<EOF
poll_method		epoll
sip_listen		127.0.0.1:0
module_path		/usr/lib/baresip/modules
module			g711.so
module_app		account.so
audio_player		aufile,/dev/null
audio_source		aufile,/dev/null
EOF
	echo "<sip:$2@127.0.0.1:$SD_PORT;transport=udp>;auth_pass=$3;regint=$4" >"$1/accounts"
}
REG='secretaryd_sip_operators{state="registered"}'

# 1. bob registers (expiry 2 s), and keeps refreshing while it runs.
phone bs bob builder 2
baresip -f bs >bs.out 2>&1 </dev/null &
BS_PID=$!
wait_metric "$REG" 1
check "baresip registered bob" 1 "$(metric "$REG")"
check "op2 has baresip's contact in /api/state" 1 "$(contacts_of op2)"
sleep 3
check "still registered after 3 s (baresip refreshed its 2 s binding)" 1 "$(metric "$REG")"

# 2. Killed without unregistering: the binding lapses; a new start restores it.
stop_bs
wait_metric "$REG" 0
check "the killed phone's binding expired" 0 "$(metric "$REG")"
check "counted as expired" 1 "$(($(metric secretaryd_registrations_expired_total) >= 1))"
check "the log says op2 is unreachable" 1 "$(grep -c 'op2 (bob) unreachable: its last contact expired' server.log)"
timeout 20 baresip -f bs -t 2 >bs2.out 2>&1 </dev/null &
BS_PID=$!
wait_metric "$REG" 1
check "a new start registers bob again" 1 "$(metric "$REG")"

# 3. Quitting unregisters (baresip sends expires=0 on the way out).
wait "$BS_PID"
BS_PID=
wait_metric "$REG" 0
check "baresip quit: bob unregistered" 0 "$(metric "$REG")"
check "the log says so" 1 "$(grep -c 'op2 (bob) unreachable: its last contact unregistered' server.log)"

# 4. A wrong password: 403, nothing bound.
phone bad bob wrongpass 60
timeout 20 baresip -f bad -t 2 >bad.out 2>&1 </dev/null
check "a wrong password: baresip told 403" 1 "$(grep -c '403 Forbidden' bad.out)"
check "nothing registered" 0 "$(metric "$REG")"

# 5. carl's default challenge (SHA-256, then MD5): baresip 1.0.0 gives up.
phone sha carl builder 60
timeout 20 baresip -f sha -t 2 >sha.out 2>&1 </dev/null
if grep -q 'Function not implemented' sha.out; then
	pass "baresip $(baresip -h 2>&1 | sed -n 's/^baresip v\([^ ]*\).*/\1/p') refuses a challenge with a SHA-256 line (known: digest: md5 is needed)"
else
	echo "note: this baresip answered a SHA-256-first challenge: $(grep -c . sha.out) lines of output"
fi
stop_server
finish
