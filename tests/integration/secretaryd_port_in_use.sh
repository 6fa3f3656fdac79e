#!/bin/bash
# A --listen (or --http) port already taken: secretaryd says so first
# (before any warning or the configuration summary), with the fix, and
# exits 2; with port 0 it starts.
. "$(dirname "$0")/secretaryd_lib.sh"
SCN=$SRC/tests/data/scn-server/basic.yaml

# hold a UDP and a TCP port (same number) for the length of the test
python3 -c '
import socket, sys, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
p = u.getsockname()[1]
t = socket.socket(); t.bind(("127.0.0.1", p)); t.listen()
print(p, flush=True)
time.sleep(60)' >port.txt &
HOLD_PID=$!
for _ in $(seq 100); do [ -s port.txt ] && break; sleep 0.05; done
PORT=$(cat port.txt)
"$SD_BIN" --scenario "$SCN" --listen "127.0.0.1:$PORT" --http 127.0.0.1:0 --data-dir none \
	>out.txt 2>err.txt
check "a port in use: exit 2" 2 $?
"$SD_BIN" --scenario "$SCN" --listen 127.0.0.1:0 --http "127.0.0.1:$PORT" --data-dir none \
	>out2.txt 2>err2.txt
check "an --http port in use: exit 2" 2 $?
check "its first line says the port and the fix" \
	"secretaryd: --http 127.0.0.1:$PORT: port $PORT is in use; choose another with --http HOST:PORT, port 0 for any free port, or --http off" \
	"$(head -1 err2.txt)"
kill "$HOLD_PID" 2>/dev/null
wait "$HOLD_PID" 2>/dev/null
check "the first line says the port and the fix" \
	"secretaryd: --listen 127.0.0.1:$PORT: port $PORT is in use; choose another with --listen HOST:PORT, or port 0 for any free port" \
	"$(head -1 err.txt)"
grep -q "^tenants" err.txt && fail "the configuration summary was printed: $(cat err.txt)" ||
	pass "no configuration summary before the failure"
start_server "$SCN" data
check "port 0: started" 0 $?
kill -TERM "$SD_PID"
wait "$SD_PID"
SD_PID=
finish
