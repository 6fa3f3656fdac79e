# Shared helpers for secretaryd's integration tests (sourced, not run).
#   SD_BIN   the secretaryd binary (first argument of each test)
#   SRC      the source tree (second argument)
# Every test works in its own temporary folder, on 127.0.0.1 with port 0,
# and kills only the processes it started (by pid) on exit.
set -u
SD_BIN=${1:?usage: test.sh SECRETARYD SOURCE_DIR}
SRC=${2:?usage: test.sh SECRETARYD SOURCE_DIR}
FLOWS=$SRC/scenarios/sipp
WORK=$(mktemp -d /tmp/secretaryd-test.XXXXXX)
SD_PID=
FAILS=0
cd "$WORK" || exit 3

cleanup() {
	if [ -n "$SD_PID" ] && kill -0 "$SD_PID" 2>/dev/null; then
		kill -KILL "$SD_PID" 2>/dev/null
	fi
	if [ "$FAILS" -eq 0 ] && [ -z "${KEEP:-}" ]; then
		rm -rf "$WORK"
	else
		echo "work folder kept: $WORK"
	fi
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "ok: $*"; }
# check DESCRIPTION EXPECTED ACTUAL
check() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected '$2', got '$3'"; fi
}

# start_server SCENARIO DATA_DIR [extra args...]: sets SD_PID and SD_PORT.
start_server() {
	local scn=$1 data=$2
	shift 2
	rm -f ready.txt
	"$SD_BIN" --scenario "$scn" --listen 127.0.0.1:0 --http 127.0.0.1:0 --data-dir "$data" "$@" \
		>ready.txt 2>>server.log &
	SD_PID=$!
	for _ in $(seq 100); do
		grep -q ready ready.txt 2>/dev/null && break
		kill -0 "$SD_PID" 2>/dev/null || break
		sleep 0.05
	done
	SD_PORT=$(sed -n 's/.*udp=127\.0\.0\.1:\([0-9]*\).*/\1/p' ready.txt)
	if [ -z "$SD_PORT" ]; then
		echo "secretaryd did not start:"; cat server.log; exit 3
	fi
}

# stop_server: SIGTERM, waits (bounded) and checks the exit status is 0.
stop_server() {
	kill -TERM "$SD_PID"
	for _ in $(seq 200); do
		kill -0 "$SD_PID" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$SD_PID" 2>/dev/null; then
		fail "secretaryd did not stop within 10 s of SIGTERM"
		kill -KILL "$SD_PID"
	fi
	wait "$SD_PID"
	check "secretaryd exit status after SIGTERM" 0 $?
	SD_PID=
}

# sipp_run NAME FLOW CSV [sipp args...]: runs SIPp against the server,
# bounded in time; returns SIPp's exit status (0: every call succeeded).
sipp_run() {
	local name=$1 flow=$2 csv=$3
	shift 3
	timeout 60 sipp "127.0.0.1:$SD_PORT" -sf "$FLOWS/$flow" -inf "$csv" -nostdin \
		-trace_err -error_file "$name.err" -trace_logs -log_file "$name.log" \
		-trace_rtt -rtt_freq 1 -timeout 50s -timeout_error "$@" \
		>"$name.out" 2>&1 </dev/null
}

# q SQL: one value from the CDR database (data/cdr.sqlite).
q() { sqlite3 "${DB:-data/cdr.sqlite}" "$1"; }

# csv FILE LINE...: a SIPp injection file.
csv() {
	local f=$1
	shift
	printf 'SEQUENTIAL\n' >"$f"
	for l in "$@"; do printf '%s\n' "$l" >>"$f"; done
}

finish() {
	if grep -qE "ERROR: AddressSanitizer|runtime error:|LeakSanitizer" server.log 2>/dev/null; then
		fail "sanitizer report in the server's log"
	fi
	if [ "$FAILS" -gt 0 ]; then
		echo "$FAILS check(s) failed"; tail -20 server.log; exit 1
	fi
	echo "all checks passed"; exit 0
}
