#!/usr/bin/env bash
# The quick start's main job: sets ringbench up (scripts/setup.sh), runs a
# scenario and its report, and prints the verdict and where the results are.
#
#   scripts/demo.sh [SCENARIO]      default scenarios/morning-burst.yaml
#
# Exit status: the run's (0 every target met, 1 a target missed, 2 bad input,
# 3 the run failed); the report is written either way.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh || exit 3
build=${RB_BUILD_DIR:-build}
scn=${1:-scenarios/morning-burst.yaml}
out=results/demo-$(basename "$scn" .yaml)-$(date +%Y%m%d-%H%M%S)

echo "== ringbench model $scn" >&2
"$build/ringbench" model "$scn" --out "$out"
rc=$?
[ $rc -le 1 ] || exit $rc
"$build/ringbench" report "$out" --scenario "$scn" >/dev/null || exit 3
echo
echo "verdict and figures: $out/summary.json"
echo "report:              $out/report/index.html"
exit $rc
