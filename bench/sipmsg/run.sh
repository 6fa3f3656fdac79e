#!/bin/bash
# The SIP parser's benchmark: core/sipmsg against libosip2 (Debian
# libosip2-dev) on a corpus of varied messages, in an arena larger than the
# cache (bench_sipmsg.c says why and how).
#
#   bench/sipmsg/run.sh            (env: ROUNDS [3], MB [64], OUT [results/bench/sipmsg])
#
# Built as ringbench's release build is (-O2 -DNDEBUG). The corpus: every
# file of fuzz/corpus/sipmsg (seeds and regressions: odd, broken and extreme
# messages) and every SIP payload (UDP or TCP) of the captures in
# tests/data/pcap, extracted with tshark (SIPp's flows over IPv4 and IPv6,
# UDP and TCP, and the analyzer's edge cases: VLAN, tunnels, fragments,
# long tags and Call-IDs, challenges). Exit status: 0 done, 1 a check of
# the answers failed (see bench_sipmsg.c), 3 a step failed to run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ROUNDS=${ROUNDS:-3}
MB=${MB:-64}
OUT=${OUT:-$root/results/bench/sipmsg}
die() { echo "bench/sipmsg: $*" >&2; exit 3; }
pkg-config --exists libosip2 || die "needs libosip2-dev (the peer parser): apt-get install libosip2-dev"
command -v tshark >/dev/null || die "needs tshark (to take the SIP messages out of tests/data/pcap)"
work=$(mktemp -d /tmp/rb-bench-sipmsg.XXXXXX)
trap 'rm -rf "$work"' EXIT
cc -std=c11 -O2 -DNDEBUG -D_DEFAULT_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter \
	-I"$root/core" "$here/bench_sipmsg.c" "$root"/core/sipmsg*.c \
	$(pkg-config --cflags --libs libosip2) -o "$work/bench_sipmsg"

mkdir "$work/corpus"
n=0
for f in "$root"/fuzz/corpus/sipmsg/*; do
	cp "$f" "$work/corpus/fuzz_$(basename "$f")"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || die "no fuzz corpus in fuzz/corpus/sipmsg"
for p in "$root"/tests/data/pcap/*.pcap*; do
	# a capture cut short on purpose (edge_truncated) makes tshark exit 2
	# after printing what it could read: keep that, say so
	tshark -r "$p" -Y sip -T fields -e udp.payload -e tcp.payload >"$work/hex" 2>"$work/err" ||
		echo "  (tshark on $(basename "$p"): $(grep -v 'Running as user' "$work/err" | head -1); kept the $(wc -l <"$work/hex") messages it read)"
	# one file per packet: cap_* a UDP datagram (one whole message), tcp_*
	# a TCP segment (part of a message, or several)
	/usr/bin/python3 - "$work/hex" "$work/corpus" "$(basename "$p")" <<-'PY'
		import sys
		for i, line in enumerate(open(sys.argv[1])):
		    f = line.rstrip("\n").split("\t") + [""]
		    for kind, h in (("cap", f[0]), ("tcp", f[1])):
		        h = h.replace(":", "").split(",")[0]
		        if h:
		            open("%s/%s_%s_%04d" % (sys.argv[2], kind, sys.argv[3], i), "wb").write(bytes.fromhex(h))
	PY
done
ncap=$(find "$work/corpus" -name 'cap_*' -o -name 'tcp_*' | wc -l)
[ "$ncap" -gt 0 ] || die "no SIP messages taken from tests/data/pcap"
echo "corpus: $n fuzz inputs, $ncap captured SIP payloads; load average $(cut -d' ' -f1-3 /proc/loadavg)"
mkdir -p "$OUT"
dest=$OUT/sipmsg-$(date -u +%Y%m%dT%H%M%SZ).json
st=0
"$work/bench_sipmsg" --rounds "$ROUNDS" --mb "$MB" --json "$dest" "$work"/corpus/* || st=$?
[ -s "$dest" ] || die "bench_sipmsg wrote no result"
echo "result: $dest"
exit $st
