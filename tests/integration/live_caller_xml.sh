#!/bin/bash
# ringbench live --caller-xml FILE: the callers' SIPp flow of the user's
# own. The shipped example (scenarios/sipp/live_caller_ivr.xml, which takes
# an IVR's early 183 as well as secretaryd's 180/200) against secretaryd,
# and the same run with ringbench's own flow: the same calls, accounted for
# the same way (dialled, offered, answered, abandoned), the example's
# flow actually used. A broken file: exit 2 before anything starts, with
# FILE:LINE:COL and what was expected.
. "$(dirname "$0")/live_lib.sh"
need_capture
short_scenario short.yaml
IVR=$SRC/scenarios/sipp/live_caller_ivr.xml
outcome() { json "$1/summary.json" '" ".join(str(d["overall"][k]) for k in ("dialled", "offered", "answered", "abandoned", "rejected", "incomplete"))'; }

"$RB" live short.yaml --speedup 20 --out def --quiet >def.out 2>def.err
rc=$?
case $rc in 0 | 1 | 4) ;; *) fail "live (ringbench's flow) exit $rc: $(tail -2 def.err)" ;; esac
"$RB" live short.yaml --speedup 20 --caller-xml "$IVR" --out ivr --quiet >ivr.out 2>ivr.err
rc=$?
case $rc in 0 | 1 | 4) pass "live --caller-xml gave a verdict (exit $rc)" ;;
*) fail "live --caller-xml exit $rc: $(tail -2 ivr.err)" ;; esac
# its INVITEs' branches are the example's (z9hG4bK-ivr-), on the wire
[ "$(grep -a -c 'branch=z9hG4bK-ivr-' ivr/capture.pcap)" -gt 0 ] && pass "the example's INVITEs in the capture" \
	|| fail "no INVITE of the example flow (branch z9hG4bK-ivr-) in the capture"
check "no INVITE of ringbench's own flow in that run" 0 "$(grep -a -c 'branch=z9hG4bK-rbl-[0-9]' ivr/capture.pcap)"
grep -q 'END rbl0-[0-9]* answered' ivr/sipp/calls.log && pass "the example's END lines in calls.log" \
	|| fail "no END line of the example flow in ivr/sipp/calls.log"
d=$(outcome def)
check "dialled offered answered abandoned rejected incomplete as with ringbench's flow ($d)" "$d" "$(outcome ivr)"
check "some callers abandoned at the center (the example's CANCEL)" True \
	"$(json ivr/summary.json 'd["overall"]["abandoned"] - d["overall"]["abandoned_before_forward"] > 0')"
check "no call unaccounted for" "None" "$(json ivr/summary.json 'd["error"]')"

# An IVR center: a SIPp UAS that plays a prompt (183 with SDP) for 300 ms
# before 180 and 200; live --server at it with the example flow. Every call
# answered, and the example saw each call's early media.
sed -e '/<pause milliseconds="200"\/>/d' -e 's/^  <send>$/  <send>/' \
	"$SRC/scenarios/sipp/uas_answer_200ms.xml" | awk '
	/SIP\/2.0 180 Ringing/ && !done { ivr = 1 }
	{ print }
	/^  <\/send>$/ && ivr == 0 && n++ == 0 {
		print "  <send>\n    <![CDATA[\n      SIP/2.0 183 Session Progress\n      [last_Via:]\n      [last_From:]"
		print "      [last_To:];tag=[pid]SIPpTag01[call_number]\n      [last_Call-ID:]\n      [last_CSeq:]"
		print "      Contact: <sip:center@[local_ip]:[local_port];transport=[transport]>"
		print "      Content-Type: application/sdp\n      Content-Length: [len]\n"
		print "      v=0\n      o=ivr 1 1 IN IP[local_ip_type] [local_ip]\n      s=-"
		print "      c=IN IP[media_ip_type] [media_ip]\n      t=0 0\n      m=audio [media_port] RTP/AVP 0\n      a=sendonly"
		print "    ]]>\n  </send>\n  <pause milliseconds=\"300\"/>"
	}
	/^  <\/send>$/ && ivr { print "  <pause milliseconds=\"200\"/>"; ivr = 0; done = 1 }' >uas_ivr.xml
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sipp -sf uas_ivr.xml -i 127.0.0.1 -p "$PORT" -nostdin -bg >uas.out 2>&1
UAS_PID=$(sed -n 's/.*PID=\[\([0-9]*\)\].*/\1/p' uas.out)
cat >ivr.yaml <<'YAML'
name: live-ivr
ring_period_s: 3
center: {operators: 1, pickup_s: {fixed: 1}}
tenants:
  - {id: acme, number: "0312345678", name: "株式会社アクメ", share: 1, forwarding: unconditional}
callers:
  patience_s: {fixed: 60}
  types:
    inquiry: {share: 1, talk_s: {fixed: 1}}
load:
  - {phase: steady, duration_s: 10, rate_per_min: 60}
run: {seed: 2}
YAML
"$RB" live ivr.yaml --server "127.0.0.1:$PORT" --caller-xml "$IVR" --out srv --quiet >srv.out 2>srv.err
rc=$?
[ -n "$UAS_PID" ] && kill "$UAS_PID" 2>/dev/null
case $rc in 0 | 1 | 4) pass "live --server --caller-xml against an IVR gave a verdict (exit $rc)" ;;
*) fail "live --server --caller-xml exit $rc: $(tail -2 srv.err)" ;; esac
n=$(json srv/summary.json 'd["overall"]["offered"]')
[ "$n" -ge 1 ] && pass "$n calls offered to the IVR" || fail "no call offered to the IVR"
check "every call answered after the prompt" "$n" "$(json srv/summary.json 'd["overall"]["answered"]')"
check "the example took each call's early media (183 with SDP)" "$n" \
	"$(grep -c '^.*IVR rbl0-[0-9]* early media m=audio [0-9][0-9]*$' srv/sipp/calls.log)"

# Broken files: exit 2, FILE:LINE:COL, nothing run.
printf '<?xml version="1.0"?>\n<scenario name="x">\n  <send>\n</scenario>\n' >broken.xml
"$RB" live short.yaml --caller-xml broken.xml --out b1 >b1.out 2>b1.err
check "not well-formed: exit 2" 2 "$?"
check "not well-formed: where and why" 1 "$(grep -c '^broken.xml:4:3: not well-formed XML: mismatched tag$' b1.err)"
[ -e b1 ] && fail "a run folder for a broken flow" || pass "nothing run for a broken flow"
sed 's|\[field0\]///\[call_id\]|[call_id]|; s|\[field2\]|0|; s|\[field13\]|[field23]|' "$IVR" >nokey.xml
"$RB" live short.yaml --caller-xml nokey.xml --out b2 >b2.out 2>b2.err
check "fields missing: exit 2" 2 "$?"
check "no [field0]/// in the Call-ID: said" 1 "$(grep -c '^nokey.xml:1:1: \[field0\] never followed by ///: expected Call-ID: \[field0\]///\[call_id\]' b2.err)"
check "[field2] missing: said" 1 "$(grep -c '^nokey.xml:1:1: \[field2\] not used: the send instant' b2.err)"
line=$(grep -n 'X-RB-Talk-Ms: \[field23\]' nokey.xml | cut -d: -f1)
check "[field23] past the last field: its line and column" 1 \
	"$(grep -c "^nokey.xml:$line:21: \[field23\]: ringbench writes field0 to field22 only" b2.err)"
# Well-formed and with its fields, but refused by SIPp itself (a variable
# set and never used): SIPp stops before any call, the run fails (3) and
# says SIPp's words.
sed 's|<recv response="200" timeout="32000" ontimeout="b_lost" next="b_done"/>|<recv response="200" timeout="32000" ontimeout="b_lost" next="b_done"><action><ereg regexp="BYE" search_in="hdr" header="CSeq:" assign_to="unused_var"/></action></recv>|' \
	"$IVR" >unused.xml
"$RB" live short.yaml --speedup 20 --caller-xml unused.xml --out b4 --quiet >b4.out 2>b4.err
check "refused by SIPp: exit 3" 3 "$?"
check "refused by SIPp: its words" 1 "$(grep -c 'SIPp said: Variable \$unused_var is referenced 1 times!' b4.err)"
"$RB" live short.yaml --caller-xml nosuch.xml --out b3 >b3.out 2>b3.err
check "unreadable: exit 2" 2 "$?"
check "unreadable: said" 1 "$(grep -c '^nosuch.xml: cannot read: No such file or directory$' b3.err)"
finish
