#!/bin/bash
# One case of the network fault campaign (tests/faults/README.md):
#   fault_case.sh CASE BUILD_DIR SOURCE_DIR
# CASE: loss1 loss5 delay reorder dup smtpdown. A live run of a 60-second
# scenario at speed-up 1, SIPp in one namespace, secretaryd in another, the
# impairment in the router between them (faults_lib.sh); then the checks of
# faults_check.py and the case's table row. Exit 0 all passed, 1 a check
# failed, 77 the impairment could not be set up (skip), 3 the test broke.
CASE=${1:?usage: fault_case.sh CASE BUILD_DIR SOURCE_DIR}
shift
. "$(dirname "$0")/faults_lib.sh"
SECONDS_RUN=${RBF_SECONDS:-60}
need_tools
net_up

# loss_text NAME: "NAME x.xx % (d/n) to center, y.yy % (d/n) to caller",
# from the router's counters: what the rules did, not what they were asked.
counted_text() {
	local n1 n2 d1 d2
	n1=$(nft_counter 1) n2=$(nft_counter 2) d1=$(nft_counter 3) d2=$(nft_counter 4)
	echo "$1 $(pct "$d1" "$n1") % ($d1/$n1) to center, $(pct "$d2" "$n2") % ($d2/$n2) to caller"
}

# achieved I J WHY: skip (77) when the router's counters I and J are both 0:
# the run saw no impairment, so it would pass without having tested any.
achieved() {
	[ "$(($(nft_counter "$1") + $(nft_counter "$2")))" -gt 0 ] || skip "$3 (impairment not achieved)"
}

case $CASE in
loss1 | loss5)
	permille=$([ "$CASE" = loss1 ] && echo 10 || echo 50)
	impair_loss "$permille"
	smtp_start
	sd_start
	live_run "$SECONDS_RUN"
	IMP=$(counted_text loss)
	achieved 3 4 "no SIP packet was dropped"
	;;
dup)
	impair_dup 10
	smtp_start
	sd_start
	live_run "$SECONDS_RUN"
	IMP=$(counted_text dup)
	achieved 3 4 "no SIP packet was duplicated"
	;;
delay | reorder)
	if [ "$CASE" = delay ]; then
		impair_relay --delay-ms 50 --jitter-ms 20 --seed 3
	else
		# 5 % of the packets held 40 ms longer than the rest (held back
		# behind 5 ms), so what follows them within 40 ms overtakes them.
		impair_relay --delay-ms 5 --reorder-pct 5 --reorder-ms 40 --seed 3
	fi
	smtp_start
	sd_start
	live_run "$SECONDS_RUN"
	relay_stop
	[ -s relay.stats ] || { fail "the relay wrote no figures"; cat relay.err; }
	n=$(relay_stat packets)
	[ "${n:-0}" -gt 0 ] || skip "no packet went through the relay"
	[ "$(relay_stat overflow_sent_at_once)" = 0 ] || fail "the relay overflowed (packets sent undelayed)"
	[ "$(relay_stat write_errors)" = 0 ] || fail "the relay could not send $(relay_stat write_errors) packet(s)"
	dly="delay mean $(relay_stat delay_mean_ms) ms, p50 <$(relay_stat delay_p50_ms), p99 <$(relay_stat delay_p99_ms), min $(relay_stat delay_min_ms), max $(relay_stat delay_max_ms)"
	ro="$(relay_stat reordered_pct) % reordered ($(relay_stat reordered)/$n)"
	if [ "$CASE" = delay ]; then
		IMP="$dly, $ro"
	else
		IMP="held back $(pct "$(relay_stat held_back)" "$n") % ($(relay_stat held_back)/$n), $ro"
		[ "$(relay_stat reordered)" -gt 0 ] || skip "no packet was overtaken: no reordering achieved"
	fi
	;;
smtpdown)
	smtp_start
	sd_start
	live_start "$SECONDS_RUN"
	# Down 30 s from 15 s into the run: reports of the calls answered
	# meanwhile wait in secretaryd's spool.
	sleep 15
	smtp_stop
	down_at=$(date +%s.%N)
	sleep 30
	smtp_start
	up_at=$(date +%s.%N)
	live_wait
	failures=$(metric secretaryd_report_delivery_failures_total)
	IMP="SMTP down $(awk -v a="$down_at" -v b="$up_at" 'BEGIN { printf "%.1f", b - a }') s, ${failures:-?} failed delivery attempts"
	[ "${failures:-0}" -gt 0 ] || skip "no delivery was attempted while the sink was down"
	;;
*) echo "unknown case $CASE"; exit 2 ;;
esac
echo "impairment achieved: $IMP"
sd_settle
smtp_stop
verify "$CASE" "$IMP"
finish
