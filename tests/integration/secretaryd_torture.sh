#!/bin/bash
# Robustness: secretaryd_torture.py's malformed requests each get 400/505/501
# (or silence where unanswerable), and the server still serves calls after.
. "$(dirname "$0")/secretaryd_lib.sh"
SCN=$SRC/tests/data/scn-server/basic.yaml
start_server "$SCN" data
timeout 60 /usr/bin/python3 "$SRC/tests/integration/secretaryd_torture.py" "$SD_PORT"
check "torture set answered as expected" 0 $?
kill -0 "$SD_PID" 2>/dev/null
check "server alive after the torture set" 0 $?
csv c.csv "0312345678;inquiry;100" "0398765432;sales;100"
sipp_run after uac_caller_bye.xml c.csv -m 2 -r 10
check "calls served after the torture set" 0 $?
sleep 0.5
check "their CDRs" 2 "$(q "select count(*) from calls where outcome='answered'")"
stop_server
finish
