# Shared helpers of the network fault tests (tests/faults/, sourced).
#   $1 the build folder (ringbench, secretaryd, rbf_relay), $2 the source tree.
#
# Three network namespaces of our own, nothing else touched:
#
#   caller (SIPp, ringbench live, its capture)  10.77.1.1/24  veth "v0"
#        |                                       10.77.1.2     veth "va"
#   router (the impairment)                      10.77.2.2     veth "vb"
#        |
#   center (secretaryd, the SMTP sink on lo)     10.77.2.1/24  veth "v0"
#
# The router forwards between the two; loss and duplication are nftables
# rules in its forward hook, delay/jitter/reordering send every forwarded
# packet through a TUN device served by rbf_relay (policy routing). SIPp's
# capture, in the caller's namespace, sees what the caller sent and what
# reached it: a packet lost on the way to the center is on the capture,
# one lost on the way back is not.
#
# Why no netem: this kernel has no sch_netem, and no nfnetlink_queue either
# (nft's `queue` statement fails with ENOENT), hence the TUN relay.
#
# Every process started here is stopped by pid on exit, and the namespaces
# are deleted. A test that cannot build this network exits 77 (skip).
set -u
BIN=${1:?usage: test.sh BUILD_DIR SOURCE_DIR}
SRC=${2:?usage: test.sh BUILD_DIR SOURCE_DIR}
RB=$BIN/ringbench
SD=$BIN/secretaryd
RELAY=$BIN/rbf_relay
PY=/usr/bin/python3 # Debian's python modules (aiosmtpd) import only here
export RINGBENCH_FLOWS=$SRC/scenarios/sipp
WORK=$(mktemp -d /tmp/rb-faults.XXXXXX)
# Namespace names carry our pid: tests may run side by side.
NS_C=rbf$$c NS_R=rbf$$r NS_S=rbf$$s
CALLER_IP=10.77.1.1 CENTER_IP=10.77.2.1 SIP_PORT=5060 SMTP_PORT=2525
SD_PID='' SMTP_PID='' RELAY_PID='' LIVE_PID='' NETS=''
FAILS=0
cd "$WORK" || exit 3

cleanup() {
	local p
	for p in $LIVE_PID $SD_PID $SMTP_PID $RELAY_PID; do
		kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null
	done
	if [ -n "$NETS" ]; then
		ip netns del "$NS_C" 2>/dev/null
		ip netns del "$NS_R" 2>/dev/null
		ip netns del "$NS_S" 2>/dev/null
	fi
	if [ "$FAILS" -eq 0 ] && [ -z "${KEEP:-}" ]; then rm -rf "$WORK"; else echo "work folder kept: $WORK"; fi
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "ok: $*"; }
skip() { echo "skipped: $*"; exit 77; }
in_c() { ip netns exec "$NS_C" "$@"; }
in_r() { ip netns exec "$NS_R" "$@"; }
in_s() { ip netns exec "$NS_S" "$@"; }

need_tools() {
	[ "$(id -u)" = 0 ] || skip "network namespaces need root"
	local t
	for t in ip nft ping sipp tshark sqlite3 timeout; do
		command -v "$t" >/dev/null || skip "no $t"
	done
	[ -x "$RELAY" ] || skip "no $RELAY (not built)"
	$PY -c 'import aiosmtpd' 2>/dev/null || skip "no python3-aiosmtpd"
}

# net_up: the three namespaces, plain forwarding; skip (77) when the kernel
# does not allow it.
net_up() {
	ip netns add "$NS_C" 2>err.txt || skip "ip netns add: $(cat err.txt)"
	NETS=1
	ip netns add "$NS_R" && ip netns add "$NS_S" || skip "ip netns add failed"
	ip link add v0 netns "$NS_C" type veth peer name va netns "$NS_R" 2>err.txt &&
		ip link add v0 netns "$NS_S" type veth peer name vb netns "$NS_R" 2>>err.txt ||
		skip "veth pairs: $(cat err.txt)"
	in_c ip addr add $CALLER_IP/24 dev v0 && in_c ip link set v0 up && in_c ip link set lo up &&
		in_c ip route add default via 10.77.1.2 &&
		in_s ip addr add $CENTER_IP/24 dev v0 && in_s ip link set v0 up && in_s ip link set lo up &&
		in_s ip route add default via 10.77.2.2 &&
		in_r ip addr add 10.77.1.2/24 dev va && in_r ip addr add 10.77.2.2/24 dev vb &&
		in_r ip link set va up && in_r ip link set vb up && in_r ip link set lo up &&
		in_r sysctl -qw net.ipv4.ip_forward=1 || skip "could not address the namespaces"
	# The center's receive buffer (secretaryd asks 8 MB) as on a tuned host.
	in_s sysctl -qw net.core.rmem_max=8388608 2>/dev/null
	in_c ping -c1 -W2 $CENTER_IP >/dev/null 2>&1 || skip "no route from caller to center"
	# Counters of every SIP packet forwarded each way: the denominators of
	# the impairment achieved.
	in_r nft -f - <<EOF || skip "nftables tables in a namespace refused"
table inet rbf {
	chain fw {
		type filter hook forward priority 0; policy accept;
		iifname "va" udp dport $SIP_PORT counter
		iifname "vb" udp sport $SIP_PORT counter
	}
}
EOF
}

# nft_counter N: packets counted by the router's Nth counter (1-based, in
# ruleset order: the two totals first, then the impairment's two).
nft_counter() { in_r nft list ruleset | grep -o 'packets [0-9]*' | sed -n "${1}p" | cut -d' ' -f2; }

# impair_loss PERMILLE: each forwarded SIP packet, either way, dropped with
# that probability (nftables numgen, one draw per packet).
impair_loss() {
	in_r nft add rule inet rbf fw iifname va udp dport $SIP_PORT numgen random mod 1000 '<' "$1" counter drop &&
		in_r nft add rule inet rbf fw iifname vb udp sport $SIP_PORT numgen random mod 1000 '<' "$1" counter drop ||
		skip "nftables numgen refused"
}

# impair_dup PERMILLE: each forwarded SIP packet, either way, sent twice with
# that probability (nftables dup: the copy goes straight out, the original
# is forwarded as usual). `dup` exists in the ip family only, not in inet:
# a table of its own, after the counting chain.
impair_dup() {
	in_r nft add table ip rbfdup &&
		in_r nft add chain ip rbfdup fw '{ type filter hook forward priority 10; }' &&
		in_r nft add rule ip rbfdup fw iifname va udp dport $SIP_PORT numgen random mod 1000 '<' "$1" counter \
		dup to $CENTER_IP device vb &&
		in_r nft add rule ip rbfdup fw iifname vb udp sport $SIP_PORT numgen random mod 1000 '<' "$1" counter \
			dup to $CALLER_IP device va || skip "nftables dup refused"
}

# impair_relay ARGS...: every packet between the two through rbf_relay
# (its options: --delay-ms, --jitter-ms, --reorder-pct, --reorder-ms).
impair_relay() {
	# Real-time priority when it can be had: on a busy machine a relay
	# waiting for a core would add its wait to every delay it measures.
	local RT=
	chrt -f 1 true 2>/dev/null && RT="chrt -f 1"
	ip netns exec "$NS_R" $RT "$RELAY" --tun rbft --stats "$WORK/relay.stats" "$@" >relay.ready 2>relay.err &
	RELAY_PID=$!
	for _ in $(seq 50); do grep -q ready relay.ready 2>/dev/null && break; sleep 0.1; done
	grep -q ready relay.ready || skip "TUN relay: $(cat relay.err)"
	# Packets arriving from either veth are routed into the TUN device;
	# what the relay writes back comes in on rbft and takes the main table.
	# Reverse-path filtering would drop those (their source is not behind
	# rbft), so it is off in this namespace only.
	in_r ip link set rbft up &&
		in_r sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
			net.ipv4.conf.rbft.rp_filter=0 &&
		in_r ip route add default dev rbft table 100 &&
		in_r ip rule add iif va lookup 100 && in_r ip rule add iif vb lookup 100 ||
		skip "policy routing into the TUN device refused"
	in_c ping -c1 -W2 $CENTER_IP >/dev/null 2>&1 || skip "no route through the relay"
}

# relay_stop: the relay's measured figures in relay.stats.
relay_stop() {
	[ -n "$RELAY_PID" ] || return 0
	kill -TERM "$RELAY_PID"
	wait "$RELAY_PID" 2>/dev/null
	RELAY_PID=
}
relay_stat() { sed -n "s/^$1=//p" relay.stats; }

# smtp_start / smtp_stop: aiosmtpd in the center's namespace, storing into
# the Maildir box/ (the Mailbox handler keeps every header, Message-ID too).
smtp_start() {
	ip netns exec "$NS_S" $PY -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$WORK/box" \
		>>smtp.log 2>&1 &
	SMTP_PID=$!
	for _ in $(seq 100); do
		in_s $PY -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2)' \
			"$SMTP_PORT" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "aiosmtpd did not start"; cat smtp.log; exit 3
}
smtp_stop() {
	kill -TERM "$SMTP_PID"
	wait "$SMTP_PID" 2>/dev/null
	SMTP_PID=
}

# The center's own scenario: the tenants of the callers' scenario except
# gamma, whose calls are then refused with 404 (the rejected outcome); one
# long phase, so no shift change happens during a test whatever its t0.
center_scenario() {
	cat >"$1" <<'YAML'
name: faults-center
ring_period_s: 3
center:
  operators: 3
  pickup_s: {uniform: [1, 5]}
  backup: {staff: 1, join_after_rings: 2}
  wrapup_s: {fixed: 1}
tenants:
  - {id: acme, number: "0312345678", name: "株式会社アクメ", share: 0.5, report_to: acme@example.org, forwarding: unconditional}
  - {id: beta, number: "0398765432", name: "ベータ商事", share: 0.5, report_to: beta@example.org, forwarding: {no_answer_s: 3}}
callers:
  types:
    inquiry: {share: 0.7, talk_s: {uniform: [2, 6]}}
    sales: {share: 0.3, talk_s: {uniform: [2, 6]}, screen_prob: 0.5, screened_talk_s: {fixed: 1}}
load:
  - {phase: all, duration_s: 86400, rate_per_min: 1}
server:
  admin_email: ops@center.example.jp
  smtp: {host: 127.0.0.1, port: 2525, from: reports@center.example.jp}
YAML
}

# callers_scenario FILE SECONDS: the calls placed, one a second on average
# over SECONDS, a burst of 6 at once, impatient callers (some abandon).
callers_scenario() {
	cat >"$1" <<YAML
name: faults-callers
ring_period_s: 3
center:
  operators: 3
  pickup_s: {uniform: [1, 5]}
  backup: {staff: 1, join_after_rings: 2}
  wrapup_s: {fixed: 1}
tenants:
  - {id: acme, number: "0312345678", name: "株式会社アクメ", share: 0.5, forwarding: unconditional}
  - {id: beta, number: "0398765432", name: "ベータ商事", share: 0.4, forwarding: {no_answer_s: 3}}
  - {id: gamma, number: "0311112222", name: "ガンマ", share: 0.1, forwarding: unconditional}
callers:
  patience_s: {uniform: [3, 14]}
  types:
    inquiry: {share: 0.7, talk_s: {uniform: [2, 6]}}
    sales: {share: 0.3, talk_s: {uniform: [2, 6]}, screen_prob: 0.5, screened_talk_s: {fixed: 1}}
load:
  - {phase: all, duration_s: $2, rate_per_min: 50, bursts: [{at_s: $(($2 / 2)), calls: 6, within_s: 0}]}
run: {seed: ${RBF_SEED:-12}}
YAML
}

# sd_start: secretaryd in the center's namespace, reports by SMTP to the
# sink (retries at most 2 s apart, so a sink back up is used soon).
sd_start() {
	center_scenario center.yaml
	ip netns exec "$NS_S" "$SD" --scenario center.yaml --listen $CENTER_IP:$SIP_PORT --http 127.0.0.1:0 \
		--data-dir "$WORK/sd" --delivery smtp --smtp-host 127.0.0.1 --smtp-port $SMTP_PORT \
		--retry-max 2 --seed 7 >sd.ready 2>sd.log &
	SD_PID=$!
	for _ in $(seq 100); do
		grep -q ready sd.ready 2>/dev/null && break
		kill -0 "$SD_PID" 2>/dev/null || break
		sleep 0.05
	done
	HTTP_PORT=$(sed -n 's/.*http=127\.0\.0\.1:\([0-9]*\).*/\1/p' sd.ready)
	[ -n "$HTTP_PORT" ] || { echo "secretaryd did not start:"; cat sd.log; exit 3; }
}
metric() { # metric NAME: its value from secretaryd's /metrics (first series)
	in_s $PY - "$HTTP_PORT" "$1" <<'EOF'
import sys, urllib.request
t = urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=2).read().decode()
for line in t.splitlines():
    if line.startswith(sys.argv[2] + " ") or line.startswith(sys.argv[2] + "{"):
        print(line.split()[-1].split(".")[0]); break
EOF
}

# sd_settle: wait (bounded) until no staff member is busy (every report
# written) and the spool is empty (every report handed to the sink), then
# drain secretaryd (SIGTERM) so its CDRs are committed.
sd_settle() {
	local i busy depth
	for i in $(seq 120); do
		busy=$(metric secretaryd_staff_busy)
		depth=$(metric secretaryd_spool_depth)
		[ "${busy:-1}" = 0 ] && [ "${depth:-1}" = 0 ] && break
		sleep 0.5
	done
	echo "center settled after ${i} checks: staff busy ${busy:-?}, spool depth ${depth:-?}"
	kill -TERM "$SD_PID"
	for _ in $(seq 200); do kill -0 "$SD_PID" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$SD_PID" 2>/dev/null && { fail "secretaryd still running 20 s after SIGTERM"; kill -KILL "$SD_PID"; }
	wait "$SD_PID"
	SD_RC=$?
	SD_PID=
	[ "$SD_RC" = 0 ] && pass "secretaryd drained, exit 0" || fail "secretaryd exit status $SD_RC"
}

# live_start SECONDS / live_wait: the callers' scenario played by ringbench
# live from the caller's namespace against the center, at speed-up 1 (SIP's
# timers are not scaled); bounded by timeout.
live_start() {
	callers_scenario callers.yaml "$1"
	ip netns exec "$NS_C" timeout -k 5 $(($1 + 120)) "$RB" live callers.yaml \
		--server $CENTER_IP:$SIP_PORT --out "$WORK/run" --quiet >live.out 2>live.err &
	LIVE_PID=$!
}
live_wait() {
	wait "$LIVE_PID"
	LIVE_RC=$?
	LIVE_PID=
	case $LIVE_RC in
	0 | 1 | 4) pass "ringbench live exit $LIVE_RC (a verdict, not an error)" ;;
	*) fail "ringbench live exit $LIVE_RC: $(tail -3 live.err)" ;;
	esac
}
live_run() { live_start "$1"; live_wait; }

# pct PART WHOLE: PART/WHOLE as a percentage with two decimals.
pct() { awk -v p="$1" -v w="$2" 'BEGIN { printf "%.2f", w ? 100 * p / w : 0 }'; }

# verify CASE IMPAIRMENT: the checks of every case (faults_check.py) and the
# table row; the row goes to $RBF_TABLE too when the campaign set it.
verify() {
	$PY "$SRC/tests/faults/faults_check.py" --case "$1" --impairment "$2" --work "$WORK" \
		--ringbench "$RB" --tshark-calls "$SRC/tests/tools/tshark_calls.py" \
		--row row.txt
	local rc=$?
	[ "$rc" = 0 ] && pass "case $1: every check" || fail "case $1: $rc check(s) failed (above)"
	[ -n "${RBF_TABLE:-}" ] && [ -s row.txt ] && cat row.txt >>"$RBF_TABLE"
}

finish() {
	if [ "$FAILS" -gt 0 ]; then echo "$FAILS check(s) failed"; exit 1; fi
	echo "all checks passed"; exit 0
}
