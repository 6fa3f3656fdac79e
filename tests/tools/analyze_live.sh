#!/bin/bash
# Integration test: `ringbench analyze --interface lo` while SIPp places 5
# calls against SIPp's UAS on 127.0.0.1; stopped with SIGINT (as Ctrl-C).
# Checks the exit status, that 5 answered calls were found, and that the
# capture it wrote (--write) gives the same calls as tshark's fields.
# Skips (exit 77) without root or sipp.
#   analyze_live.sh RINGBENCH
set -u
rb=$1
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || { echo "needs root (live capture)"; exit 77; }
command -v sipp >/dev/null || { echo "needs sipp"; exit 77; }
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
port=$((20000 + RANDOM % 20000))
"$rb" analyze --interface lo --filter "udp port $port or udp port $((port + 1))" \
	--write "$work/live.pcap" --out "$work/out" --quiet &
ap=$!
pids+=($ap)
sleep 1
sipp -sn uas -i 127.0.0.1 -p $port -nostdin >/dev/null 2>&1 &
pids+=($!)
sleep 0.5
timeout 60 sipp 127.0.0.1:$port -sn uac -i 127.0.0.1 -p $((port + 1)) -m 5 -r 5 -d 200 \
	-nostdin >/dev/null 2>&1 || { echo "sipp uac failed"; exit 1; }
sleep 0.5
kill -INT $ap
wait $ap
rc=$?
[ $rc = 0 ] || { echo "ringbench analyze exited $rc after SIGINT"; exit 1; }
n=$(grep -c ',answered,' "$work/out/calls.csv")
[ "$n" = 5 ] || { echo "expected 5 answered calls, got $n"; cat "$work/out/calls.csv"; exit 1; }
/usr/bin/python3 "$here/tshark_calls.py" "$rb" "$work/live.pcap" --min-calls 5
