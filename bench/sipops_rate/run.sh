#!/bin/bash
# The highest call rate on the wire with zero failed calls through
# secretaryd, with SIP operators played by ringbench (`ringbench live
# --sip-operators`: secretaryd's B2BUA rings the operator SIPp) and with
# secretaryd's simulated operators, on the same load, capture on; and the
# CPU per call of secretaryd, the callers' SIPp and the operators' SIPp.
# README.md says what the figures mean (and why 200 operators at 2 s + 5 s
# cannot take 1,000 calls/s in real time).
#
#   bench/sipops_rate/run.sh [BUILD_DIR]        (root: live captures)
#
# Environment (defaults in brackets):
#   SCN [bench/sipops_rate/ops200.yaml]  200 operators, 2 s pick-up, 5 s talk
#   RATES ["100 200 400 700 1000 1400 2000"]  wire calls/s, ascending
#   SCN_RATE [20]   the scenario's own calls/s (70 % of 200 operators busy);
#                   each step runs at --speedup RATE / SCN_RATE
#   SPEEDUP []      instead: a fixed --speedup, the scenario's rate being
#                   RATE / SPEEDUP (the staircase of the operators' load:
#                   Little's law's bound, README.md)
#   STEP_S [8]      wire seconds of calls per step (RATE x STEP_S calls)
#   ROUNDS [3]      rounds; in each, both modes in turn at each rate
#   MAX_TOTAL_S [1800]  no step is started after it
#   OUT [results/bench/sipops_rate]
#
# Per step and mode: calls dialled against asked (RATE x STEP_S), the
# achieved rate (wire calls/s between the first and the last INVITE in the
# capture, calls.csv's t_invite) against the step's scheduled rate (the same
# from its t_dial: the arrivals are Poisson, so a step's own rate is the
# nominal +- chance), failed calls (dialled - answered: abandoned,
# rejected, incomplete), the INVITE lateness p99 (live's own schedule
# check), and the CPU time (user + sys, the kernel's rusage at µs
# resolution through bench/lib/rusage.py standing in for secretaryd and SIPp,
# and wrapping ringbench: what is left of its tree's CPU is its capture and
# analysis) of each process divided by ALL calls dialled. A step is clean
# when live gave a verdict (exit 0, 1 or 4), no call failed, the answered
# calls of the step's last fifth waited on average no more than 1 s longer
# than those of its first fifth (more: a queue that keeps growing, an
# overload that has lost no call yet only because the step ended first), the calls
# dialled were no more than 4 standard deviations (sqrt(asked)) short of
# those asked and the achieved rate was at least 95 % of the scheduled one;
# a mode is not run at higher rates after its first unclean step, and its
# highest clean rate is the highest at and below which every step was clean
# ("no rate run failed" when the top of RATES was clean: the limit is higher).
# CPU per call SIP / simulated is taken within a round at each rate where
# both were clean; min / median / max over the rounds.
# Exit status: 0 done; 3 a mode's lowest rate was not clean in every round
# (nothing measured), or a tool is missing.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
OUT=${OUT:-results/bench/sipops_rate}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
work=$(mktemp -d /tmp/rb-bench-sipops-rate.XXXXXX)
trap 'rm -rf "$work"' EXIT
[ -x "$build/ringbench" ] || { echo "no $build/ringbench" >&2; exit 3; }
. "$root/bench/lib/stand_ins.sh"
rb_stand_ins "$root" "$build" "$work" || exit 3
python3 "$root/bench/sipops_rate/run.py" "$root" "$build" "$work" "$OUT"
