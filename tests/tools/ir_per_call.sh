#!/bin/bash
# ir_per_call.sh RINGBENCH [WORK_DIR]
#
# Instructions per call (callgrind) of `ringbench model` and `ringbench
# analyze`, the engines' cost that a refactoring must not raise: run it with
# the binary before and after a change and compare (instruction counts do
# not drift with the machine's load, unlike times).
#   model:   bench/model/mmnm.yaml cut to 50,000 s (about 100,000 calls),
#            --calls none --jobs 1 --seed 1
#   analyze: a capture of about 10,000 calls made by bench/analyze/mkcapture
#            from the model's calls of bench/analyze/bench.yaml (1,150 s)
# Prints one line per engine: Ir, calls, Ir per call. Exit 3 when a run fails.
set -euo pipefail
rb=$(readlink -f "${1:?usage: ir_per_call.sh RINGBENCH [WORK_DIR]}")
src=$(cd "$(dirname "$0")/../.." && pwd)
work=${2:-$(mktemp -d /tmp/ir_per_call.XXXXXX)}
[ -x "$rb" ] || { echo "ir_per_call: $rb is not an executable" >&2; exit 3; }
mkdir -p "$work"
cd "$work"
command -v valgrind >/dev/null || { echo "ir_per_call: valgrind not installed" >&2; exit 3; }
sed 's/duration_s: 5000000/duration_s: 50000/' "$src/bench/model/mmnm.yaml" >mm100k.yaml
if [ ! -s cap10k.pcap ]; then
	cc -O2 -std=c11 -D_DEFAULT_SOURCE -o mkcapture "$src/bench/analyze/mkcapture.c" -lpcap -lm
	sed 's/DURATION/1150/' "$src/bench/analyze/bench.yaml" >cap.yaml
	"$rb" model cap.yaml --out capmodel --calls all --quiet >/dev/null 2>&1 || [ -s capmodel/calls.csv ]
	./mkcapture capmodel/calls.csv cap10k.pcap >/dev/null
fi
ir() { callgrind_annotate "$1" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}'; }
rm -rf model anl
# a verdict (exit 0, 1 or 4) is a run; 2 and 3 are not
ran() { "$@" && return 0; local rc=$?; [ $rc -eq 1 ] || [ $rc -eq 4 ]; }
ran valgrind --tool=callgrind --callgrind-out-file=cg.model "$rb" model mm100k.yaml --out model \
	--replications 1 --seed 1 --jobs 1 --calls none --quiet >/dev/null 2>cg.model.err ||
	{ echo "ir_per_call: model failed (cg.model.err in $work)" >&2; exit 3; }
calls=$(python3 -c "import json; print(json.load(open('model/summary.json'))['overall']['offered'])")
m=$(ir cg.model)
echo "model:   Ir $m  calls $calls  Ir/call $((m / calls))"
ran valgrind --tool=callgrind --callgrind-out-file=cg.anl "$rb" analyze cap10k.pcap --out anl --quiet \
	>/dev/null 2>cg.anl.err || { echo "ir_per_call: analyze failed (cg.anl.err in $work)" >&2; exit 3; }
calls=$(($(wc -l <anl/calls.csv) - 1))
a=$(ir cg.anl)
echo "analyze: Ir $a  calls $calls  Ir/call $((a / calls))"
