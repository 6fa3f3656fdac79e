#!/bin/bash
# ringbench live on a trace scenario (load: {trace: FILE}, issue 14): the
# model's calls.csv of the short scenario replayed live against secretaryd,
# sped up x30 (about 10 s): every recorded call placed at its recorded dial
# instant (scenario time, to the µs), the callers who hung up before
# forwarding kept, summary.json's "trace" says what was replayed.
. "$(dirname "$0")/live_lib.sh"
need_capture
short_scenario short.yaml
"$RB" model short.yaml --calls all --out orig --quiet >/dev/null 2>model.err
rc=$?
case $rc in 0 | 1 | 4) ;; *) fail "model exit status $rc"; cat model.err ;; esac
# The same scenario with the trace for its load (the phases kept).
sed '/^load:/,$d' short.yaml >trace.yaml
cat >>trace.yaml <<'YAML'
load:
  trace: orig/calls.csv
  phases:
    - {phase: calm, duration_s: 120}
    - {phase: burst, duration_s: 60}
targets:
  - {rings: 3, min: 0.5}
run: {seed: 4}
YAML
"$RB" live trace.yaml --speedup 30 --out run --quiet >live.out 2>live.err
rc=$?
case $rc in 0 | 1 | 4) ;; *) fail "live exit status $rc (0, 1 or 4 expected)"; cat live.err ;; esac
rows=$(($(wc -l <orig/calls.csv) - 1))
check "summary.json's trace counts the recorded calls" "$rows" "$(json run/summary.json 'd["trace"]["calls"]')"
check "one live call per recorded call" "$rows" "$(json run/summary.json 'd["overall"]["dialled"]')"
dials() { /usr/bin/python3 -c "
import csv,sys; print(' '.join(sorted(r['t_dial'] for r in csv.DictReader(open(sys.argv[1])))))" "$1"; }
check "every call dialled at its recorded instant" "$(dials orig/calls.csv)" "$(dials run/calls.csv)"
check "abandoned before forwarding as recorded" \
	"$(json orig/summary.json 'd["overall"]["abandoned_before_forward"]')" \
	"$(json run/summary.json 'd["overall"]["abandoned_before_forward"]')"
check "the calls that reached the center were offered" \
	"$(json orig/summary.json 'd["overall"]["offered"]')" "$(json run/summary.json 'd["overall"]["offered"]')"
finish
