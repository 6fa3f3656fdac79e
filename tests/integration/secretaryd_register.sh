#!/bin/bash
# Operators as SIP users (issue 15): secretaryd with --operators-file
# answers REGISTER with Digest. SIPp (MD5; -au/-ap) registers, a wrong
# password gets 403 and so does an unknown user (the same answer), a registration lapses at its expiry
# (2 s here: --min-expires 1) and a re-REGISTER restores it, '*' removes
# it; a small Python client answers the SHA-256 line of a challenge that
# offers SHA-256 then MD5, sees 423 below the minimum, and gets the same
# bytes again for a retransmitted REGISTER. /metrics and
# /api/state follow. Without --operators-file, REGISTER gets 405.
. "$(dirname "$0")/secretaryd_lib.sh"
PY=$SRC/tests/integration/secretaryd_register.py
cat >ops.yaml <<'YAML'
realm: ringbench.test
operators:
  - {user: alice, password: wonderland, staff: op1, digest: md5}   # SIPp 3.6: MD5 alone
  - {user: carl, password: builder, staff: op2}                    # SHA-256, then MD5
YAML
chmod 644 ops.yaml # readable by others: warned about
start_server "$SRC/tests/data/scn-server/basic.yaml" none --operators-file ops.yaml --min-expires 1
HTTP=$(sed -n 's/.*http=\([^ ]*\).*/\1/p' ready.txt)
metric() { curl -s "http://$HTTP/metrics" | sed -n "s/^$1 //p"; }
contacts_of() { # the sip_contacts of staff $1 in /api/state
	curl -s "http://$HTTP/api/state" | /usr/bin/python3 -c \
		"import json,sys; d=json.load(sys.stdin); print([s.get('sip_contacts') for s in d['staff'] if s['name']=='$1'][0])"
}
check "world-readable operators file warned about" 1 "$(grep -c 'ops.yaml is readable by every user' server.log)"
# sipp_reg NAME USER PASSWORD EXPIRES CONTACT: the final answer (200 or 403), from the trace.
sipp_reg() {
	csv "$1.csv" "$2;x;$4;$5"
	timeout 30 sipp "127.0.0.1:$SD_PORT" -sf "$SRC/tests/integration/register_uac.xml" -inf "$1.csv" \
		-m 1 -nostdin -au "$2" -ap "$3" -trace_msg -message_file "$1.msg" -trace_err \
		-error_file "$1.err" -timeout 10s -timeout_error >"$1.out" 2>&1 </dev/null
	local rc=$?
	[ $rc -eq 0 ] || echo "sipp $1 exit status $rc: $(head -3 "$1.err" 2>/dev/null)" >&2
	grep -oE '^SIP/2.0 (200|403)' "$1.msg" | tail -1 | cut -d' ' -f2
}

check "nobody registered at start" 0 "$(metric 'secretaryd_sip_operators{state="registered"}')"
check "op1 has no contact at start" 0 "$(contacts_of op1)"

# 1. SIPp registers alice with MD5 for 2 s.
check "SIPp (MD5) registers alice: 200" 200 "$(sipp_reg ok alice wonderland 2 '<sip:alice@127.0.0.1:5999>')"
check "the 401 to alice offered MD5 alone (her digest list)" 1 "$(grep -c '^WWW-Authenticate: Digest.*algorithm=MD5' ok.msg)"
check "the 200 lists the binding with its expiry" 1 "$(grep -c '^Contact: <sip:alice@127.0.0.1:5999>;expires=2' ok.msg)"
check "registered operators after it" 1 "$(metric 'secretaryd_sip_operators{state="registered"}')"
check "op1's contacts in /api/state" 1 "$(contacts_of op1)"
check "op2 (carl) not registered: 0 contacts" 0 "$(contacts_of op2)"

# 2. Refusals: a wrong password, an unknown user.
check "a wrong password: 403" 403 "$(sipp_reg bad alice wonderlan 60 '<sip:alice@127.0.0.1:5998>')"
# an unknown To gets the file's default challenge (SHA-256 first, which
# SIPp 3.6 cannot answer): the Python client answers its MD5 line
out=$(timeout 10 /usr/bin/python3 "$PY" "$SD_PORT" mallory x MD5 60)
check "an unknown user: challenged with both, then 403" "401 SHA-256,MD5|403 -" "$(echo "$out" | sed 's/ *$//' | paste -sd'|')"
check "the refusals counted" 2 "$(metric 'secretaryd_register_requests_total{result="refused_auth"}')"
check "still one contact for alice (the refused one not bound)" 1 "$(metric secretaryd_sip_contacts)"

# 3. Expiry removes it; re-REGISTER restores it.
sleep 2.5
check "alice's registration lapsed after 2 s" 0 "$(metric 'secretaryd_sip_operators{state="registered"}')"
check "the expiry counted" 1 "$(metric secretaryd_registrations_expired_total)"
check "the log says op1 is unreachable" 1 "$(grep -c 'op1 (alice) unreachable: its last contact expired' server.log)"
check "re-REGISTER: 200" 200 "$(sipp_reg again alice wonderland 60 '<sip:alice@127.0.0.1:5999>')"
check "alice registered again" 1 "$(metric 'secretaryd_sip_operators{state="registered"}')"
check "'*' with Expires 0 unregisters: 200" 200 "$(sipp_reg star alice wonderland 0 '*')"
check "nobody registered after '*'" 0 "$(metric secretaryd_sip_contacts)"

# 4. SHA-256 and MD5 offered together (SHA-256 first); a SHA-256 answer registers.
out=$(timeout 10 /usr/bin/python3 "$PY" "$SD_PORT" carl builder SHA-256 60)
check "carl's challenge: SHA-256 then MD5" "401 SHA-256,MD5" "$(echo "$out" | sed -n 1p | xargs)"
check "carl registers with SHA-256: 200" "200 -" "$(echo "$out" | sed -n 2p | xargs)"
out=$(timeout 10 /usr/bin/python3 "$PY" "$SD_PORT" carl builder MD5 60 '<sip:carl@127.0.0.1:6001>')
check "carl registers with MD5 too: 200" "200 -" "$(echo "$out" | sed -n 2p | xargs)"
check "carl has two contacts" 2 "$(contacts_of op2)"
# retransmissions (each REGISTER sent twice): the same answer, byte for byte
out=$(REG_DUP=1 timeout 10 /usr/bin/python3 "$PY" "$SD_PORT" carl builder SHA-256 60 '<sip:carl@127.0.0.1:6002>')
check "a retransmitted REGISTER: the challenge and the 200 repeated" "copy same|401 SHA-256,MD5|copy same|200 -" \
	"$(echo "$out" | sed 's/ *$//' | paste -sd'|')"
check "carl has three contacts (the copy added nothing)" 3 "$(contacts_of op2)"
out=$(timeout 10 /usr/bin/python3 "$PY" "$SD_PORT" carl wrong SHA-256 60)
check "a wrong password with SHA-256: 403" "403 -" "$(echo "$out" | sed -n 2p | xargs)"
out=$(timeout 10 /usr/bin/python3 "$PY" "$SD_PORT" carl builder SHA-256 0.5)
check "a malformed Expires: 400" "400 -" "$(echo "$out" | sed -n 2p | xargs)"
stop_server

# 5. 423 below the minimum (the default 60 s), and no registrar: 405.
start_server "$SRC/tests/data/scn-server/basic.yaml" none --operators-file ops.yaml
out=$(timeout 10 /usr/bin/python3 "$PY" "$SD_PORT" carl builder SHA-256 30)
check "Expires 30 under --min-expires 60: 423 with Min-Expires" "423 - Min-Expires: 60" "$(echo "$out" | sed -n 2p | xargs)"
stop_server
start_server "$SRC/tests/data/scn-server/basic.yaml" none
out=$(timeout 10 /usr/bin/python3 "$PY" "$SD_PORT" carl builder none 60)
check "without --operators-file: 405" "405 -" "$(echo "$out" | xargs)"
stop_server

# 6. Bad operators files: exit 2 with file:line:column.
printf 'operators:\n  - {user: a, password: p, staff: op99}\n' >big.yaml
"$SD_BIN" --scenario "$SRC/tests/data/scn-server/basic.yaml" --data-dir none --check-config \
	--operators-file big.yaml >/dev/null 2>bad.err
check "a staff id beyond the scenario: exit 2" 2 $?
check "said with file:line:column" 1 "$(grep -c 'big.yaml:2:1: staff op99: the scenario has 12 operators at most' bad.err)"
printf 'operators:\n  - {user: a, password: p}\n' >nostaff.yaml
"$SD_BIN" --scenario "$SRC/tests/data/scn-server/basic.yaml" --data-dir none --check-config \
	--operators-file nostaff.yaml >/dev/null 2>bad.err
check "an operator without staff: exit 2" 2 $?
check "said with file:line:column" 1 "$(grep -c "nostaff.yaml:2:5: operator 'a' without 'staff'" bad.err)"
finish
