#!/bin/bash
# RFC 3261 retransmissions over UDP (Timer G for the 200, Timer E for the
# center's BYE, the 487 until ACK), from secretaryd_timers.py.
. "$(dirname "$0")/secretaryd_lib.sh"
start_server "$SRC/tests/data/scn-server/basic.yaml" data
timeout 60 /usr/bin/python3 "$SRC/tests/integration/secretaryd_timers.py" "$SD_PORT"
check "retransmission timers" 0 $?
sleep 0.3
check "CDRs: answered ended by the center, and abandoned" "abandoned|caller;answered|center" \
	"$(q "select outcome || '|' || ended_by from calls order by outcome" | tr '\n' ';' | sed 's/;$//')"
stop_server
finish
