#!/bin/bash
# Kill -9 under load, then restart: every call that ended (SIPp logged its
# end) at least 1 s before the kill has its CDR; the restarted server opens
# the same database and serves calls.
# Then (issue 12 item 3) the same with call reports, twice: after kill -9
# and a restart that delivers what the spool held, every report delivered
# into the Maildir has its row in the `reports` latency table.
. "$(dirname "$0")/secretaryd_lib.sh"
SCN=$SRC/tests/data/scn-server/fast.yaml
start_server "$SCN" data
lines=()
for i in $(seq 20); do lines+=("0312345678;inquiry;100"); done
csv c.csv "${lines[@]}"
# 200 calls/s for up to 5 s; each call: 200 ms pick-up, 100 ms talk.
timeout 30 sipp "127.0.0.1:$SD_PORT" -sf "$FLOWS/uac_caller_bye.xml" -inf c.csv -nostdin \
	-trace_logs -log_file load.log -r 200 -m 1000 -timeout 9s \
	-recv_timeout 3000 >load.out 2>&1 </dev/null &
SIPP_PID=$!
sleep 3
KILL_AT=$(date +%s.%N)
kill -KILL "$SD_PID"
wait "$SD_PID" 2>/dev/null
SD_PID=
wait "$SIPP_PID"
# Calls SIPp saw end at least 1 s before the kill.
awk -v k="$KILL_AT" '$1 == "END" && ($3 + $4 / 1e6) <= k - 1.0 { print $2 }' load.log | sort >ended.txt
n=$(wc -l <ended.txt)
if [ "$n" -ge 200 ]; then pass "$n calls ended >= 1 s before the kill"; else fail "only $n calls ended before the kill (SIPp: $(tail -3 load.out))"; fi
sqlite3 data/cdr.sqlite "select call_id from calls" | sort >cdrs.txt
missing=$(comm -23 ended.txt cdrs.txt | wc -l)
check "CDRs missing for calls ended >= 1 s before the kill" 0 "$missing"

# Restart on the same data: the database opens (WAL recovered), calls go on.
start_server "$SCN" data
csv d.csv "0312345678;inquiry;100"
sipp_run after uac_caller_bye.xml d.csv -m 1
check "a call after the restart" 0 $?
sleep 0.5
check "its CDR joins the old ones" 1 \
	"$(q "select count(*) from calls where call_id='$(grep -h '^END' after.log | cut -d' ' -f2)'")"
stop_server

export LC_ALL=C
SCN=$SRC/tests/data/scn-server/fast-reports.yaml
for try in 1 2; do
	D=rdata$try
	start_server "$SCN" "$D"
	timeout 30 sipp "127.0.0.1:$SD_PORT" -sf "$FLOWS/uac_caller_bye.xml" -inf c.csv -nostdin \
		-r 300 -m 1500 -timeout 9s -recv_timeout 3000 >rload$try.out 2>&1 </dev/null &
	SIPP_PID=$!
	sleep 3.5
	kill -KILL "$SD_PID"
	wait "$SD_PID" 2>/dev/null
	SD_PID=
	wait "$SIPP_PID"
	before=$(ls "$D/maildir/acme/new" | wc -l)
	rows_before=$(sqlite3 "$D/cdr.sqlite" "select count(*) from reports")
	# The restart delivers what the spool still held; then a clean stop.
	start_server "$SCN" "$D"
	for _ in $(seq 150); do
		[ -z "$(ls "$D/spool/queue")" ] && break
		sleep 0.1
	done
	stop_server
	ls "$D/maildir/acme/new" | sort >mails.txt
	sqlite3 "$D/cdr.sqlite" "select spool_name from reports" | sort >rrows.txt
	echo "try $try: at the kill $before mails, $rows_before rows; after the restart $(wc -l <mails.txt) mails, $(wc -l <rrows.txt) rows"
	[ "$before" -ge 100 ] || fail "try $try: only $before reports delivered before the kill"
	check "try $try: delivered reports without a latency row" 0 "$(comm -23 mails.txt rrows.txt | wc -l)"
	check "try $try: latency rows without a delivered report" 0 "$(comm -13 mails.txt rrows.txt | wc -l)"
done
finish
