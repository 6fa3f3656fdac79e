#!/bin/bash
# Robustness: secretaryd_torture.py's malformed requests each get 400/505/501
# (or silence where unanswerable), a CANCEL crossing the 200 changes nothing,
# IPv6 works, and the server still serves calls after.
. "$(dirname "$0")/secretaryd_lib.sh"
SCN=$SRC/tests/data/scn-server/basic.yaml
start_server "$SCN" data --listen "[::1]:0"
V6PORT=$(sed -n 's/.*udp=\[::1\]:\([0-9]*\).*/\1/p' ready.txt)
timeout 60 /usr/bin/python3 "$SRC/tests/integration/secretaryd_torture.py" "$SD_PORT" "$V6PORT"
check "torture set answered as expected" 0 $?
kill -0 "$SD_PID" 2>/dev/null
check "server alive after the torture set" 0 $?
csv c.csv "0312345678;inquiry;100" "0398765432;sales;100"
sipp_run after uac_caller_bye.xml c.csv -m 2 -r 10
check "calls served after the torture set" 0 $?
sleep 0.5
check "their CDRs, and the crossing call's: answered" 3 "$(q "select count(*) from calls where outcome='answered'")"
check "the crossing call: answered, no cancel time" "answered|200|" \
	"$(q "select outcome, final_status, t_cancel from calls where call_id='crossing@t'")"
stop_server
finish
