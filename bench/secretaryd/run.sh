#!/bin/bash
# secretaryd against SIPp's own UAS on this machine: how many calls a second
# each answers cleanly, and the CPU each spends per call.
#
#   bench/secretaryd/run.sh [BUILD_DIR]
#
# Environment (defaults in brackets):
#   RATES ["2000 5000 8000 10000 12000 14000 16000 18000 20000 22500 25000 30000"]
#                       calls/s, ascending: past where each side has been
#                       seen to fail (SIPp's UAS above 12,000/s, secretaryd
#                       above 20,000/s on a quiet machine)
#   SECS [5]            seconds of calls per rate (RATE x SECS calls)
#   MAX_TOTAL_S [900]   time budget: no new rate is started after it
#   EXTRAS [1]          0 skips the RSS and answer-timing runs at the end
#   OUT [results/bench/secretaryd]   where the JSON result goes
#
# The answering side is, in turn at each rate, SIPp as a UAS answering after
# 200 ms (scenarios/sipp/uas_answer_200ms.xml) and secretaryd with
# bench/secretaryd/fast.yaml (CDRs and queue_log on, a fixed 200 ms pick-up,
# 40,000 operators so that no call waits even at 30,000 calls/s). The
# callers are one SIPp (uac_caller_bye.xml) hanging up 100 ms after the
# 200 OK. Each answering process is started fresh for each rate.
#
# Per rate and side:
#   attempted    calls SIPp's caller created (TotalCallCreated)
#   achieved     the rate it created them at, from its per-second
#                statistics (the full seconds of calling), against the
#                nominal: one SIPp caller on a shared 2-core machine may
#                place far fewer than asked
#   failed       SIPp's failed calls (timeouts, unexpected messages, ...)
#   cpu/call     CPU time (user + sys, all threads) of the answering
#                process while the calls ran, from /proc/PID/stat in clock
#                ticks (getconf CLK_TCK) converted to seconds, divided by
#                the ATTEMPTED calls (a server that drops calls must not
#                look cheaper for it)
# A rate is clean for a side when no call failed, SIPp placed every call
# asked and its achieved rate was at least 95 % of the nominal. A side's
# highest clean rate is the highest rate below which (and at which) every
# rate run was clean; a side is not run at higher rates after its first
# unclean one. If the caller alone fell short (no call failed), the rate is
# tried once more (a neighbour on a shared machine may have had the CPU);
# if it falls short again the rate is unclean for the side it ran against,
# and the report says so: that is a limit of this load generator on this
# machine at that moment, not of the answering side. Each SIPp caller run
# is bounded: SIPp's -timeout at the calls' span + 20 s, `timeout` at + 40 s.
#
# Then (EXTRAS=1): peak RSS of each side at about 10,000 concurrent calls
# (1,000 calls/s, each 200 ms + 10 s), and the INVITE-to-200 time minus the
# 200 ms pick-up at 1,000 calls/s, as SIPp's caller saw it (ms resolution)
# and on the wire (a loopback capture, when tcpdump and tshark are there).
#
# Exit status: 0 done; 3 if a side never started, died during a run, or
# SIPp's caller left no statistics.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
BUILD=${1:-$SRC/build}
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
SD=$BUILD/secretaryd
FLOWS=$SRC/scenarios/sipp
SCN=$HERE/fast.yaml
RATES=${RATES:-"2000 5000 8000 10000 12000 14000 16000 18000 20000 22500 25000 30000"}
SECS=${SECS:-5}
MAX_TOTAL_S=${MAX_TOTAL_S:-900}
EXTRAS=${EXTRAS:-1}
OUT=${OUT:-$SRC/results/bench/secretaryd}
PY=/usr/bin/python3
TICK=$(getconf CLK_TCK)
START=$SECONDS
die() { echo "bench/secretaryd: $*" >&2; exit 3; }
[ -x "$SD" ] || die "no secretaryd at $SD (build it, or give the build dir)"
command -v sipp >/dev/null || die "sipp not installed (Debian: sip-tester)"
WORK=$(mktemp -d /tmp/secretaryd-bench.XXXXXX)
cd "$WORK" || exit 3
PEER_PID=
trap '[ -n "$PEER_PID" ] && kill -KILL $PEER_PID 2>/dev/null; rm -rf "$WORK"' EXIT

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
free_port() { $PY -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_peer sipp|secretaryd: sets PEER_PID and PEER_PORT, or exits 3.
start_peer() {
	PEER_NAME=$1
	if [ "$1" = sipp ]; then
		PEER_PORT=$(free_port)
		sipp -sf "$FLOWS/uas_answer_200ms.xml" -i 127.0.0.1 -p "$PEER_PORT" -nostdin \
			-buff_size 8388608 -max_socket 65000 >uas.out 2>&1 </dev/null &
		PEER_PID=$!
		sleep 0.5
		kill -0 "$PEER_PID" 2>/dev/null || { cat uas.out >&2; die "SIPp's UAS did not start"; }
	else
		rm -rf data ready.txt
		"$SD" --scenario "$SCN" --listen 127.0.0.1:0 --http off --data-dir data --log-level warning \
			>ready.txt 2>sd.log &
		PEER_PID=$!
		for _ in $(seq 200); do
			grep -q ready ready.txt 2>/dev/null && break
			kill -0 "$PEER_PID" 2>/dev/null || break # exited: no point waiting
			sleep 0.05
		done
		PEER_PORT=$(sed -n 's/.*udp=127\.0\.0\.1:\([0-9]*\).*/\1/p' ready.txt)
		if [ -z "$PEER_PORT" ] || ! kill -0 "$PEER_PID" 2>/dev/null; then
			echo "secretaryd's log:" >&2
			cat sd.log >&2
			die "secretaryd did not start (no 'ready' line with a UDP port)"
		fi
	fi
}
stop_peer() {
	kill -TERM "$PEER_PID" 2>/dev/null
	for _ in $(seq 100); do kill -0 "$PEER_PID" 2>/dev/null || break; sleep 0.05; done
	kill -KILL "$PEER_PID" 2>/dev/null
	wait "$PEER_PID" 2>/dev/null
	PEER_PID=
}
alive() {
	kill -0 "$PEER_PID" 2>/dev/null && return 0
	[ "$PEER_NAME" = secretaryd ] && cat sd.log >&2
	[ "$PEER_NAME" = sipp ] && cat uas.out >&2
	die "$PEER_NAME died during the calls at $1/s"
}

# load RATE CALLS TALK_MS [extra sipp args]: the caller side; prints one JSON
# line: attempted, ok, failed, achieved (calls/s created).
load() {
	local rate=$1 calls=$2 talk=$3
	shift 3
	printf 'SEQUENTIAL\n0312345678;inquiry;%s\n' "$talk" >calls.csv
	rm -f uac_caller_bye_*_.csv uac_caller_bye_*_rtt.csv
	timeout $((calls / rate + 40)) sipp "127.0.0.1:$PEER_PORT" -sf "$FLOWS/uac_caller_bye.xml" \
		-inf calls.csv -r "$rate" -m "$calls" -l 60000 -nostdin -buff_size 8388608 \
		-max_socket 65000 -timeout $((calls / rate + 20))s -trace_stat -fd 1 \
		-trace_err -error_file "err_${PEER_NAME}_$rate.txt" "$@" \
		>uac.out 2>&1 </dev/null
	$PY - <<'PY'
import csv, glob, json, sys
f = sorted(glob.glob('uac_caller_bye_*_.csv'))
rows = list(csv.reader(open(f[-1]), delimiter=';')) if f else []
if len(rows) < 2:
    print(json.dumps({"error": "no statistics from SIPp's caller"}))
    sys.exit(0)
h, body = rows[0], rows[1:]
col = lambda r, name: r[h.index(name)]
epoch = lambda s: float(s.split()[-1])  # "date time epoch"
last = body[-1]
# the periods in which calls were created; the last one is usually partial
per = [(int(col(r, 'OutgoingCall(P)')), epoch(col(r, 'CurrentTime')) - epoch(col(r, 'LastResetTime')))
       for r in body if int(col(r, 'OutgoingCall(P)')) > 0]
full = per[:-1] if len(per) > 1 else per
made, secs = sum(p[0] for p in full), sum(p[1] for p in full)
print(json.dumps({"attempted": int(col(last, 'TotalCallCreated')),
                  "ok": int(col(last, 'SuccessfulCall(C)')),
                  "failed": int(col(last, 'FailedCall(C)')),
                  "achieved": made / secs if secs > 0 else 0.0}))
PY
}

field() { $PY -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

: >runs.jsonl
declare -A DONE
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "# secretaryd vs SIPp UAS: $SECS s per rate, 200 ms pick-up, callers hang up 100 ms after the 200"
echo "# $(nproc) CPUs, load average $load_before; CPU per ATTEMPTED call"
printf '%-7s %-10s %9s %9s %7s %10s %12s %7s  %s\n' rate side attempted achieved failed cpu_s us/call ratio clean
budget_hit=
for rate in $RATES; do
	if [ $((SECONDS - START)) -ge "$MAX_TOTAL_S" ]; then
		budget_hit=$rate
		echo "# time budget of $MAX_TOTAL_S s spent: rates from $rate/s not run"
		break
	fi
	for peer in sipp secretaryd; do
		[ -n "${DONE[$peer]:-}" ] && continue
		for try in 1 2; do
			start_peer $peer
			t0=$(cpu_ticks "$PEER_PID")
			r=$(load "$rate" $((rate * SECS)) 100)
			alive "$rate"
			sleep 0.5 # the last calls' wrap-ups and CDRs
			alive "$rate"
			t1=$(cpu_ticks "$PEER_PID")
			stop_peer
			echo "$r" | grep -q '"error"' && { cat uac.out >&2; die "$(field "$r" error) at $rate/s against $peer"; }
			line=$($PY - "$peer" "$rate" "$SECS" "$t0" "$t1" "$TICK" "$r" <<-'PY'
				import json, sys
				peer, rate, secs, t0, t1, tick = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
				r = json.loads(sys.argv[7])
				cpu = (t1 - t0) / tick
				r.update({"side": peer, "rate": rate, "asked": rate * secs, "cpu_s": cpu,
				          "cpu_us_per_attempted": cpu * 1e6 / max(r["attempted"], 1)})
				why = []
				if r["failed"]: why.append("%d failed" % r["failed"])
				if r["attempted"] < r["asked"]: why.append("only %d of %d calls placed" % (r["attempted"], r["asked"]))
				if r["achieved"] < 0.95 * rate: why.append("caller reached %.0f/s" % r["achieved"])
				r["clean"], r["why"] = not why, ", ".join(why)
				print(json.dumps(r))
			PY
			)
			echo "$line" >>runs.jsonl
			ratio=
			if [ "$peer" = secretaryd ]; then
				ratio=$($PY - "$rate" <<-'PY'
					import json, sys
					rs = [json.loads(l) for l in open("runs.jsonl") if json.loads(l)["rate"] == int(sys.argv[1])]
					c = {r["side"]: r["cpu_us_per_attempted"] for r in rs}
					print("%.2f" % (c["secretaryd"] / c["sipp"]) if c.get("sipp") else "-")
				PY
				)
			fi
			$PY -c 'import json,sys; r=json.loads(sys.argv[1]); print("%-7d %-10s %9d %9.0f %7d %10.2f %12.1f %7s  %s" % (r["rate"], r["side"], r["attempted"], r["achieved"], r["failed"], r["cpu_s"], r["cpu_us_per_attempted"], sys.argv[2] or "", "yes" if r["clean"] else "NO: " + r["why"]))' "$line" "$ratio"
			# The caller alone fell short (no call failed): a busy neighbour may
			# have taken its CPU, so the rate is tried once more; the retry's
			# line replaces the first in the result.
			if [ "$try" = 1 ] && [ "$(field "$line" clean)" != True ] && [ "$(field "$line" failed)" = 0 ]; then
				echo "   (the caller fell short: once more)"
				sed -i '$d' runs.jsonl
				continue
			fi
			break
		done
		if [ "$(field "$line" clean)" != True ]; then
			DONE[$peer]=$rate
			if [ "$(field "$line" failed)" != 0 ] && [ -s "err_${peer}_$rate.txt" ]; then
				echo "   why (SIPp's first errors):"
				grep -o 'Aborting call[^:]*: [^\x27]*\|while expecting [^,]*, received [^\n]\{0,40\}\|[A-Z][a-z]* timeout[^.]*' \
					"err_${peer}_$rate.txt" | sed 's/[0-9-]*@127.*//' | sort | uniq -c | sort -rn | head -3 | sed 's/^/     /'
			fi
		fi
	done
	[ -n "${DONE[sipp]:-}" ] && [ -n "${DONE[secretaryd]:-}" ] && break
done

: >extras.jsonl
if [ "$EXTRAS" = 1 ]; then
	# About 10,000 concurrent calls: 1,000 calls/s, each 200 ms + 10 s long.
	for peer in sipp secretaryd; do
		start_peer $peer
		max=0
		(load 1000 12000 10000 >conc.txt) &
		lp=$!
		for _ in $(seq 26); do
			sleep 0.5
			r=$(rss_kb "$PEER_PID" 2>/dev/null || echo 0)
			[ "$r" -gt "$max" ] && max=$r
		done
		wait $lp
		alive 1000
		stop_peer
		echo "peak RSS at ~10,000 concurrent calls, $peer: $((max / 1024)) MB (caller: $(cat conc.txt))"
		echo "{\"rss_10k_concurrent_kb\": $max, \"side\": \"$peer\", \"calls\": $(cat conc.txt)}" >>extras.jsonl
	done

	# Answer timing at 1,000 calls/s: as the caller saw it (SIPp's
	# INVITE-to-200 time, ms resolution), and on the wire (a loopback
	# capture: the 200 OK's capture time minus the INVITE's, minus 200 ms;
	# no call waits, so that is the 200 minus the scheduled end of the
	# pick-up, plus the INVITE's own handling).
	start_peer secretaryd
	CAP=
	if command -v tcpdump >/dev/null && command -v tshark >/dev/null; then
		tcpdump -i lo -s 0 -B 65536 -w cap.pcap "udp port $PEER_PORT" >tcpdump.log 2>&1 &
		CAP=$!
		sleep 1
	fi
	load 1000 $((1000 * SECS)) 100 -trace_rtt -rtt_freq 100 >/dev/null
	[ -n "$CAP" ] && { sleep 0.5; kill -INT $CAP; wait $CAP; }
	alive 1000
	stop_peer
	$PY - >>extras.jsonl <<-'PY'
		import glob, json, os, subprocess, sys
		v = []
		for f in glob.glob('uac_caller_bye_*_rtt.csv'):
		    for line in open(f).read().split('\n')[1:]:
		        p = line.split(';')
		        if len(p) >= 3 and p[2] == 'pickup':
		            v.append(float(p[1]) - 200.0)
		def show(key, label, v, unit):
		    v.sort()
		    if not v:
		        print(label + ": no data", file=sys.stderr); return
		    q = lambda x: v[min(len(v) - 1, int(x * len(v)))]
		    print("%s: n=%d p50=%.3f p99=%.3f max=%.3f %s" % (label, len(v), q(0.5), q(0.99), v[-1], unit), file=sys.stderr)
		    print(json.dumps({key: {"n": len(v), "p50": q(0.5), "p99": q(0.99), "max": v[-1], "unit": unit}}))
		show("answer_error_caller_ms", "INVITE-to-200 minus 200 ms at 1,000 calls/s, caller side (SIPp)", v, "ms")
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
		    show("answer_error_wire_ms", "answer error on the wire at 1,000 calls/s (200 OK - INVITE - 200 ms)", w, "ms")
	PY
fi

mkdir -p "$OUT"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
$PY - "$OUT/secretaryd-$stamp.json" "$RATES" "$SECS" "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)" \
	"$(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo unknown)" "${budget_hit:-}" <<'PY'
import json, os, sys
dest, rates, secs = sys.argv[1], [int(x) for x in sys.argv[2].split()], int(sys.argv[3])
runs = [json.loads(l) for l in open("runs.jsonl")]
extras = {}
for l in open("extras.jsonl"):
    d = json.loads(l)
    if "side" in d:
        extras.setdefault("rss_10k_concurrent_kb", {})[d["side"]] = d["rss_10k_concurrent_kb"]
    else:
        extras.update(d)
best = {}
for side in ("sipp", "secretaryd"):
    rs = sorted((r for r in runs if r["side"] == side), key=lambda r: r["rate"])
    hi, first_bad = None, None
    for r in rs:
        if not r["clean"]:
            first_bad = r
            break
        hi = r["rate"]
    best[side] = {"highest_clean_rate": hi, "first_unclean_rate": first_bad["rate"] if first_bad else None,
                  "why": first_bad["why"] if first_bad else None,
                  "caller_limited": bool(first_bad and "caller reached" in first_bad["why"] and not first_bad["failed"])}
    note = ("first unclean at %d/s: %s%s" % (first_bad["rate"], first_bad["why"],
            " (the caller's limit, not the answering side's)" if best[side]["caller_limited"] else "")
            if first_bad else "clean at every rate run")
    print("highest clean rate, %s: %s calls/s (%s)" % (side, hi if hi else "none", note))
doc = {"benchmark": "secretaryd", "date_utc": os.path.basename(dest)[11:-5], "commit": sys.argv[6],
       "machine": {"cpus": os.cpu_count(), "load_before": sys.argv[4], "load_after": sys.argv[5]},
       "secs_per_rate": secs, "rates": rates, "budget_stopped_at": int(sys.argv[7]) if sys.argv[7] else None,
       "runs": runs, "highest_clean": best, **extras}
json.dump(doc, open(dest, "w"), indent=1)
print("result: " + dest)
PY
