# Shared helpers for secretaryd part 2's integration tests (sourced, not run).
#   SD_BIN   the secretaryd binary (first argument of each test)
#   SRC      the source tree (second argument)
# Every test works in its own temporary folder, on 127.0.0.1 with port 0,
# and stops only the processes it started (by pid) on exit.
set -u
SD_BIN=${1:?usage: test.sh SECRETARYD SOURCE_DIR}
SRC=${2:?usage: test.sh SECRETARYD SOURCE_DIR}
PY=/usr/bin/python3 # Debian's Python modules (aiosmtpd, prometheus_client) import only here
SCN=$SRC/tests/data/reports/reports.yaml
UAC=$SRC/tests/integration/reports_uac.xml
WORK=$(mktemp -d /tmp/reports-test.XXXXXX)
SD_PID=
SMTP_PID=
FAILS=0
cd "$WORK" || exit 3

cleanup() {
	for p in $SD_PID $SMTP_PID; do
		kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null
	done
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
# contains DESCRIPTION FILE TEXT: the file contains the text (fixed string)
contains() {
	if grep -qF -- "$3" "$2"; then pass "$1"; else fail "$1: '$3' not in $2"; fi
}

# start_server DATA_DIR [extra args...]: sets SD_PID, SD_PORT, HTTP_PORT.
start_server() {
	local data=$1
	shift
	rm -f ready.txt
	"$SD_BIN" --scenario "${SCN_FILE:-$SCN}" --listen 127.0.0.1:0 --http 127.0.0.1:0 \
		--data-dir "$data" "$@" >ready.txt 2>>server.log &
	SD_PID=$!
	for _ in $(seq 100); do
		grep -q ready ready.txt 2>/dev/null && break
		kill -0 "$SD_PID" 2>/dev/null || break
		sleep 0.05
	done
	SD_PORT=$(sed -n 's/.*udp=127\.0\.0\.1:\([0-9]*\).*/\1/p' ready.txt)
	HTTP_PORT=$(sed -n 's/.*http=127\.0\.0\.1:\([0-9]*\).*/\1/p' ready.txt)
	if [ -z "$SD_PORT" ] || [ -z "$HTTP_PORT" ]; then
		echo "secretaryd did not start:"; cat server.log; exit 3
	fi
}

# stop_server: SIGTERM, waits (bounded) and checks the exit status is 0.
stop_server() {
	kill -TERM "$SD_PID"
	for _ in $(seq 300); do
		kill -0 "$SD_PID" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$SD_PID" 2>/dev/null; then
		fail "secretaryd did not stop within 15 s of SIGTERM"
		kill -KILL "$SD_PID"
	fi
	wait "$SD_PID"
	check "secretaryd exit status after SIGTERM" 0 $?
	SD_PID=
}

# calls FILE LINE...: an injection file for reports_uac.xml
# (number;type;caller number;caller name;company).
calls() {
	local f=$1
	shift
	printf 'SEQUENTIAL\n' >"$f"
	for l in "$@"; do printf '%s\n' "$l" >>"$f"; done
}

# place NAME CSV [sipp args...]: the calls of CSV, bounded in time.
place() {
	local name=$1 csv=$2
	shift 2
	timeout 60 sipp "127.0.0.1:$SD_PORT" -sf "$UAC" -inf "$csv" -nostdin \
		-trace_err -error_file "$name.err" -timeout 50s -timeout_error "$@" \
		>"$name.out" 2>&1 </dev/null
}

# http PATH [curl args...]: the admin interface's answer on stdout.
http() {
	local p=$1
	shift
	curl -sS --max-time 5 "$@" "http://127.0.0.1:$HTTP_PORT$p"
}

# metric NAME{labels}: one sample's value, read with prometheus_client's parser.
metric() {
	http /metrics | $PY -c '
import sys
from prometheus_client.parser import text_string_to_metric_families
want = sys.argv[1]
for fam in text_string_to_metric_families(sys.stdin.read()):
    for s in fam.samples:
        key = s.name + ("{" + ",".join("%s=\"%s\"" % kv for kv in sorted(s.labels.items())) + "}" if s.labels else "")
        if key == want:
            print(int(s.value) if s.value == int(s.value) else s.value)
' "$1"
}

# wait_for DESCRIPTION SECONDS COMMAND...: until the command succeeds.
wait_for() {
	local what=$1 secs=$2
	shift 2
	local end=$((SECONDS + secs))
	while [ $SECONDS -lt $end ]; do
		"$@" && return 0
		sleep 0.2
	done
	fail "$what: not within $secs s"
	return 1
}

# mails DIR: one line per message in a Maildir tree:
# "tenant<TAB>test<TAB>call-id<TAB>decoded subject".
mails() {
	$PY - "$1" <<'EOF'
import email, email.header, os, sys
for root, dirs, files in sorted(os.walk(sys.argv[1])):
    if os.path.basename(root) != "new":
        continue
    for f in sorted(files):
        m = email.message_from_binary_file(open(os.path.join(root, f), "rb"))
        subj = "".join(b.decode(c or "ascii") if isinstance(b, bytes) else b
                       for b, c in email.header.decode_header(m["Subject"]))
        print("\t".join([m["X-Ringbench-Tenant"], m["X-Ringbench-Test"], m["X-Ringbench-Call-ID"], subj]))
EOF
}

finish() {
	if grep -qE "ERROR: AddressSanitizer|runtime error:|LeakSanitizer" server.log 2>/dev/null; then
		fail "sanitizer report in the server's log"
	fi
	if [ "$FAILS" -gt 0 ]; then
		echo "$FAILS check(s) failed"; tail -30 server.log; exit 1
	fi
	echo "all checks passed"; exit 0
}
