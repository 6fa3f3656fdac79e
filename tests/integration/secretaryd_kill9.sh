#!/bin/bash
# Kill -9 under load, then restart: every call that ended (SIPp logged its
# end) at least 1 s before the kill has its CDR; the restarted server opens
# the same database and serves calls.
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
finish
