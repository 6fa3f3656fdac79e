#!/bin/bash
# The analyzer's benchmark (issue 5): `ringbench analyze` against tshark on the
# same capture, in the same run, then ringbench alone on a capture ten times
# larger to show that its memory stays flat.
#
#   bench/analyze/run.sh [BUILD_DIR] [CALLS_DURATION_S]
#
# 1. `ringbench model` runs bench/analyze/bench.yaml (10 calls/s; by default
#    11,500 s: about 100,000 calls offered to the center) and writes every
#    call to calls.csv; mkcapture turns those calls into the SIP packets SIPp
#    and a center would exchange (pcap_dump, Ethernet/IPv4/UDP, ns times).
#    Without a working `ringbench model`, mkcapture --synthetic makes them.
# 2. Times `ringbench analyze` and tshark extracting just the fields the
#    analysis needs, in tshark's fastest honest setting: one pass, a display
#    filter, `--disable-protocol sdp`, -n (no name resolution). Prints both
#    wall times, the ratio, and each one's peak RSS (/usr/bin/time -v).
# 3. Ten times the duration (about a million calls): ringbench alone, peak RSS.
# Work files go to a temporary folder (about 3 GB for the big capture),
# removed at the end (RB_BENCH_KEEP=1 keeps them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
dur=${2:-11500}
rb=$build/ringbench
[ -x "$rb" ] || { echo "run.sh: $rb not found (build the ringbench target first)" >&2; exit 2; }
command -v tshark >/dev/null || { echo "run.sh: tshark not installed" >&2; exit 2; }
work=$(mktemp -d /tmp/rb-bench-analyze.XXXXXX)
[ "${RB_BENCH_KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
cc -O2 -std=c11 -D_DEFAULT_SOURCE -o "$work/mkcapture" "$here/mkcapture.c" -lpcap -lm

capture() { # duration_s out.pcap
	sed "s/DURATION/$1/" "$here/bench.yaml" > "$work/s.yaml"
	if "$rb" model "$work/s.yaml" --out "$work/model" --calls all --quiet >/dev/null 2>&1 ||
	   [ -s "$work/model/calls.csv" ]; then
		"$work/mkcapture" "$work/model/calls.csv" "$2"
	else
		echo "(ringbench model failed: synthetic calls)" >&2
		"$work/mkcapture" --synthetic $(($1 * 9)) "$2"
	fi
	rm -rf "$work/model"
}

# measure LABEL CMD...: sets SECS and RSS_KB
measure() {
	local label=$1
	shift
	/usr/bin/time -v -o "$work/time.txt" "$@" >/dev/null 2>"$work/err.txt" || {
		echo "run.sh: $label failed:" >&2
		cat "$work/err.txt" >&2
		exit 3
	}
	SECS=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, a, ":"); s = 0;
		for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s}' "$work/time.txt")
	RSS_KB=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
	CPU=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {print u + s}' "$work/time.txt")
	printf '%-10s %9.2f s wall  %9.2f s cpu  peak RSS %8.1f MB\n' "$label" "$SECS" "$CPU" \
		"$(echo "$RSS_KB / 1024" | bc -l)"
}

echo "== capture of about 100,000 calls (bench.yaml, $dur s at 10 calls/s)"
capture "$dur" "$work/small.pcap"
ls -l "$work/small.pcap" | awk '{printf "%s: %.0f MB\n", $9, $5 / 1048576}'
measure ringbench "$rb" analyze "$work/small.pcap" --out "$work/rb" --quiet
rb_s=$SECS rb_cpu=$CPU rb_rss=$RSS_KB
calls=$(($(wc -l < "$work/rb/calls.csv") - 1))
measure tshark tshark -r "$work/small.pcap" -n --disable-protocol sdp -Y sip -T fields \
	-e frame.time_relative -e sip.Call-ID -e sip.from.tag -e sip.to.tag -e sip.Method \
	-e sip.Status-Code -e sip.CSeq.method -e sip.CSeq.seq -e sip.Via.branch
ts_s=$SECS ts_cpu=$CPU ts_rss=$RSS_KB
echo "calls: $calls"
printf 'ratio (tshark / ringbench): %.1fx wall, %.1fx cpu; peak RSS ringbench %.1f MB, tshark %.1f MB\n' \
	"$(echo "$ts_s / $rb_s" | bc -l)" "$(echo "$ts_cpu / $rb_cpu" | bc -l)" \
	"$(echo "$rb_rss / 1024" | bc -l)" "$(echo "$ts_rss / 1024" | bc -l)"
rm -f "$work/small.pcap"

big=$((dur * 10))
echo "== capture of about 1,000,000 calls ($big s), ringbench alone"
capture "$big" "$work/big.pcap"
ls -l "$work/big.pcap" | awk '{printf "%s: %.0f MB\n", $9, $5 / 1048576}'
measure ringbench "$rb" analyze "$work/big.pcap" --out "$work/rb" --quiet
echo "calls: $(($(wc -l < "$work/rb/calls.csv") - 1))"
printf 'peak RSS: %.1f MB for ~100k calls, %.1f MB for ~1M calls\n' \
	"$(echo "$rb_rss / 1024" | bc -l)" "$(echo "$RSS_KB / 1024" | bc -l)"
