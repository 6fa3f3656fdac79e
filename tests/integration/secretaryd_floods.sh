#!/bin/bash
# Descriptors run out (issue 12, item 4): with a soft limit of 256
# descriptors, 300 idle TCP connections and one admin request must not make
# secretaryd spin or flood its log (CPU < 10 %, stderr < 100 KB over 30 s),
# and OPTIONS are answered over UDP and TCP afterwards: the TCP limit
# (below the descriptor limit) pauses accepting, and connections that never
# send a message are closed after STP_HALF_OPEN_S (10 s).
. "$(dirname "$0")/secretaryd_lib.sh"
SCN=$SRC/tests/data/scn-server/basic.yaml
printf '#!/bin/bash\nulimit -Sn 256 || exit 3\nexec %q "$@"\n' "$SD_BIN" >sd256
chmod +x sd256
SD_BIN=$WORK/sd256
start_server "$SCN" data --log-level info
HPORT=$(sed -n 's/.*http=127\.0\.0\.1:\([0-9]*\).*/\1/p' ready.txt)
timeout 90 python3 "$SRC/tests/integration/secretaryd_floods.py" "$SD_PID" "$SD_PORT" "$HPORT" \
	server.log "${FLOOD_SECONDS:-30}"
check "no spin, no log flood, served again" 0 $?
grep -q "TCP accept paused" server.log
check "the pause is logged" 0 $?
check "logged once or twice, not per connection" 1 "$(($(grep -c 'TCP accept paused' server.log) <= 4))"
stop_server
finish
