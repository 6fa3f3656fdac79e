#!/bin/bash
# Call reports into the Maildir (docs/service.md Q1, Q6, Q7, Q8): a report for an
# inquiry with the right headers (the RFC 2047 subject decoded here) and
# body; none for a screened sales call (screen_prob 1), which is counted;
# test calls marked in the subject; the mobile number offered per policy;
# the two latencies in the CDR database; /metrics read with a Prometheus
# parser.
. "$(dirname "$0")/reports_lib.sh"
start_server data
contains "configuration summary prints the spot registration fees" server.log \
	"registration fees: 440 yen (2 spot registrations x 220 yen)"
calls c.csv \
	"0312345678;inquiry;09012345678;山田太郎;山田工業株式会社" \
	"0312345678;sales;09022223333;営業花子;売込商事" \
	"0312345678;test;09033334444;試験;" \
	"0312345678;inquiry;0312345678;アクメ総務;株式会社アクメ" \
	"0398765432;no_callback;09055556666;佐藤;" \
	"0312345678;no_callback;09011110001;鈴木;" \
	"0312345678;no_callback;09099990000;高橋;"
place calls c.csv -m 7 -r 20
check "SIPp: all 7 calls completed" 0 $?
count() { [ "$(find data/maildir -path '*/new/*' -type f 2>/dev/null | wc -l)" -ge 6 ]; }
wait_for "6 reports in the Maildir" 15 count
sleep 1 # a seventh (the screened call) would have arrived by now
check "reports in the Maildir (7 calls, 1 screened)" 6 "$(find data/maildir -path '*/new/*' -type f | wc -l)"
check "reports for acme" 5 "$(find data/maildir/acme/new -type f | wc -l)"
check "reports for beta" 1 "$(find data/maildir/beta/new -type f | wc -l)"
check "nothing left in tmp/" 0 "$(find data/maildir -path '*/tmp/*' -type f | wc -l)"
mails data/maildir >mails.txt
sales_id=$(sqlite3 data/cdr.sqlite "select call_id from calls where caller_type='sales'")
check "the sales call was screened (CDR)" 1 "$(sqlite3 data/cdr.sqlite "select screened from calls where caller_type='sales'")"
check "no report for the screened sales call" 0 "$(grep -cF "$sales_id" mails.txt)"
check "test calls marked (type test, and from the tenant's own number)" 2 "$(grep -c $'\tyes\t' mails.txt)"
check "test-call subjects start with 【テスト】" 2 "$(cut -f4 mails.txt | grep -c '^【テスト】')"

# The inquiry's report, read with Python's email parser.
inq_id=$(sqlite3 data/cdr.sqlite "select call_id from calls where caller_name='山田太郎'")
inq=$(grep -lF "X-Ringbench-Call-ID: $inq_id" data/maildir/acme/new/*)
$PY - "$inq" >inquiry.txt <<'EOF'
import email, email.header, sys
raw = open(sys.argv[1], "rb").read()
m = email.message_from_bytes(raw)
# The subject exactly as RFC 2047 encodes it: ASCII only, UTF-8 B words.
print("raw-subject-ascii", all(c < 128 for c in m["Subject"].encode("utf-8")), m["Subject"].startswith("=?UTF-8?B?"))
print("subject", "".join(b.decode(c) if isinstance(b, bytes) else b for b, c in email.header.decode_header(m["Subject"])))
for h in ("To", "MIME-Version", "Content-Type", "Content-Transfer-Encoding"):
    print(h, m[h])
print("date-parses", email.utils.parsedate_to_datetime(m["Date"]) is not None)
print("from", email.utils.parseaddr(m["From"])[1])
print(m.get_payload(decode=True).decode("utf-8"))
EOF
contains "subject is ASCII-only RFC 2047 encoded-words" inquiry.txt "raw-subject-ascii True True"
contains "decoded subject: answering name and caller" inquiry.txt "subject 【電話報告】株式会社アクメ 様宛 山田太郎 様より"
contains "To: the tenant's report address" inquiry.txt "To acme@example.org"
contains "MIME-Version" inquiry.txt "MIME-Version 1.0"
contains "Content-Type UTF-8" inquiry.txt "Content-Type text/plain; charset=UTF-8"
contains "Date parses" inquiry.txt "date-parses True"
contains "From: the configured sender" inquiry.txt "from reports@center.example.jp"
for want in "応対名: 株式会社アクメ" "日時: 20" "お名前: 山田太郎 様" "会社名: 山田工業株式会社" \
	"折り返し先: 09012345678" "ご用件の種別: お問い合わせ (inquiry)" "呼出回数: 1 回" \
	"ご用件: " "折り返しのご希望: あり"; do
	contains "inquiry body: $want" inquiry.txt "$want"
done

# Mobile policy (Q8): beta gives it to any caller without a number; acme
# only to listed callers.
body_of() { $PY -c 'import email,sys; print(email.message_from_binary_file(open(sys.argv[1],"rb")).get_payload(decode=True).decode())' "$1"; }
body_of "$(grep -lF "X-Ringbench-Tenant: beta" data/maildir/beta/new/*)" >beta.txt
contains "no number: says so" beta.txt "折り返し先: お教えいただけませんでした"
contains "beta (any): mobile offered" beta.txt "携帯番号 (09077776666) をお伝えしました"
suzuki=$(sqlite3 data/cdr.sqlite "select call_id from calls where caller_name='鈴木'")
body_of "$(grep -lF "X-Ringbench-Call-ID: $suzuki" data/maildir/acme/new/*)" >listed.txt
contains "acme (listed), a listed caller: mobile offered" listed.txt "携帯番号 (09099998888) をお伝えしました"
takahashi=$(sqlite3 data/cdr.sqlite "select call_id from calls where caller_name='高橋'")
body_of "$(grep -lF "X-Ringbench-Call-ID: $takahashi" data/maildir/acme/new/*)" >unlisted.txt
contains "acme (listed), a caller not listed: not offered" unlisted.txt "していません（ご案内先に登録のない方）"

# Two latencies per call in the CDR database; the hang-up one includes the
# 0.3 s wrap-up.
sleep 0.5
check "report latencies recorded" 6 "$(sqlite3 data/cdr.sqlite "select count(*) from calls_reports where hangup_to_delivered_s is not null")"
check "hang-up to delivered >= wrap-up (0.3 s) and >= written to delivered" 6 \
	"$(sqlite3 data/cdr.sqlite "select count(*) from reports where hangup_to_delivered_s >= 0.3 and written_to_delivered_s >= 0 and written_to_delivered_s <= hangup_to_delivered_s")"

# /metrics, parsed by prometheus_client (a parse error fails the test).
check "metrics: answered calls for acme" 6 "$(metric 'secretaryd_calls_total{outcome="answered",tenant="acme"}')"
check "metrics: screened sales calls counted" 1 "$(metric 'secretaryd_calls_screened_total{tenant="acme"}')"
check "metrics: screened, not reported" 1 "$(metric 'secretaryd_reports_total{result="not_sent_screened"}')"
check "metrics: reports delivered" 6 "$(metric 'secretaryd_reports_total{result="delivered"}')"
check "metrics: latency histogram count" 6 "$(metric 'secretaryd_report_hangup_to_delivered_seconds_count')"
check "metrics: spool empty" 0 "$(metric 'secretaryd_spool_depth')"
check "metrics: every family parses" ok "$(http /metrics | $PY -c '
import sys
from prometheus_client.parser import text_string_to_metric_families
names = {f.name for f in text_string_to_metric_families(sys.stdin.read())}
need = {"secretaryd_calls", "secretaryd_calls_ringing", "secretaryd_staff_busy", "secretaryd_answered_rings",
        "secretaryd_service_level", "secretaryd_report_hangup_to_delivered_seconds",
        "secretaryd_report_written_to_delivered_seconds", "secretaryd_spool_depth",
        "secretaryd_timer_lateness_max_seconds"}
print("ok" if need <= names else "missing %s" % sorted(need - names))')"
stop_server
finish
