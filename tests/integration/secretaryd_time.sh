#!/bin/bash
# --speedup and --t0: durations are divided on the wire and CDR times are
# scenario time; the shift at 20 s of scenario time (tests/data/scn-server/
# shifts.yaml: 1 operator, then 3) happens at that instant counted from --t0.
. "$(dirname "$0")/secretaryd_lib.sh"
SCN=$SRC/tests/data/scn-server/shifts.yaml
# Scenario time zero 1 s ago; speed-up 10: we start at 10 s of scenario
# time, the shift comes 1 s (wire) later.
T0=$(/usr/bin/python3 -c 'import time; print("%.6f" % (time.time() - 1.0))')
start_server "$SCN" data --speedup 10 --t0 "$T0"
csv c.csv "0312345678;inquiry" "0312345678;inquiry"
sipp_run two uac_center_bye.xml c.csv -m 2 -r 20
check "both calls complete" 0 $?
sleep 0.5
check "two answered CDRs" 2 "$(q "select count(*) from calls where outcome='answered'")"
check "first call: started near scenario time 10 s" 1 \
	"$(q "select t_invite between 10.0 and 13.0 from calls where seq=1")"
check "first call: pick-up 1 s of scenario time (0.1 s on the wire)" 1 \
	"$(q "select wait_s between 0.99 and 1.5 from calls where seq=1")"
check "first call: talk 10 s of scenario time" 1 \
	"$(q "select duration_s between 9.9 and 11.0 from calls where seq=1")"
# The second call waits for the shift at 20 s (the only operator talks until
# ~21 s), then the new operator picks up: answered at 21 s.
check "second call: answered 1 s after the shift at 20 s" "1|op2" \
	"$(q "select t_answer between 20.99 and 21.6, answered_by from calls where seq=2")"
stop_server
finish
