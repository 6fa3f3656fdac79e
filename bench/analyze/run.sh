#!/bin/bash
# The analyzer's benchmark: how close `ringbench analyze` comes to the floor
# of reading a capture, a libpcap-only loop (pcapread.c: pcap_next_ex over
# every packet), and how it compares with tshark, on the same capture in the
# same round.
#
#   bench/analyze/run.sh [--million] [BUILD_DIR]
#
# Environment (defaults in brackets):
#   SIZES ["10000 30000 100000"]  calls dialled, one capture per size
#   ROUNDS [3]                    rounds per size; each runs every peer once
#   TSHARK_MAX [100000]           tshark only on sizes up to this
#   TSHARK_WHY [0]                1: per size, tshark once more without its
#                                 SIP dissector, and once on the same calls
#                                 with a UDP port per call (mkcapture
#                                 --port-per-call): where its growth is
#   OUT [results/bench/analyze]   where the JSON result goes
# --million adds a 1,000,000-call size (a capture of about 2.3 GB in a
# temporary folder, removed as soon as it has been measured; tshark skipped
# unless TSHARK_MAX allows it: it would take hours, see below).
# SIZES=1000000 without --million runs the million-call size alone.
#
# Per size: `ringbench model` runs bench.yaml for SIZE calls dialled (the
# capture holds those that reached the center, about 88 %: some callers of
# the tenant forwarded after no answer hang up first; labels and checks use
# the capture's own count). `ringbench model` runs bench.yaml (10 calls/s; its DURATION is
# set here to CALLS / rate, the rate read from bench.yaml) and writes every
# call to calls.csv; mkcapture turns those calls into the SIP packets SIPp
# and a center would exchange (pcap_dump, Ethernet/IPv4/UDP, ns times) and
# says how many calls, answered and cancelled calls and packets it wrote.
# The capture is read once first so that the page cache is warm for every
# peer, and fincore checks it (at least 99.0 % of the capture cached before
# and after the rounds: a check like the others, the figures in the JSON). Then ROUNDS rounds, each running in turn:
#   pcapread    the floor: libpcap alone
#   ringbench   `ringbench analyze CAPTURE --out DIR --quiet`
#   tshark      the fields the analysis needs, in tshark's fastest honest
#               setting: one pass, a display filter, --disable-protocol sdp,
#               -n (no name resolution)
# CPU time (user + sys) and wall time of each whole process from the
# kernel's rusage (bench/lib/rusage.py), peak RSS from /usr/bin/time.
# Ratios are within a round, then min/median/max over the rounds:
#   floor share  pcapread CPU / ringbench CPU (1 would be "as fast as reading")
#   tshark x     tshark CPU / ringbench CPU
# tshark's ratio grows with the size: its time grows about as the square of
# the capture, so the ratio is measured at several sizes. Every call in these
# captures shares one UDP 5-tuple (10.1.0.10:5061 <-> 10.1.0.20:5060, as one
# SIPp against one center), and one suspect was tshark's conversation
# tracking on that one conversation; TSHARK_WHY=1 measured otherwise here
# (bench/README.md): without the SIP dissector tshark grows linearly, and
# with a port per call it grows as before, so the growth is in the SIP
# dissector's own state, whatever the 5-tuples.
#
# Checks (exit status 1 if one fails, 3 if a step fails to run): every
# generated file exists and is not empty; pcapread saw every packet mkcapture
# wrote; ringbench found every call, with the answered and cancelled
# (abandoned) counts mkcapture wrote; tshark printed one line per packet.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
million=0
if [ "${1:-}" = --million ]; then
	million=1
	shift
fi
build=${1:-$root/build}
rb=$build/ringbench
SIZES=${SIZES:-"10000 30000 100000"}
[ "$million" = 1 ] && SIZES="$SIZES 1000000"
ROUNDS=${ROUNDS:-3}
TSHARK_MAX=${TSHARK_MAX:-100000}
TSHARK_WHY=${TSHARK_WHY:-0}
OUT=${OUT:-$root/results/bench/analyze}
rusage=$root/bench/lib/rusage.py
PY=/usr/bin/python3

die() { echo "bench/analyze: $*" >&2; exit 3; }
need() { [ -s "$1" ] || die "$2 did not write $1 (or wrote it empty)"; }
[ -x "$rb" ] || die "$rb not found (build the ringbench target first)"
command -v tshark >/dev/null || die "tshark not installed"
[ -x /usr/bin/time ] || die "needs /usr/bin/time (Debian: time)"
command -v fincore >/dev/null || die "needs fincore (Debian: util-linux) to check the page cache"
[ "$ROUNDS" -ge 1 ] || die "ROUNDS must be >= 1"

work=$(mktemp -d /tmp/rb-bench-analyze.XXXXXX)
trap 'rm -rf "$work"' EXIT
# -D_DEFAULT_SOURCE: libpcap's headers use the BSD types (u_int, u_char)
cc -O2 -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -o "$work/mkcapture" "$here/mkcapture.c" -lpcap -lm
cc -O2 -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -o "$work/pcapread" "$here/pcapread.c" -lpcap
need "$work/mkcapture" cc
need "$work/pcapread" cc

rate_min=$(sed -n 's/.*rate_per_min: *\([0-9]*\).*/\1/p' "$here/bench.yaml")
[ -n "$rate_min" ] || die "cannot read rate_per_min from bench.yaml"
grep -q 'duration_s: DURATION' "$here/bench.yaml" || die "bench.yaml has no DURATION to set"

# capture CALLS OUT.pcap: writes the capture and $work/truth (mkcapture's counts)
capture() {
	local dur=$(($1 * 60 / rate_min))
	sed "s/DURATION/$dur/" "$here/bench.yaml" >"$work/s.yaml"
	rm -rf "$work/model"
	local st=0
	"$rb" model "$work/s.yaml" --out "$work/model" --calls all --quiet >"$work/model.log" 2>&1 || st=$?
	# 1 is a missed target, 4 an inconclusive one (the center is staffed
	# short on purpose): the verdict is not this benchmark's business
	[ "$st" -le 1 ] || [ "$st" = 4 ] || { cat "$work/model.log" >&2; die "ringbench model failed (status $st)"; }
	need "$work/model/calls.csv" "ringbench model"
	"$work/mkcapture" "$work/model/calls.csv" "$2" >"$work/truth" 2>"$work/mk.log" ||
		{ cat "$work/mk.log" >&2; die "mkcapture failed"; }
	need "$2" mkcapture
	need "$work/truth" mkcapture
	# $work/model/calls.csv stays for TSHARK_WHY's second capture
}

# measure PEER ROUND CALLS CMD...: runs CMD under rusage.py and /usr/bin/time,
# appends one JSON line to $work/runs
measure() {
	local peer=$1 round=$2 size=$3
	shift 3
	"$rusage" "$work/ru" /usr/bin/time -f '%M' -o "$work/rss" "$@" >"$work/stdout" 2>"$work/stderr" || {
		cat "$work/stderr" >&2
		die "$peer failed on the $size-call capture"
	}
	$PY - "$peer" "$round" "$size" "$work/ru" "$work/rss" >>"$work/runs" <<-'EOF'
		import json, sys
		ru = json.load(open(sys.argv[4]))
		rss = int(open(sys.argv[5]).read().split()[-1])
		print(json.dumps({"peer": sys.argv[1], "round": int(sys.argv[2]), "size": int(sys.argv[3]),
		                  "cpu_s": ru["cpu_s"], "wall_s": ru["wall_s"], "maxrss_kb": rss}))
	EOF
	tail -1 "$work/runs" | $PY -c 'import json,sys; r=json.load(sys.stdin); print("  round %d %-10s %8.3f s cpu %8.3f s wall %8.1f MB" % (r["round"], r["peer"], r["cpu_s"], r["wall_s"], r["maxrss_kb"] / 1024))'
}

# cached_pm FILE: the share of FILE in the page cache, in per mille rounded
# down (fincore, util-linux), so "warm" is checked, not assumed. A page or
# two may leave the cache while other programs run (a 2-CPU machine shared
# with builds): the check wants at least 990 per mille.
cached_pm() {
	local res size
	res=$(fincore --bytes --noheadings --output RES "$1" | tr -d ' ')
	size=$(stat -c %s "$1")
	echo $((res * 1000 / size))
}

# check SIZE PEER WHAT GOT WANT: records a check as a JSON line
check() {
	local ok=true
	[ "$4" = "$5" ] || { ok=false; echo "  CHECK FAILED: $2 $3: $4, the capture holds $5" >&2; }
	echo "{\"size\": $1, \"peer\": \"$2\", \"what\": \"$3\", \"got\": $4, \"want\": $5, \"ok\": $ok}" >>"$work/checks"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$work/runs"
: >"$work/checks"
: >"$work/sizes"
for size in $SIZES; do
	cap="$work/c-$size.pcap"
	echo "== capture for $size calls (bench.yaml, $((size * 60 / rate_min)) s at $rate_min calls/min)"
	capture "$size" "$cap"
	read -r _ calls _ answered _ cancelled _ other _ packets <"$work/truth"
	bytes=$(stat -c %s "$cap")
	echo "   $calls calls ($answered answered, $cancelled cancelled, $other other), $packets packets, $((bytes / 1048576)) MB"
	cat "$cap" >/dev/null # the page cache warm for every peer
	warm=$(cached_pm "$cap")
	echo "   page cache: ${warm} per mille of the capture before the rounds"
	for r in $(seq "$ROUNDS"); do
		measure pcapread "$r" "$size" "$work/pcapread" "$cap"
		check "$size" pcapread packets "$($PY -c 'import json,sys; print(json.load(sys.stdin)["packets"])' <"$work/stdout")" "$packets"
		rm -rf "$work/rb"
		measure ringbench "$r" "$size" "$rb" analyze "$cap" --out "$work/rb" --quiet
		need "$work/rb/summary.json" "ringbench analyze"
		read -r o a ab < <($PY -c 'import json,sys; o=json.load(open(sys.argv[1]))["overall"]; print(o["offered"], o["answered"], o["abandoned"])' "$work/rb/summary.json")
		check "$size" ringbench calls "$o" "$calls"
		check "$size" ringbench answered "$a" "$answered"
		check "$size" ringbench abandoned "$ab" "$cancelled"
		if [ "$size" -le "$TSHARK_MAX" ]; then
			measure tshark "$r" "$size" tshark -r "$cap" -n --disable-protocol sdp -Y sip -T fields \
				-e frame.time_relative -e sip.Call-ID -e sip.from.tag -e sip.to.tag -e sip.Method \
				-e sip.Status-Code -e sip.CSeq.method -e sip.CSeq.seq -e sip.Via.branch
			check "$size" tshark lines "$(wc -l <"$work/stdout")" "$packets"
		fi
	done
	# still warm after the rounds: no peer read it from the disk
	warm_after=$(cached_pm "$cap")
	echo "   page cache: ${warm_after} per mille of the capture after the rounds"
	check "$size" pagecache before_pm_at_least_990 "$((warm >= 990))" 1
	check "$size" pagecache after_pm_at_least_990 "$((warm_after >= 990))" 1
	echo "{\"size\": $size, \"calls\": $calls, \"answered\": $answered, \"cancelled\": $cancelled, \"packets\": $packets, \"bytes\": $bytes, \"cached_pm_before\": $warm, \"cached_pm_after\": $warm_after}" >>"$work/sizes"
	if [ "$TSHARK_WHY" = 1 ] && [ "$size" -le "$TSHARK_MAX" ]; then
		echo "   why tshark grows: once without its SIP dissector, once with a port per call"
		measure tshark-nosip 0 "$size" tshark -r "$cap" -n --disable-protocol sdp \
			--disable-protocol sip -T fields -e frame.time_relative -e udp.srcport
		check "$size" tshark-nosip lines "$(wc -l <"$work/stdout")" "$packets"
		rm -f "$cap"
		"$work/mkcapture" --port-per-call "$work/model/calls.csv" "$cap" >"$work/truth2" 2>"$work/mk.log" ||
			{ cat "$work/mk.log" >&2; die "mkcapture --port-per-call failed"; }
		need "$cap" "mkcapture --port-per-call"
		cat "$cap" >/dev/null
		measure tshark-ports 0 "$size" tshark -r "$cap" -n --disable-protocol sdp -Y sip -T fields \
			-e frame.time_relative -e sip.Call-ID -e sip.from.tag -e sip.to.tag -e sip.Method \
			-e sip.Status-Code -e sip.CSeq.method -e sip.CSeq.seq -e sip.Via.branch
		check "$size" tshark-ports lines "$(wc -l <"$work/stdout")" "$packets"
	fi
	rm -rf "$cap" "$work/stdout" "$work/model"
done

mkdir -p "$OUT"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
$PY - "$work" "$OUT/analyze-$stamp.json" "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)" \
	"$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)" <<'EOF'
import json, os, statistics, sys
work, dest = sys.argv[1], sys.argv[2]
runs = [json.loads(l) for l in open(os.path.join(work, "runs"))]
checks = [json.loads(l) for l in open(os.path.join(work, "checks"))]
sizes = [json.loads(l) for l in open(os.path.join(work, "sizes"))]
def mmm(v):
    return {"min": min(v), "median": statistics.median(v), "max": max(v)} if v else None
def label(n):  # what a capture held, from its own count
    if n < 1000:
        return "%d calls" % n
    return "%.3gk calls" % (n / 1000) if n < 1e6 else "%.3gM calls" % (n / 1e6)
get = {(r["peer"], r["size"], r["round"]): r for r in runs}
res = []
print()
print("%-13s %9s %-36s %7s %7s %7s" % ("capture", "packets", "ratio (same round, CPU time)", "min", "median", "max"))
for s in sizes:
    n = s["size"]
    rounds = sorted({r["round"] for r in runs if r["size"] == n and r["peer"] == "ringbench"})
    share = [get["pcapread", n, k]["cpu_s"] / get["ringbench", n, k]["cpu_s"] for k in rounds]
    ts = [get["tshark", n, k]["cpu_s"] / get["ringbench", n, k]["cpu_s"] for k in rounds if ("tshark", n, k) in get]
    row = {"size": n, "label": label(s["calls"]), **s,
           "cpu_s": {p: mmm([get[p, n, k]["cpu_s"] for k in rounds if (p, n, k) in get]) for p in ("pcapread", "ringbench", "tshark")},
           "wall_s": {p: mmm([get[p, n, k]["wall_s"] for k in rounds if (p, n, k) in get]) for p in ("pcapread", "ringbench", "tshark")},
           "maxrss_kb": {p: max([get[p, n, k]["maxrss_kb"] for k in rounds if (p, n, k) in get], default=None) for p in ("pcapread", "ringbench", "tshark")},
           "floor_share": mmm(share), "tshark_x": mmm(ts)}
    row["ringbench_packets_per_cpu_s"] = mmm([s["packets"] / get["ringbench", n, k]["cpu_s"] for k in rounds])
    res.append(row)
    for name, v in (("floor share (pcapread / ringbench)", row["floor_share"]), ("tshark x (tshark / ringbench)", row["tshark_x"])):
        if v:
            print("%-13s %9d %-36s %7.3f %7.3f %7.3f" % (row["label"], s["packets"], name, v["min"], v["median"], v["max"]))
print()
for row in res:
    print("%-13s ringbench %.2f M packets/CPU s (median); peak RSS: ringbench %.1f MB, pcapread %.1f MB%s" % (
        row["label"], row["ringbench_packets_per_cpu_s"]["median"] / 1e6, row["maxrss_kb"]["ringbench"] / 1024,
        row["maxrss_kb"]["pcapread"] / 1024,
        ", tshark %.1f MB" % (row["maxrss_kb"]["tshark"] / 1024) if row["maxrss_kb"]["tshark"] else ""))
why = [r for r in runs if r["peer"] in ("tshark-nosip", "tshark-ports")]
if why:
    print()
    for r in why:
        print("%-13s %-13s %9.3f s cpu (one run)" % (label([s for s in sizes if s["size"] == r["size"]][0]["calls"]), r["peer"], r["cpu_s"]))
bad = [c for c in checks if not c["ok"]]
print("\nchecks: %d, failed %d" % (len(checks), len(bad)))
doc = {"benchmark": "analyze", "date_utc": os.path.basename(dest)[8:-5], "commit": sys.argv[5],
       "machine": {"cpus": os.cpu_count(), "load_before": sys.argv[3], "load_after": sys.argv[4]},
       "sizes": res, "runs": runs, "tshark_why": why, "checks": checks, "ok": not bad}
with open(dest, "w") as f:
    json.dump(doc, f, indent=1)
print("result: " + dest)
sys.exit(1 if bad else 0)
EOF
