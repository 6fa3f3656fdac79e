# ringbench live at the highest rate it places calls at: SIPp creates 1000
# calls a second (docs/live.md, "Placing calls at their instants"), and here
# they are due at that rate too (6000 a minute of scenario time at x10: 1000
# a second on the wire, for 6 s). The
# capture thread decodes every packet as it comes (the analyzer's pipeline);
# that must not cost packets: libpcap's counts in summary.json show none
# dropped, and every call is accounted for.
. "$(dirname "$0")/live_lib.sh"
need_capture
cat >rate.yaml <<'YAML'
name: live-rate
ring_period_s: 3
center:
  operators: 1000
  pickup_s: {fixed: 1}
  wrapup_s: {fixed: 0}
tenants:
  - {id: acme, number: "0312345678", name: "株式会社アクメ", share: 1, forwarding: unconditional}
callers:
  patience_s: {fixed: 600}
  types:
    inquiry: {share: 1, talk_s: {fixed: 5}}
load:
  - {phase: only, duration_s: 60, rate_per_min: 6000}
targets:
  - {rings: 3, min: 0.5}
run: {seed: 3}
YAML

start=$(date +%s)
"$RB" live rate.yaml --speedup 10 --out run --quiet >live.out 2>live.err
rc=$?
echo "live: exit $rc after $(($(date +%s) - start)) s"
# 4: a schedule not kept on a busy machine is the run's finding, not an error.
case $rc in 0 | 1 | 4) pass "live exit status $rc" ;; *) fail "live exit status $rc (0, 1 or 4 expected)"; cat live.err ;; esac
dialled=$(json run/summary.json 'd["overall"]["dialled"]')
[ "$dialled" -ge 5000 ] && pass "about 1000 calls a second on the wire ($dialled in 6 s)" || fail "only $dialled calls"
check "every call answered and accounted for" "$dialled" "$(json run/summary.json 'd["overall"]["answered"]')"
check "the capture's analysis saw every call" "$dialled" "$(json run/capture/wire-summary.json 'd["capture"]["calls"]')"
echo "capture: $(json run/summary.json 'd["capture"]')"
check "libpcap received the run's packets" True "$(json run/summary.json 'd["capture"]["received"] >= 10 * '"$dialled")"
check "no packet dropped by the capture" "0 0" "$(json run/summary.json '"%d %d" % (d["capture"]["dropped"], d["capture"]["if_dropped"])')"
finish
