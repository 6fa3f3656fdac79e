#!/bin/bash
# SIGTERM drains: new calls get 503, calls in progress finish, CDRs are
# flushed, exit status 0. With --grace shorter than the calls, the center
# ends them (BYE) when the grace time is over.
. "$(dirname "$0")/secretaryd_lib.sh"
SCN=$SRC/tests/data/scn-server/basic.yaml

start_server "$SCN" data
csv c.csv "0312345678;inquiry" "0312345678;inquiry" "0398765432;inquiry"
sipp_run inprogress uac_center_bye.xml c.csv -m 3 -r 100 &
SIPP_PID=$!
sleep 0.5
kill -TERM "$SD_PID"
sleep 0.2
csv d.csv "0312345678;inquiry"
sipp_run refused uac_rejected.xml d.csv -m 1
check "a new call while draining: SIPp got 503" 0 $?
wait "$SIPP_PID"
check "calls in progress finished normally" 0 $?
for _ in $(seq 100); do kill -0 "$SD_PID" 2>/dev/null || break; sleep 0.05; done
wait "$SD_PID"
check "secretaryd exited 0 after draining" 0 $?
SD_PID=
check "CDRs: 3 answered (talk 2 s), 1 refused 503" "answered|3|center;rejected|1|" \
	"$(q "select outcome || '|' || count(*) || '|' || coalesce(min(ended_by), '') from calls group by outcome order by outcome" | tr '\n' ';' | sed 's/;$//')"
check "answered calls talked their full 2 s" 3 "$(q "select count(*) from calls where duration_s >= 2.0")"
check "the refused call's status" 503 "$(q "select final_status from calls where outcome='rejected'")"

# Grace 0.5 s: calls answered at 1 s would talk until 3 s; the center ends them.
DB=grace/cdr.sqlite
start_server "$SCN" grace --grace 0.5
csv e.csv "0312345678;inquiry" "0312345678;inquiry"
sipp_run graceful uac_center_bye.xml e.csv -m 2 -r 100 &
SIPP_PID=$!
sleep 1.3
kill -TERM "$SD_PID"
wait "$SIPP_PID"
check "calls ended by the grace limit still complete for SIPp" 0 $?
for _ in $(seq 100); do kill -0 "$SD_PID" 2>/dev/null || break; sleep 0.05; done
wait "$SD_PID"
check "secretaryd exited 0 after the grace time" 0 $?
SD_PID=
check "both calls cut short by the center (duration < 1 s)" 2 \
	"$(q "select count(*) from calls where outcome='answered' and ended_by='center' and duration_s < 1.0")"
finish
