#!/bin/bash
# Report latency under load: SIPp places calls at RATE per second for about
# SECONDS against secretaryd (reports on, Maildir or SMTP), then this prints
# the two latencies the CDR database records per call (docs/secretaryd-reports.md):
# caller hang-up to report delivered (the 0.5 s wrap-up included) and
# report written to delivered (the spool and delivery alone), p50/p90/p99/max.
#   bench/reports/latency.sh BUILD_DIR [RATE [SECONDS [maildir|smtp]]]
# SMTP uses Debian's aiosmtpd on loopback as the mail server.
set -u
BUILD=${1:?usage: latency.sh BUILD_DIR [RATE [SECONDS [maildir|smtp]]]}
# absolute: the script works in a temporary folder, where a relative
# build path would point nowhere
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
RATE=${2:-100}
SECS=${3:-20}
MODE=${4:-maildir}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
SD=$BUILD/secretaryd
[ -x "$SD" ] || { echo "latency.sh: no secretaryd at $SD" >&2; exit 3; }
WORK=$(mktemp -d /tmp/reports-bench.XXXXXX)
cd "$WORK" || exit 3
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done; rm -rf "$WORK"' EXIT
extra=()
if [ "$MODE" = smtp ]; then
	PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$PORT" -c aiosmtpd.handlers.Mailbox box >smtp.log 2>&1 &
	PIDS+=($!)
	sleep 1
	extra=(--delivery smtp --smtp-host 127.0.0.1 --smtp-port "$PORT")
fi
"$SD" --scenario "$SRC/bench/reports/load.yaml" --listen 127.0.0.1:0 --http off --data-dir data \
	"${extra[@]}" >ready.txt 2>server.log &
PIDS+=($!)
for _ in $(seq 100); do
	grep -q ready ready.txt && break
	kill -0 "${PIDS[-1]}" 2>/dev/null || break # it exited: it will not get ready
	sleep 0.05
done
SIP=$(sed -n 's/.*udp=127\.0\.0\.1:\([0-9]*\).*/\1/p' ready.txt)
if [ -z "$SIP" ] || ! kill -0 "${PIDS[-1]}" 2>/dev/null; then
	echo "latency.sh: secretaryd did not start; its log:" >&2
	cat server.log >&2
	exit 3
fi
printf 'SEQUENTIAL\n0312345678;inquiry;09012345678;山田;山田工業\n0398765432;inquiry;09087654321;佐藤;\n' >c.csv
N=$((RATE * SECS))
timeout $((SECS + 60)) sipp "127.0.0.1:$SIP" -sf "$SRC/tests/integration/reports_uac.xml" -inf c.csv \
	-r "$RATE" -m "$N" -nostdin -timeout $((SECS + 50))s >sipp.out 2>&1 </dev/null
st=$?
echo "SIPp exit status $st ($N calls at $RATE/s)"
[ "$st" -le 1 ] || { tail -20 sipp.out >&2; echo "latency.sh: SIPp failed" >&2; exit 3; }
sleep 5 # the last wrap-ups and deliveries
kill -TERM "${PIDS[-1]}"
wait "${PIDS[-1]}"
/usr/bin/python3 - data/cdr.sqlite "$N" "$MODE" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
calls = db.execute("select count(*) from calls where outcome='answered'").fetchone()[0]
for col in ("hangup_to_delivered_s", "written_to_delivered_s"):
    v = sorted(r[0] for r in db.execute("select %s from reports" % col))
    q = lambda p: v[min(len(v) - 1, int(p * len(v)))] * 1000
    print("%s (%s): %d reports for %d answered calls: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms"
          % (col, sys.argv[3], len(v), calls, q(.5), q(.9), q(.99), v[-1] * 1000))
PY
