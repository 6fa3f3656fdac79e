# ringbench compare on result folders: a real staffing difference is found
# (the model at 12 against 10 operators on morning-burst: exit 1), and two
# seeds of the same staffing are not told apart (exit 0). The model runs
# are deterministic (fixed seeds), so this test cannot flake.
. "$(dirname "$0")/live_lib.sh"
SCN=$SRC/scenarios/morning-burst.yaml
# 10 operators all day (the peak's 14 too): a copy with the staffing changed.
sed -e 's/^  operators: 12$/  operators: 10/' -e 's/operators: 14,/operators: 10,/' "$SCN" >ten.yaml
grep -q '^  operators: 10$' ten.yaml || fail "could not make the 10-operator copy"
sed -e 's/operators: 14,/operators: 12,/' "$SCN" >twelve.yaml

"$RB" model twelve.yaml --out m12 --quiet --seed 1
"$RB" model ten.yaml --out m10 --quiet --seed 1
"$RB" model twelve.yaml --out m12b --quiet --seed 2
"$RB" compare m12 m10 >cmp1.txt
check "12 against 10 operators: a real difference (exit 1)" 1 $?
"$RB" compare m12 m12b >cmp2.txt
check "12 operators, two seeds: no real difference (exit 0)" 0 $?
grep -qi 'sla' cmp1.txt && pass "the table lists the service levels" || fail "no sla rows: $(head cmp1.txt)"
finish
