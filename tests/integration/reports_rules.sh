#!/bin/bash
# The tenant rules (docs/service.md Q9, Q10): answering names that make callers
# expect a help desk are refused at start, each with a message naming the
# tenant and the label; SIGHUP applies a valid change to new calls only
# (a call in progress keeps the settings it started with); an invalid
# reload is refused whole with its message; PUT /api/tenants/<id> changes
# a tenant with the admin token, and refuses bad changes.
. "$(dirname "$0")/reports_lib.sh"

# refused SCENARIO_NAME_VALUE LABEL [flags...]: secretaryd exits 2 naming both.
refused() {
	local name=$1 label=$2
	shift 2
	sed "s/name: \"株式会社アクメ\"/name: \"$name\"/" "$SCN" >bad.yaml
	"$SD_BIN" --scenario bad.yaml --listen 127.0.0.1:0 --http off --data-dir none "$@" \
		>/dev/null 2>bad.err
	local st=$?
	check "'$name' refused with exit status 2" 2 $st
	contains "message names the tenant" bad.err "tenant 'acme'"
	contains "message names the label '$label'" bad.err "contains the refused label '$label'"
	head -1 bad.err
}
refused "株式会社アクメ お客様窓口" "お客様窓口"
refused "アクメ カスタマーサービス" "カスタマーサービス"
refused "アクメ緊急連絡先" "緊急連絡先"
refused "ACME Customer-Support" "customer support"
refused "ACME Help Desk" "help desk"
refused "アクメ ホットライン" "ホットライン"       # the scenario's server.refused_labels
refused "アクメ受付センター" "受付センター" --refuse-label 受付センター

"$SD_BIN" --scenario "$SCN" --check-config >check.out 2>&1
check "--check-config of a good scenario: exit 0" 0 $?
contains "--check-config prints the registration fees" check.out "registration fees: 440 yen (2 spot registrations x 220 yen)"

# Reloads and PUT on a running center. Talk 3 s, so a call is in progress
# while the settings change.
sed 's/inquiry: {share: 0.6, talk_s: {fixed: 0.5}}/inquiry: {share: 0.6, talk_s: {fixed: 3}}/' "$SCN" >live.yaml
SCN_FILE=$WORK/live.yaml
start_server data --admin-token s3cret
report_of() { # report_of CALLER_NAME: the file of that caller's report
	local id
	id=$(sqlite3 data/cdr.sqlite "select call_id from calls where caller_name='$1'")
	[ -n "$id" ] && grep -lF "X-Ringbench-Call-ID: $id" data/maildir/*/new/* 2>/dev/null
}
subject_of() {
	$PY -c 'import email,email.header,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb"))
print("".join(b.decode(c) if isinstance(b,bytes) else b for b,c in email.header.decode_header(m["Subject"])), m["To"])' "$1"
}
have_report() { report_of "$1" >/dev/null; }

calls a.csv "0312345678;inquiry;09030000001;前田;"
place a a.csv -m 1 &
SIPP_A=$!
sleep 1 # call A is answered and talking
sed -i 's/name: "株式会社アクメ"/name: "アクメ新社"/' live.yaml
kill -HUP "$SD_PID"
sleep 0.3
contains "valid reload applied" server.log "reload: tenant settings applied to new calls"
calls b.csv "0312345678;inquiry;09030000002;後藤;"
place b b.csv -m 1
check "call B (after the reload) completed" 0 $?
wait "$SIPP_A"
check "call A (in progress during the reload) completed" 0 $?
wait_for "both reports" 10 have_report 後藤 && wait_for "A's report" 5 have_report 前田
subject_of "$(report_of 前田)" >a.subj
subject_of "$(report_of 後藤)" >b.subj
contains "call in progress keeps the old answering name" a.subj "株式会社アクメ 様宛"
contains "new call gets the new answering name" b.subj "アクメ新社 様宛"

# An invalid reload: refused whole, the old settings stay.
sed -i -e 's/name: "アクメ新社"/name: "アクメ お客様相談室"/' -e 's/report_to: acme@example.org/report_to: changed@example.org/' live.yaml
kill -HUP "$SD_PID"
sleep 0.3
contains "invalid reload refused with its message" server.log \
	"reload refused, the old settings stay: tenant 'acme': answering name 'アクメ お客様相談室' contains the refused label 'お客様相談室'"
calls c.csv "0312345678;inquiry;09030000003;千葉;"
place c c.csv -m 1
wait_for "C's report" 10 have_report 千葉
subject_of "$(report_of 千葉)" >c.subj
contains "after the refused reload: the name before it" c.subj "アクメ新社 様宛"
contains "after the refused reload: the report address before it (the valid part was not applied)" c.subj "acme@example.org"
# A file that is not even YAML: refused with where and what.
printf 'tenants: [\n' >live.yaml
kill -HUP "$SD_PID"
sleep 0.3
contains "unreadable reload refused with file:line:col" server.log "reload refused, the old settings stay: $WORK/live.yaml:"

# PUT /api/tenants/<id>.
put() { curl -sS --max-time 5 -o put.out -w '%{http_code}' -X PUT "$@"; }
check "PUT without the token: 401" 401 "$(put --data '{"name":"x"}' "http://127.0.0.1:$HTTP_PORT/api/tenants/acme")"
check "PUT a refused name: 400" 400 "$(put -H 'Authorization: Bearer s3cret' --data '{"name":"ACME Help Desk","report_to":"x@example.org"}' "http://127.0.0.1:$HTTP_PORT/api/tenants/acme")"
contains "PUT refusal says why" put.out "contains the refused label 'help desk'"
check "PUT an unknown tenant: 404" 404 "$(put -H 'Authorization: Bearer s3cret' --data '{}' "http://127.0.0.1:$HTTP_PORT/api/tenants/gamma")"
check "PUT a valid change: 200" 200 "$(put -H 'Authorization: Bearer s3cret' --data '{"name":"アクメ商会","report_to":"desk@example.org","mobile_disclosure":{"listed":["09011110001","09011110002","09011110003"]}}' "http://127.0.0.1:$HTTP_PORT/api/tenants/acme")"
contains "PUT answer: the new fees" put.out '"registration_fees_yen": 660'
calls d.csv "0312345678;inquiry;09030000004;土屋;"
place d d.csv -m 1
wait_for "D's report" 10 have_report 土屋
subject_of "$(report_of 土屋)" >d.subj
contains "after PUT: the new name" d.subj "アクメ商会 様宛"
contains "after PUT: the new address" d.subj "desk@example.org"
check "metrics: reloads applied" 1 "$(metric 'secretaryd_tenant_changes_total{result="applied",via="reload"}')"
check "metrics: reloads refused" 2 "$(metric 'secretaryd_tenant_changes_total{result="refused",via="reload"}')"
check "metrics: PUTs applied" 1 "$(metric 'secretaryd_tenant_changes_total{result="applied",via="put"}')"
stop_server
finish
