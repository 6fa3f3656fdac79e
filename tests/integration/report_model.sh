#!/bin/bash
# report_model: `ringbench model` on scenarios/morning-burst.yaml, then
# `ringbench report`: the page is written, loads in headless Chromium with
# every image, and a screenshot is kept under BUILD/test-artifacts/. Then two
# folders overlaid (a second seed standing in for a live run).
#   report_model.sh RINGBENCH SOURCE_DIR BUILD_DIR
set -u
RB=$1 SRC=$2 BUILD=$3
. "$SRC/tests/integration/report_lib.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
ART=$BUILD/test-artifacts

"$RB" model "$SRC/scenarios/morning-burst.yaml" --out "$T/mb" >/dev/null
rc=$?
[ $rc -le 1 ] || { echo "FAIL: ringbench model exit $rc"; exit 1; }
"$RB" report "$T/mb" --quiet >"$T/out" || { echo "FAIL: ringbench report exit $?"; exit 1; }
grep -q "$T/mb/report/index.html" "$T/out" || { echo "FAIL: report did not name its page"; exit 1; }
for p in rings_phase wait_cdf rings_heard timeline burst abandon_time abandon_wait tenants; do
	for e in gp dat png svg; do
		[ -s "$T/mb/report/$p.$e" ] || { echo "FAIL: missing $p.$e"; exit 1; }
	done
done
# the verdict table comes before the first plot, and says FAIL for the peak target
v=$(grep -n 'class="verdict"' "$T/mb/report/index.html" | head -1 | cut -d: -f1)
f=$(grep -n '<figure' "$T/mb/report/index.html" | head -1 | cut -d: -f1)
[ -n "$v" ] && [ -n "$f" ] && [ "$v" -lt "$f" ] || { echo "FAIL: verdict table not at the top"; exit 1; }
grep -q '株式会社アクメ' "$T/mb/report/index.html" || { echo "FAIL: Japanese tenant name missing"; exit 1; }
# a redraw from the kept script works as the docs say
(cd "$T/mb/report" && rm -f wait_cdf.png && gnuplot wait_cdf.gp && [ -s wait_cdf.png ]) ||
	{ echo "FAIL: redrawing wait_cdf.gp"; exit 1; }
page_check "$T/mb/report/index.html" report_model "$ART" || exit 1

# two folders overlaid
"$RB" model "$SRC/scenarios/morning-burst.yaml" --seed 2 --out "$T/mb2" >/dev/null
"$RB" report "$T/mb" "$T/mb2" --out "$T/both" --quiet >/dev/null || { echo "FAIL: overlay report"; exit 1; }
[ -s "$T/both/compare_sla.png" ] || { echo "FAIL: no compare_sla.png when overlaid"; exit 1; }
grep -c 'index [0-9]' "$T/both/wait_cdf.gp" | grep -qv '^[0-3]$' || { echo "FAIL: wait_cdf does not overlay both"; exit 1; }
page_check "$T/both/index.html" report_overlay "$ART" || exit 1
echo PASS
