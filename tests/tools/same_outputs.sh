#!/bin/bash
# same_outputs.sh BASE_RINGBENCH NEW_RINGBENCH SRC_DIR [WORK_DIR]
#
# Runs two ringbench binaries on the same inputs with fixed seeds and compares
# every file they write, byte for byte: a refactoring of how result folders are
# written (the result sink, core/resdir.c) must change nothing a user sees.
# Runs: model on three scenarios (--replications 1 and the scenario's), analyze
# on every capture in tests/data/pcap/, a 12-point sweep, and report of one
# model folder. Ignored, because they must differ: summary.json's "command",
# the folders' absolute paths, and times of day in the report's page.
#
# Each binary runs in its own folder with the same relative paths, so the
# only path that differs is that folder, replaced by @WORK@ before comparing.
# Exit 0 when every file and exit status is the same, 1 otherwise; 77 (skip)
# when BASE_RINGBENCH is empty (ctest: configure with -DRB_SAME_OUTPUTS_BASE=).
set -u
base=${1:-}
new=${2:?usage: same_outputs.sh BASE_RINGBENCH NEW_RINGBENCH SRC_DIR [WORK_DIR]}
src=${3:?usage: same_outputs.sh BASE_RINGBENCH NEW_RINGBENCH SRC_DIR [WORK_DIR]}
if [ -z "$base" ]; then
	echo "same_outputs: no base binary given (-DRB_SAME_OUTPUTS_BASE=PATH): skipped"
	exit 77
fi
work=${4:-$(mktemp -d /tmp/same_outputs.XXXXXX)}
src=$(cd "$src" && pwd)
base=$(readlink -f "$base")
new=$(readlink -f "$new")

# run_all BIN DIR: every run, its exit status and stdout into DIR/status.txt
run_all() {
	local bin=$1 d=$2
	rm -rf "$d" && mkdir -p "$d" && cd "$d" || exit 1
	local st=status.txt
	: >"$st"
	r() { # r NAME ARGS...: runs, records the exit status and stdout
		local name=$1
		shift
		"$bin" "$@" >"out-$name.txt" 2>"err-$name.txt"
		echo "$name $?" >>"$st"
	}
	for s in morning-burst erlang-a split-floors; do
		r "model-$s-r1" model "$src/scenarios/$s.yaml" --seed 7 --replications 1 --jobs 2 --out "m/$s-r1"
		r "model-$s" model "$src/scenarios/$s.yaml" --seed 7 --jobs 2 --out "m/$s"
	done
	r model-calls-none model "$src/scenarios/erlang-a.yaml" --seed 3 --replications 2 --calls none --out m/calls-none
	r model-calls-all model "$src/scenarios/morning-burst.yaml" --seed 3 --replications 1 --calls all --out m/calls-all
	r model-target model "$src/scenarios/morning-burst.yaml" --seed 5 --replications 3 --target peak:5:0.95:sl --out m/target
	r model-auto model "$src/scenarios/erlang-a.yaml" --seed 5 --replications auto:12 --jobs 2 --out m/auto
	for p in "$src"/tests/data/pcap/*.pcap; do
		local n
		n=$(basename "$p" .pcap)
		r "analyze-$n" analyze "$p" --out "a/$n"
		r "analyze-$n-scn" analyze "$p" --scenario "$src/tests/data/pcap/tenants.yaml" --out "a/$n-scn"
	done
	r analyze-t0 analyze "$src/tests/data/pcap/sipp_udp4.pcap" --scenario "$src/tests/data/pcap/tenants.yaml" --t0 1700000000.25 --speedup 2 --out a/t0
	r analyze-target analyze "$src/tests/data/pcap/sipp_tcp4.pcap" --target 3:0.5 --phase all:0:100 --out a/target
	# failures: what is left behind, and what is said
	r analyze-missing analyze no-such.pcap --out e/missing
	touch e-file
	r analyze-blocked analyze "$src/tests/data/pcap/sipp_udp4.pcap" --out e-file/x
	r model-blocked model "$src/scenarios/erlang-a.yaml" --replications 1 --out e-file/x
	r sweep-blocked sweep "$src/scenarios/erlang-a.yaml" --operators 8:9 --replications 1 --no-report --out e-file/x
	r sweep sweep "$src/scenarios/morning-burst.yaml" --operators 8:30:2 --replications 3 --seed 2 --jobs 1 --no-report --out sw
	cat >suite.yaml <<EOS
name: same-outputs
runs:
  - {name: erlang, scenario: $src/scenarios/erlang-a.yaml, engine: model, replications: 3, seed: 4}
  - {name: burst, scenario: $src/scenarios/morning-burst.yaml, engine: model, replications: 2}
  - {name: burst-10, scenario: $src/scenarios/morning-burst.yaml, engine: model, operators: 10, expect: fail}
EOS
	r suite suite suite.yaml --junit suite.xml --out s
	r report report m/morning-burst-r1
	r report-sweep report sw
	cd - >/dev/null || exit 1
}

run_all "$base" "$work/base"
run_all "$new" "$work/new"

# norm FILE WHICH: the file as compared
norm() {
	local f=$1 w=$2
	case "$f" in
	*.json)
		jq -S 'del(.. | objects | .command?)' "$f" | sed "s|$w|@WORK@|g"
		;;
	*.html | *.svg)
		sed -e "s|$w|@WORK@|g" \
		    -e 's/[0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\}[ T][0-9]\{2\}:[0-9]\{2\}\(:[0-9]\{2\}\)\?/@TIME@/g' "$f"
		;;
	*.xml)
		# a run's duration, in JUnit's time attributes
		sed -e "s|$w|@WORK@|g" -e 's/time="[0-9.]*"/time="@T@"/g' "$f"
		;;
	*/out-suite.txt)
		# a run's duration, in the verdict table
		sed -e "s|$w|@WORK@|g" -e 's/ [0-9]*\.[0-9]s  / @T@s  /' "$f"
		;;
	*/err-sweep.txt)
		# progress lines come at most so often: how many depends on the speed
		grep -v '^ringbench sweep: [0-9]*/[0-9]* .* elapsed, ' "$f"
		;;
	*/err-suite.txt)
		# a run's duration, in its progress line
		sed -e "s|$w|@WORK@|g" -e 's/ [0-9]*\.[0-9] s$/ @T@ s/; s/ [0-9]*\.[0-9] s (/ @T@ s (/' "$f"
		;;
	*.png)
		# gnuplot's PNGs carry no time; compared as they are
		cat "$f"
		;;
	*)
		sed "s|$w|@WORK@|g" "$f"
		;;
	esac
}

fail=0
nfiles=0
cd "$work/base" || exit 1
while IFS= read -r f; do
	nfiles=$((nfiles + 1))
	if [ ! -e "$work/new/$f" ]; then
		echo "DIFF $f: missing from the new run"
		fail=1
		continue
	fi
	if ! cmp -s <(norm "$work/base/$f" "$work/base") <(norm "$work/new/$f" "$work/new"); then
		echo "DIFF $f"
		diff <(norm "$work/base/$f" "$work/base") <(norm "$work/new/$f" "$work/new") | head -8
		fail=1
	fi
done < <(find . -type f | sort)
cd "$work/new" || exit 1
while IFS= read -r f; do
	if [ ! -e "$work/base/$f" ]; then
		echo "DIFF $f: only in the new run"
		fail=1
	fi
done < <(find . -type f | sort)
if [ $fail = 0 ]; then
	echo "same_outputs: $nfiles files the same (exit statuses, stdout, stderr and result files) in $work"
	[ $# -ge 4 ] || rm -rf "$work"
else
	echo "same_outputs: FAILED, folders kept in $work"
fi
exit $fail
