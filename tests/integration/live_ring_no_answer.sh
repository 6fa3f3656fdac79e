#!/bin/bash
# Ring-no-answer, the model against secretaryd's simulated operators played
# live (SIPp, capture) at --speedup 20: a scenario where 1 ring in 10 is not
# answered (center.phone: 15 s ring timeout, not ready 30 s). Checks:
#   - secretaryd's queue_log has RINGNOANSWER lines in Asterisk's format;
#   - their number, per call offered, is the model's (10 replications, same
#     seed) within 4 Poisson standard errors;
#   - `ringbench compare` finds no real difference on the target's measure.
# About 90 s of wire time (1800 s of scenario).
. "$(dirname "$0")/live_lib.sh"
need_capture
cat >rna.yaml <<'YAML'
name: live-ring-no-answer
ring_period_s: 3
center:
  operators: 6
  pickup_s: {uniform: [2, 6]}
  phone: {ring_timeout_s: 15, no_answer: 0.1, not_ready_s: 30}
  wrapup_s: {fixed: 5}
tenants:
  - {id: acme, number: "0312345678", name: "株式会社アクメ", share: 1, forwarding: unconditional}
callers:
  patience_s: {exponential: 60}
  types:
    inquiry: {share: 1, talk_s: {exponential: 60}}
load:
  - {phase: steady, duration_s: 1800, rate_per_min: 6}
targets:
  - {rings: 3, min: 0.8}
run: {seed: 3}
YAML

timeout 200 "$RB" live rna.yaml --speedup 20 --out live --quiet >live.out 2>live.err
rc=$?
[ "$rc" = 0 ] || [ "$rc" = 1 ] || [ "$rc" = 4 ] && pass "live ran (exit $rc: a verdict)" \
	|| fail "live failed (exit $rc): $(tail -3 live.err)"
"$RB" model rna.yaml --replications 10 --out model --quiet
QL=live/secretaryd/queue_log
nra=$(grep -c '|RINGNOANSWER|' "$QL")
check "every RINGNOANSWER line: EPOCH|CALLID|acme|opN|RINGNOANSWER|ms" 0 \
	"$(grep '|RINGNOANSWER|' "$QL" | grep -cvE '^[0-9]{10}\|[^|]+\|acme\|op[0-9]+\|RINGNOANSWER\|[0-9]+$')"
offered=$(json live/summary.json 'd["overall"]["offered"]')
verdict=$(/usr/bin/python3 - "$nra" "$offered" model/summary.json <<'PY'
import json, math, sys
nra, off = int(sys.argv[1]), int(sys.argv[2])
m = json.load(open(sys.argv[3]))
rate = m["phones"]["ring_no_answer"] / m["overall"]["offered"]
exp = rate * off
ok = abs(nra - exp) <= 4 * math.sqrt(exp) + 1
print(f"{'ok' if ok else 'FAIL'} live {nra} RINGNOANSWER over {off} calls; model {rate:.4f} a call: {exp:.1f} expected")
PY
)
echo "$verdict"
case $verdict in ok*) pass "RINGNOANSWER count as the model's" ;; *) fail "$verdict" ;; esac
"$RB" compare live model >cmp.txt
check "compare: no real difference between live and the model (exit 0)" 0 $?
cat cmp.txt
finish
