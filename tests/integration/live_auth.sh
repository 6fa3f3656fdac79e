# ringbench live --auth against a target that challenges every INVITE with
# 401 (tests/integration/live_auth_uas.xml, a SIPp UAS checking the digest
# with <verifyauth>): every call answered and counted once despite its
# second INVITE; a wrong password fails the run (exit 3, saying why); no
# --auth at all is told to give one; usage errors.
. "$(dirname "$0")/live_lib.sh"
need_capture
UAS_PID=
stop_uas() {
	if [ -n "$UAS_PID" ]; then
		kill -TERM "$UAS_PID" 2>/dev/null
		for _ in $(seq 40); do kill -0 "$UAS_PID" 2>/dev/null || break; sleep 0.05; done
		kill -KILL "$UAS_PID" 2>/dev/null
		wait "$UAS_PID" 2>/dev/null
		UAS_PID=
	fi
}
trap 'stop_uas; cleanup' EXIT

# start_uas: the challenging target on a free loopback UDP port (UAS_PORT).
start_uas() {
	UAS_PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	sipp -sf "$SRC/tests/integration/live_auth_uas.xml" -i 127.0.0.1 -p "$UAS_PORT" -t u1 -nostdin \
		-key authuser user -key authpass secret -m 4 -timeout 60s >uas-$1.out 2>&1 &
	UAS_PID=$!
	sleep 0.3
	kill -0 "$UAS_PID" 2>/dev/null || { echo "the UAS did not start:"; cat uas-$1.out; exit 3; }
}

# Four patient callers in a burst, one second of talk: each hangs up itself.
cat >auth.yaml <<'YAML'
name: live-auth
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

# 1. The right credentials.
start_uas ok
timeout 90 "$RB" live auth.yaml --server 127.0.0.1:$UAS_PORT --auth user:secret --out ok --quiet >ok.out 2>ok.err
rc=$?
stop_uas
# Four calls decide no interval: inconclusive (4) is expected, 2 and 3 are not.
case $rc in 0 | 1 | 4) ;; *) fail "live --auth exit status $rc (0, 1 or 4 expected)"; cat ok.err ;; esac
check "verdict not error" True "$(json ok/summary.json 'd["verdict"] in ("pass", "fail", "inconclusive")')"
placed=$(($(grep -c . ok/sipp/injection.csv) - 1))
check "four calls placed" 4 "$placed"
check "every call answered" "$placed" "$(json ok/summary.json 'd["overall"]["answered"]')"
check "offered = calls placed (the resent INVITE is the same call)" "$placed" "$(json ok/summary.json 'd["overall"]["offered"]')"
check "the capture's own analysis: offered = calls placed" "$placed" "$(json ok/capture/wire-summary.json 'd["overall"]["offered"]')"
check "one capture row per call" "$placed" "$(grep -c 'rbl0-' ok/capture/calls.csv)"
# On the wire (tshark, when installed).
if command -v tshark >/dev/null; then
	check "each call challenged once, then sent again (2 INVITE transactions)" "$((2 * placed))" \
		"$(tshark -r ok/capture.pcap -Y 'sip.Method == "INVITE"' -T fields -e sip.Via.branch 2>/dev/null | sort -u | wc -l)"
	check "401 challenges seen" "$placed" "$(tshark -r ok/capture.pcap -Y 'sip.Status-Code == 401' 2>/dev/null | wc -l)"
	check "the resent INVITEs carry Authorization" "$placed" \
		"$(tshark -r ok/capture.pcap -Y 'sip.Method == "INVITE" && sip.Authorization' 2>/dev/null | wc -l)"
	check "resent INVITEs: CSeq 2" "$placed" "$(tshark -r ok/capture.pcap -Y 'sip.Method == "INVITE" && sip.CSeq.seq == 2' 2>/dev/null | wc -l)"
	check "the callers' BYEs: CSeq 3" "$placed" "$(tshark -r ok/capture.pcap -Y 'sip.Method == "BYE" && sip.CSeq.seq == 3' 2>/dev/null | wc -l)"
else
	echo "note: no tshark, wire checks skipped"
fi
check "SIPp: every call successful" 4 "$(awk -F';' 'NR==1{for(i=1;i<=NF;i++) if($i=="SuccessfulCall(C)") c=i} END{print $c}' ok/sipp/stat.csv)"
grep -q 'secret' ok/summary.json && fail "the password is in summary.json" || pass "the password is not in summary.json"
check "the command keeps the user" True "$(json ok/summary.json '"--auth user:***" in d["command"]')"

# 2. A wrong password: the UAS answers 403 to every authenticated INVITE.
start_uas bad
timeout 90 "$RB" live auth.yaml --server 127.0.0.1:$UAS_PORT --auth user:wrong --out bad --quiet >bad.out 2>bad.err
rc=$?
stop_uas
check "wrong password: exit 3 (the run measured nothing)" 3 "$rc"
grep -q "4 of 4 calls placed were refused after digest authentication as user 'user'" bad.err &&
	pass "says the calls were refused after authentication" || fail "no clear message: $(cat bad.err)"
check "verdict error" error "$(json bad/summary.json 'd["verdict"]')"
check "summary.json says why" True "$(json bad/summary.json '"check --auth USER:PASSWORD" in d["error"]')"
check "the capture: every call rejected with 403" 4 "$(grep -c ',403,rejected,' bad/capture/calls.csv)"

# 3. No --auth at all: told to give one.
start_uas none
timeout 90 "$RB" live auth.yaml --server 127.0.0.1:$UAS_PORT --out none --quiet >none.out 2>none.err
rc=$?
stop_uas
check "no --auth against a challenging target: exit 3" 3 "$rc"
grep -q "challenged for digest authentication (401/407) and not answered: give --auth" none.err &&
	pass "says to give --auth" || fail "no clear message: $(cat none.err)"

# Usage errors.
"$RB" live auth.yaml --server 127.0.0.1:5060 --auth nocolon 2>err.txt
check "--auth without a colon refused" 2 $?
grep -q 'expected USER:PASSWORD' err.txt && pass "says the form" || fail "no reason: $(cat err.txt)"
"$RB" live auth.yaml --server 127.0.0.1:5060 --auth :pw 2>err.txt
check "--auth without a user refused" 2 $?
"$RB" live --help | grep -q -- '--auth USER:PASSWORD' && pass "--help lists --auth" || fail "--help lacks --auth"
finish
