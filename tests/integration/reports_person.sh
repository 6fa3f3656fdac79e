#!/bin/bash
# A person's call report through the admin API (issue 15): with operators on
# SIP phones the center cannot know what the caller said, so it sends no
# report of its own; the operator's desk software POSTs it to
# /api/calls/<id>/report (the admin token), and the center e-mails it
# (SMTP to aiosmtpd on loopback) as it does a simulated operator's, its
# latency counted from the caller's hang-up. op1 is ringbench's operator
# SIPp (scenarios/sipp/live_operator.xml, a static contact).
#  1. a call answered by op1: no report comes by itself;
#  2. refusals: no token 401, a wrong token 401, an unknown call 404, not
#     JSON 400, an unknown field 400 naming it, no message 400, a bad
#     callback number 400 naming it;
#  3. the report posted for the caller's Call-ID (percent-encoded): 202,
#     the mail arrives with the person's words, name, number and callback
#     wish; posted again: 409; its latency (hang-up to delivered) includes
#     the wait before the POST;
#  4. a second call's report posted by the operator leg's own Call-ID
#     (what the phone saw): delivered for the caller's call;
#  5. with --auto-report the center writes it itself (ringbench live's
#     operators): a call's report arrives with no POST.
. "$(dirname "$0")/reports_lib.sh"
command -v sipp >/dev/null || { echo "no sipp: skipped"; exit 77; }
SCN_FILE=$SRC/tests/data/reports/reports-sip.yaml
free_port() { $PY -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
SMTP_PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
P=$(free_port)
BOX=$WORK/box
OP_PID=
trap 'for p in $OP_PID; do kill "$p" 2>/dev/null; done; cleanup' EXIT
$PY -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$BOX" >>smtp.log 2>&1 &
SMTP_PID=$!
for _ in $(seq 100); do
	$PY -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2)' \
		"$SMTP_PORT" 2>/dev/null && break
	sleep 0.1
done
timeout 120 sipp -sf "$SRC/scenarios/sipp/live_operator.xml" -i 127.0.0.1 -p "$P" -nostdin \
	-trace_msg -message_file op.msg >op.out 2>&1 </dev/null &
OP_PID=$!
cat >ops.yaml <<YAML
operators:
  - {user: alice, password: x1, staff: op1, contact: "sip:op1@127.0.0.1:$P"}
YAML
chmod 600 ops.yaml
TOKEN=s3cret
received() { find "$BOX/new" -type f 2>/dev/null | wc -l; }
has() { [ "$(received)" -ge "$1" ]; }
# post ID BODY [curl args]: "STATUS BODY" of POST /api/calls/ID/report
post() {
	local id
	id=$($PY -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1")
	curl -sS --max-time 5 -o post.out -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
		--data-binary "$2" "${@:3}" "http://127.0.0.1:$HTTP_PORT/api/calls/$id/report"
	printf ' %s' "$(tr -d '\n' <post.out)"
}
auth=(-H "Authorization: Bearer $TOKEN")
field() { sed -n 's/.*"field": *"\([^"]*\)".*/\1/p' <<<"$1"; }
code() { cut -d' ' -f1 <<<"$1"; }

start_server data --operators-file ops.yaml --admin-token "$TOKEN" --delivery smtp \
	--smtp-host 127.0.0.1 --smtp-port "$SMTP_PORT" --retry-max 1
# 1. a call answered by op1
calls a.csv "0312345678;inquiry;09011112222;発信者一;会社一"
place a a.csv -m 1 -trace_msg -message_file a.msg
check "call 1: SIPp completed" 0 $?
T_END=$(date +%s.%N)
CID=$(sed -n 's/^Call-ID: //p' a.msg | head -1 | tr -d '\r')
sleep 1.5
check "no report comes by itself (the person writes it)" "0 0" \
	"$(received) $(metric 'secretaryd_reports_total{result="written"}')"

# 2. refusals
good='{"message": "明日の会議の件で折り返しを希望", "caller_name": "山田 太郎", "callback_number": "03-1234-5678", "callback": true}'
check "no token: 401" 401 "$(code "$(post "$CID" "$good")")"
check "a wrong token: 401" 401 "$(code "$(post "$CID" "$good" -H 'Authorization: Bearer s3cre')")"
check "an unknown call: 404" 404 "$(code "$(post "nosuchcall@x" "$good" "${auth[@]}")")"
r=$(post "$CID" '{"message": "x"' "${auth[@]}")
check "not JSON: 400, saying where" "400 1" "$(code "$r") $(grep -c 'column' <<<"$r")"
r=$(post "$CID" '{"message": "x", "mood": "fine"}' "${auth[@]}")
check "an unknown field: 400 naming it" "400 mood" "$(code "$r") $(field "$r")"
r=$(post "$CID" '{"caller_name": "x"}' "${auth[@]}")
check "no message: 400 naming it" "400 message" "$(code "$r") $(field "$r")"
r=$(post "$CID" '{"message": "x", "callback_number": "call me"}' "${auth[@]}")
check "a callback number that is not one: 400 naming it" "400 callback_number" "$(code "$r") $(field "$r")"
r=$(post "$CID" '{"message": "x", "callback": "yes"}' "${auth[@]}")
check "callback not a boolean: 400 naming it" "400 callback" "$(code "$r") $(field "$r")"
check "still no mail" 0 "$(received)"

# 3. the report posted
r=$(post "$CID" "$good" "${auth[@]}")
check "the report posted: 202" 202 "$(code "$r")"
wait_for "the posted report arrives" 15 has 1
M=$(find "$BOX/new" -type f | head -1)
body=$($PY -c 'import email,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb")); print(m["X-Ringbench-Call-ID"]); print(m.get_payload(decode=True).decode())' "$M")
check "its Call-ID header is the caller's" "$CID" "$(head -1 <<<"$body")"
check "the person's words, name, number and callback wish" "1 1 1 1" \
	"$(grep -c 'ご用件: 明日の会議の件で折り返しを希望' <<<"$body") $(grep -c 'お名前: 山田 太郎 様' <<<"$body") $(grep -c '折り返し先: 03-1234-5678' <<<"$body") $(grep -c '折り返しのご希望: あり' <<<"$body")"
check "answered by op1" 1 "$(grep -c '応対: op1' <<<"$body")"
check "posted again: 409" 409 "$(code "$(post "$CID" "$good" "${auth[@]}")")"
check "metrics: 1 accepted, 7 refused (the token refusals never reach the reports)" "1 7" \
	"$(metric 'secretaryd_person_reports_total{result="accepted"}') $(metric 'secretaryd_person_reports_total{result="refused"}')"

# 4. by the operator leg's Call-ID
calls b.csv "0312345678;inquiry;09011113333;発信者二;会社二"
place b b.csv -m 1 -trace_msg -message_file b.msg
check "call 2: SIPp completed" 0 $?
CID2=$(sed -n 's/^Call-ID: //p' b.msg | head -1 | tr -d '\r')
LEG2=$(grep -A6 '^INVITE sip:op1@' op.msg | sed -n 's/^Call-ID: //p' | tail -1 | tr -d '\r')
r=$(post "$LEG2" '{"message": "折り返し不要", "callback": false}' "${auth[@]}")
check "posted by the leg's Call-ID ($LEG2): 202" 202 "$(code "$r")"
wait_for "the second report arrives" 15 has 2
check "its mail names the caller's call" 1 "$(mails "$BOX" | grep -c "$CID2")"
sleep 0.5
stop_server
DB=data/cdr.sqlite
lat=$(sqlite3 "$DB" "select hangup_to_delivered_s from reports where call_id='$CID'")
check "report latency from the caller's hang-up: at least the 1.5 s before the POST ($lat s)" 1 \
	"$($PY -c "print(int(1.5 <= float('${lat:-0}') <= 30))")"

# 5. --auto-report: the center writes it
start_server data2 --operators-file ops.yaml --admin-token "$TOKEN" --delivery smtp \
	--smtp-host 127.0.0.1 --smtp-port "$SMTP_PORT" --retry-max 1 --auto-report
calls c.csv "0312345678;inquiry;09011114444;発信者三;会社三"
place c c.csv -m 1 -trace_msg -message_file c.msg
check "call 3: SIPp completed" 0 $?
wait_for "--auto-report: its report arrives with no POST" 15 has 3
stop_server
finish
