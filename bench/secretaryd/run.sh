#!/bin/bash
# secretaryd against SIPp's own UAS, on this machine, with one fixed
# configuration (tests/data/scn-server/fast.yaml): CDRs and queue_log on, a
# fixed 200 ms pick-up, 12,000 operators so no call waits, SIPp callers
# (uac_caller_bye.xml) hanging up 100 ms after the 200 OK.
#
# For each rate (calls/s) it runs the same SIPp caller load for SECS seconds
# first against SIPp as a UAS answering after 200 ms (uas_answer_200ms.xml),
# then against secretaryd, and prints per rate: failed calls, CPU time per
# call of the answering process (utime+stime from /proc/PID/stat) and the
# ratio secretaryd / SIPp. Then: the highest rate with zero failed calls for
# each, RSS at about 10,000 concurrent calls, and the INVITE-to-200 time
# minus the 200 ms pick-up as SIPp's caller saw it at 1,000 calls/s (an upper
# bound on the answer error: it includes SIPp's own delays; ms resolution).
#
# usage: bench/secretaryd/run.sh [BUILD_DIR]   (env: RATES="500 1000 ...", SECS=10)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
BUILD=$(cd "${1:-$SRC/build}" && pwd)
SD=$BUILD/secretaryd
FLOWS=$SRC/scenarios/sipp
SCN=$SRC/tests/data/scn-server/fast.yaml
RATES=${RATES:-"500 1000 2000 3000 4000"}
SECS=${SECS:-10}
WORK=$(mktemp -d /tmp/secretaryd-bench.XXXXXX)
cd "$WORK" || exit 3
TICK=$(getconf CLK_TCK)
PEER_PID=
trap '[ -n "$PEER_PID" ] && kill -KILL $PEER_PID 2>/dev/null; rm -rf "$WORK"' EXIT
[ -x "$SD" ] || { echo "no secretaryd at $SD (build it, or give the build dir)"; exit 2; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_peer sipp|secretaryd: sets PEER_PID and PEER_PORT.
start_peer() {
	PEER_NAME=$1
	if [ "$1" = sipp ]; then
		PEER_PORT=$(free_port)
		sipp -sf "$FLOWS/uas_answer_200ms.xml" -i 127.0.0.1 -p "$PEER_PORT" -nostdin \
			-buff_size 8388608 -max_socket 65000 >uas.out 2>&1 </dev/null &
		PEER_PID=$!
		sleep 0.5
	else
		rm -rf data ready.txt
		"$SD" --scenario "$SCN" --listen 127.0.0.1:0 --http off --data-dir data --log-level warning \
			>ready.txt 2>sd.log &
		PEER_PID=$!
		for _ in $(seq 100); do grep -q ready ready.txt 2>/dev/null && break; sleep 0.05; done
		PEER_PORT=$(sed -n 's/.*udp=127\.0\.0\.1:\([0-9]*\).*/\1/p' ready.txt)
	fi
}
stop_peer() {
	kill -TERM "$PEER_PID" 2>/dev/null
	for _ in $(seq 100); do kill -0 "$PEER_PID" 2>/dev/null || break; sleep 0.05; done
	kill -KILL "$PEER_PID" 2>/dev/null
	wait "$PEER_PID" 2>/dev/null
	PEER_PID=
}

# load RATE CALLS TALK_MS [extra sipp args]: the caller side; prints "ok failed".
load() {
	local rate=$1 calls=$2 talk=$3
	shift 3
	printf 'SEQUENTIAL\n0312345678;inquiry;%s\n' "$talk" >calls.csv
	rm -f uac_caller_bye_*_.csv uac_caller_bye_*_rtt.csv
	timeout $((SECS + 90)) sipp "127.0.0.1:$PEER_PORT" -sf "$FLOWS/uac_caller_bye.xml" \
		-inf calls.csv -r "$rate" -m "$calls" -l 60000 -nostdin -buff_size 8388608 \
		-max_socket 65000 -timeout $((SECS + 60))s -trace_stat -fd 1 \
		-trace_err -error_file "err_${PEER_NAME}_$rate.txt" "$@" \
		>uac.out 2>&1 </dev/null
	/usr/bin/python3 - <<'PY'
import csv, glob
f = sorted(glob.glob('uac_caller_bye_*_.csv'))
rows = list(csv.reader(open(f[-1]), delimiter=';')) if f else []
if len(rows) < 2:
    print("0 -1")
else:
    h, last = rows[0], rows[-1]
    ok = int(last[h.index('SuccessfulCall(C)')]); bad = int(last[h.index('FailedCall(C)')])
    print(ok, bad)
PY
}

declare -A FAIL CPU
echo "# secretaryd vs SIPp UAS: $SECS s per rate, 200 ms pick-up, callers hang up 100 ms after the 200"
printf '%-8s %-10s %10s %8s %14s %10s\n' rate peer calls_ok failed cpu_us_per_call ratio
for rate in $RATES; do
	for peer in sipp secretaryd; do
		start_peer $peer
		t0=$(cpu_ticks "$PEER_PID")
		read -r ok bad < <(load "$rate" $((rate * SECS)) 100)
		t1=$(cpu_ticks "$PEER_PID")
		stop_peer
		per=$(/usr/bin/python3 -c "print('%.1f' % (($t1 - $t0) / $TICK * 1e6 / max($ok, 1)))")
		FAIL[$peer,$rate]=$bad
		CPU[$peer,$rate]=$per
		ratio=
		[ $peer = secretaryd ] && ratio=$(/usr/bin/python3 -c "a=${CPU[secretaryd,$rate]}; b=${CPU[sipp,$rate]}; print('%.2f' % (a / b) if b else 'n/a')")
		printf '%-8s %-10s %10s %8s %14s %10s\n' "$rate" "$peer" "$ok" "$bad" "$per" "$ratio"
		if [ "$bad" != 0 ] && [ -s "err_${peer}_$rate.txt" ]; then
			echo "   why (SIPp's first errors):"
			grep -o 'Aborting call[^:]*: [^\x27]*\|while expecting [^,]*, received [^\n]\{0,40\}\|[A-Z][a-z]* timeout[^.]*' \
				"err_${peer}_$rate.txt" | sed 's/[0-9-]*@127.*//' | sort | uniq -c | sort -rn | head -3 | sed 's/^/     /'
		fi
	done
done
for peer in sipp secretaryd; do
	best=none steady=none broken=
	for rate in $RATES; do
		if [ "${FAIL[$peer,$rate]}" = 0 ]; then
			best=$rate
			[ -z "$broken" ] && steady=$rate
		else
			broken=1
		fi
	done
	echo "highest rate with zero failed calls, $peer: $best calls/s (with every lower rate clean too: $steady)"
done

# About 10,000 concurrent calls: 1,000 calls/s, each 200 ms + 10 s long.
for peer in sipp secretaryd; do
	start_peer $peer
	max=0
	( load 1000 12000 10000 >conc.txt ) &
	lp=$!
	for _ in $(seq 26); do
		sleep 0.5
		r=$(rss_kb "$PEER_PID" 2>/dev/null || echo 0)
		[ "$r" -gt "$max" ] && max=$r
	done
	wait $lp
	stop_peer
	echo "peak RSS at ~10,000 concurrent calls, $peer: $((max / 1024)) MB (calls ok/failed: $(cat conc.txt))"
done

# Answer timing at 1,000 calls/s: as the caller saw it (SIPp's INVITE-to-200
# time, ms resolution), and on the wire (a loopback capture: the 200 OK's
# capture time minus the INVITE's plus 200 ms; no call waits, so that is
# the 200 minus the scheduled end of the pick-up, plus the INVITE's own
# handling).
start_peer secretaryd
CAP=
if command -v tcpdump >/dev/null && command -v tshark >/dev/null; then
	tcpdump -i lo -s 0 -B 65536 -w cap.pcap "udp port $PEER_PORT" >tcpdump.log 2>&1 &
	CAP=$!
	sleep 1
fi
load 1000 $((1000 * SECS)) 100 -trace_rtt -rtt_freq 100 >/dev/null
[ -n "$CAP" ] && { sleep 0.5; kill -INT $CAP; wait $CAP; }
stop_peer
/usr/bin/python3 - <<'PY'
import glob, os, subprocess
v = []
for f in glob.glob('uac_caller_bye_*_rtt.csv'):
    for line in open(f).read().split('\n')[1:]:
        p = line.split(';')
        if len(p) >= 3 and p[2] == 'pickup':
            v.append(float(p[1]) - 200.0)
def show(label, v, unit):
    v.sort()
    if not v:
        print(label + ": no data"); return
    q = lambda x: v[min(len(v) - 1, int(x * len(v)))]
    print("%s: n=%d p50=%.3f p99=%.3f max=%.3f %s" % (label, len(v), q(0.5), q(0.99), v[-1], unit))
show("INVITE-to-200 minus 200 ms at 1,000 calls/s, caller side (SIPp)", v, "ms")
if os.path.exists('cap.pcap'):
    out = subprocess.run(['tshark', '-r', 'cap.pcap', '-Y', 'sip.CSeq.method == "INVITE"', '-T', 'fields',
                          '-e', 'frame.time_epoch', '-e', 'sip.Call-ID', '-e', 'sip.Method',
                          '-e', 'sip.Status-Code'], capture_output=True, text=True).stdout
    inv, ok = {}, {}
    for line in out.splitlines():
        p = line.split('\t')
        if len(p) < 4: continue
        t, cid, m, st = float(p[0]), p[1], p[2], p[3]
        if m == 'INVITE': inv.setdefault(cid, t)
        elif st == '200': ok.setdefault(cid, t)
    w = [(ok[c] - inv[c] - 0.2) * 1000 for c in ok if c in inv]
    show("answer error on the wire at 1,000 calls/s (200 OK - INVITE - 200 ms)", w, "ms")
PY
