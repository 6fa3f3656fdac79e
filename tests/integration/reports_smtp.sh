#!/bin/bash
# Call reports through SMTP to a real SMTP server on loopback (aiosmtpd,
# Debian's python3-aiosmtpd, storing into a Maildir): reports written while
# the mail server is down wait in the spool and arrive once it is up; the
# server stopped for a while and restarted; secretaryd killed with -9 with
# reports in its spool, restarted: every report arrives exactly once.
. "$(dirname "$0")/reports_lib.sh"
SMTP_PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BOX=$WORK/box

smtp_start() {
	$PY -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$BOX" \
		>>smtp.log 2>&1 &
	SMTP_PID=$!
	for _ in $(seq 100); do
		$PY -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2)' \
			"$SMTP_PORT" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "aiosmtpd did not start"; cat smtp.log; exit 3
}
smtp_stop() {
	kill -TERM "$SMTP_PID"
	wait "$SMTP_PID" 2>/dev/null
	SMTP_PID=
}
received() { find "$BOX/new" -type f 2>/dev/null | wc -l; }
has() { [ "$(received)" -ge "$1" ]; }
spooled() { [ "$(metric secretaryd_spool_depth)" = "$1" ]; }
batch() { # batch NAME FIRST: five inquiries, callers FIRST..FIRST+4
	local lines=() i
	for i in $(seq "$2" $(($2 + 4))); do lines+=("0312345678;inquiry;0902000000$i;発信者$i;"); done
	calls "$1.csv" "${lines[@]}"
	place "$1" "$1.csv" -m 5 -r 20
	check "SIPp: batch $1 completed" 0 $?
}

start_server data --delivery smtp --smtp-host 127.0.0.1 --smtp-port "$SMTP_PORT" --retry-max 1
contains "summary names the SMTP server" server.log "call reports: SMTP to 127.0.0.1:$SMTP_PORT"

# 1. The mail server is down: the reports wait in the spool, retried.
batch one 0
wait_for "5 reports waiting in the spool" 10 spooled 5
sleep 1.5
check "nothing delivered while the server is down" 5 "$(metric secretaryd_spool_depth)"
fails=$(metric secretaryd_report_delivery_failures_total)
if [ "${fails:-0}" -ge 2 ]; then pass "retried ($fails failed attempts)"; else fail "retries: $fails failed attempts"; fi
smtp_start
wait_for "the 5 waiting reports arrive" 15 has 5

# 2. The server stops for a while, then comes back.
smtp_stop
batch two 5
sleep 2
check "still 5 received while stopped" 5 "$(received)"
smtp_start
wait_for "10 reports after the server came back" 15 has 10

# 3. kill -9 with reports in the spool, restart.
smtp_stop
batch three 10
wait_for "5 reports in the spool before the kill" 10 spooled 5
on_disk() { [ "$(find data/spool/queue -type f | wc -l)" = 5 ]; }
wait_for "the spool's queue/ holds them on disk" 5 on_disk && pass "5 reports in data/spool/queue/"
kill -KILL "$SD_PID"
wait "$SD_PID" 2>/dev/null
SD_PID=
start_server data --delivery smtp --smtp-host 127.0.0.1 --smtp-port "$SMTP_PORT" --retry-max 1
contains "the restarted server found them" server.log "5 report(s) from an earlier run to deliver"
smtp_start
wait_for "15 reports after the restart" 20 has 15
sleep 2 # time for a duplicate to show up, if there were one
check "spool empty" 0 "$(find data/spool/queue data/spool/tmp -type f | wc -l)"

# Exactly once: 15 messages, 15 distinct Call-IDs, the 15 answered calls.
$PY - "$BOX" >ids.txt <<'EOF'
import email, mailbox, sys
for k, m in mailbox.Maildir(sys.argv[1], factory=None).items():
    print(m["X-Ringbench-Call-ID"], m["X-RcptTo"], m["X-MailFrom"])
EOF
check "messages received" 15 "$(wc -l <ids.txt)"
check "distinct Call-IDs (no report twice)" 15 "$(cut -d' ' -f1 ids.txt | sort -u | wc -l)"
check "envelope recipient" 15 "$(grep -c ' acme@example.org ' ids.txt)"
check "envelope sender" 15 "$(grep -c ' reports@center.example.jp$' ids.txt)"
sqlite3 data/cdr.sqlite "select call_id from calls where outcome='answered'" | sort >answered.txt
cut -d' ' -f1 ids.txt | sort >got.txt
check "every answered call's report arrived" "" "$(comm -3 answered.txt got.txt)"
stop_server
smtp_stop

# Without --smtp-host/--smtp-port the scenario's server.smtp is used.
: >server.log
start_server data-scn --delivery smtp
contains "server.smtp from the scenario when no flag is given" server.log \
	"call reports: SMTP to 127.0.0.1:2525, from reports@center.example.jp"
stop_server
finish
