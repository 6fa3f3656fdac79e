#!/bin/bash
# The whole network fault campaign, one case after another, and its table:
#   tests/faults/campaign.sh BUILD_DIR SOURCE_DIR [CASE...]
# (default: every case). Each case's own output goes to
# BUILD_DIR/test-artifacts/faults/CASE.log; the table (one row per case, with
# the case's result: pass, FAIL, skip) to stdout and to
# BUILD_DIR/test-artifacts/faults/table.txt. Exit 1 when a case failed.
set -u
BIN=$(cd "${1:?usage: campaign.sh BUILD_DIR SOURCE_DIR [CASE...]}" && pwd)
SRC=$(cd "${2:?usage: campaign.sh BUILD_DIR SOURCE_DIR [CASE...]}" && pwd)
shift 2
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(loss1 loss5 delay reorder dup smtpdown)
OUT=$BIN/test-artifacts/faults
mkdir -p "$OUT"
export RBF_TABLE=$OUT/rows.tsv
: >"$RBF_TABLE"
: >"$OUT/results.tsv"
worst=0
for c in "${cases[@]}"; do
	start=$(date +%s)
	bash "$SRC/tests/faults/fault_case.sh" "$c" "$BIN" "$SRC" >"$OUT/$c.log" 2>&1
	rc=$?
	case $rc in 0) r=pass ;; 77) r=skip ;; *) r="FAIL ($rc)"; worst=1 ;; esac
	printf '%s\t%s\t%s s\n' "$c" "$r" $(($(date +%s) - start)) >>"$OUT/results.tsv"
	echo "$c: $r in $(($(date +%s) - start)) s (log: $OUT/$c.log)" >&2
done
{
	echo "| case | result | impairment achieved | placed | answered | abandoned | rejected | lost | counted twice | analysis=tshark | CDR=wire | reports delivered/expected, dupes | caller flow (SIP) |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	while IFS=$'\t' read -r c r _; do
		row=$(grep -P "^$c\t" "$RBF_TABLE" | head -1 | cut -f2-)
		if [ -n "$row" ]; then
			echo "| $c | $r | ${row//$'\t'/ | } |"
		else
			echo "| $c | $r | (no row: see $c.log) | | | | | | | | | | |"
		fi
	done <"$OUT/results.tsv"
} | tee "$OUT/table.txt"
exit $worst
