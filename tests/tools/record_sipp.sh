#!/bin/bash
# Records the analyzer's SIPp test captures (tests/data/pcap/sipp_*.pcap):
# SIPp callers against SIPp's own UAS on loopback, over UDP and TCP, IPv4 and
# IPv6: answered calls (sipp -sn uac / -sn uas), abandoned calls (CANCEL/487,
# uac_cancel.xml against uas_ring.xml) and rejected calls (486,
# uac_plain.xml against uas_486.xml). Needs root (tcpdump on lo), sipp and
# tcpdump. The captures are committed, so the tests do not need this.
#   tests/tools/record_sipp.sh [OUTDIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../data/pcap}
x=$here/sipp
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run_pair() { # transport family port uas-args... -- uac-args...
	local t=$1 fam=$2 port=$3
	shift 3
	local uas=() uac=()
	while [ "$1" != "--" ]; do uas+=("$1"); shift; done
	shift
	uac=("$@")
	local ip=127.0.0.1 rhost=127.0.0.1:$port
	if [ "$fam" = 6 ]; then ip=::1; rhost="[::1]:$port"; fi
	sipp -t "$t" -i "$ip" -p "$port" "${uas[@]}" -nostdin -trace_err \
		-error_file "$work/uas.err" >/dev/null 2>&1 &
	local uas_pid=$!
	sleep 0.5
	timeout 60 sipp "$rhost" -t "$t" -i "$ip" -p $((port + 1)) -s 0312000001 \
		"${uac[@]}" -r 2 -m 3 -nostdin -trace_err -error_file "$work/uac.err" >/dev/null 2>&1
	kill "$uas_pid" 2>/dev/null || true
	wait "$uas_pid" 2>/dev/null || true
	sleep 0.3
}

for fam in 4 6; do
	for t in u1 t1; do
		name=sipp_$([ $t = u1 ] && echo udp || echo tcp)$fam
		off=0
		[ $t = t1 ] && off=20
		base=$((15060 + (fam - 4) * 50 + off))
		tcpdump -i lo -U -s 0 --time-stamp-precision=nano -w "$out/$name.pcap" \
			"port $base or port $((base + 1)) or port $((base + 5)) or port $((base + 6)) or port $((base + 10)) or port $((base + 11))" \
			>/dev/null 2>&1 &
		tp=$!
		sleep 1
		run_pair $t $fam $base -sn uas -- -sn uac -d 700
		run_pair $t $fam $((base + 5)) -sf "$x/uas_ring.xml" -- -sf "$x/uac_cancel.xml"
		run_pair $t $fam $((base + 10)) -sf "$x/uas_486.xml" -- -sf "$x/uac_plain.xml"
		sleep 0.5
		kill -INT $tp
		wait $tp || true
		echo "$name.pcap: $(tcpdump -r "$out/$name.pcap" 2>/dev/null | wc -l) packets"
	done
done
