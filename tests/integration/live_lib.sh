# Shared helpers for the live, onboard and suite integration tests (sourced).
#   $1 the build folder (ringbench, secretaryd), $2 the source tree.
# Each test works in its own temporary folder, on 127.0.0.1 only, and stops
# only the processes it started (by pid).
set -u
BIN=${1:?usage: test.sh BUILD_DIR SOURCE_DIR}
SRC=${2:?usage: test.sh BUILD_DIR SOURCE_DIR}
RB=$BIN/ringbench
SD=$BIN/secretaryd
export RINGBENCH_FLOWS=$SRC/scenarios/sipp
WORK=$(mktemp -d /tmp/rb-live-test.XXXXXX)
SD_PID=
FAILS=0
cd "$WORK" || exit 3

cleanup() {
	if [ -n "$SD_PID" ] && kill -0 "$SD_PID" 2>/dev/null; then kill -KILL "$SD_PID"; fi
	if [ "$FAILS" -eq 0 ] && [ -z "${KEEP:-}" ]; then rm -rf "$WORK"; else echo "work folder kept: $WORK"; fi
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "ok: $*"; }
check() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected '$2', got '$3'"; fi; }
# json FILE EXPR: a value from a JSON file (python3 expression on d).
json() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# Capturing needs root or CAP_NET_RAW: skip (77) otherwise.
need_capture() {
	# the capture runs in ringbench-full, next to ringbench (sim/cmd/main.c)
	if [ "$(id -u)" != 0 ] && ! getcap "$RB-full" 2>/dev/null | grep -q cap_net_raw; then
		echo "skipped: capturing needs root or CAP_NET_RAW on $RB-full"; exit 77
	fi
	command -v sipp >/dev/null || { echo "skipped: no sipp"; exit 77; }
}

# start_server SCENARIO DATA_DIR [args...]: sets SD_PID, SD_PORT.
start_server() {
	local scn=$1 data=$2
	shift 2
	"$SD" --scenario "$scn" --listen 127.0.0.1:0 --http 127.0.0.1:0 --data-dir "$data" "$@" >ready.txt 2>>server.log &
	SD_PID=$!
	for _ in $(seq 100); do
		grep -q ready ready.txt 2>/dev/null && break
		kill -0 "$SD_PID" 2>/dev/null || break
		sleep 0.05
	done
	SD_PORT=$(sed -n 's/.*udp=127\.0\.0\.1:\([0-9]*\).*/\1/p' ready.txt)
	[ -n "$SD_PORT" ] || { echo "secretaryd did not start:"; cat server.log; exit 3; }
}

stop_server() {
	kill -TERM "$SD_PID" 2>/dev/null
	for _ in $(seq 100); do kill -0 "$SD_PID" 2>/dev/null || break; sleep 0.05; done
	kill -KILL "$SD_PID" 2>/dev/null
	wait "$SD_PID" 2>/dev/null
	SD_PID=
}

# A short scenario: 3 minutes, two tenants (beta forwards after 9 s of
# ringing, with patience short enough that some callers hang up first), a
# burst of 8 calls at once.
short_scenario() {
	cat >"$1" <<'YAML'
name: live-short
ring_period_s: 3
center:
  operators: 2
  pickup_s: {uniform: [1, 2]}
  backup: {staff: 1, join_after_rings: 2}
  wrapup_s: {fixed: 5}
tenants:
  - {id: acme, number: "0312345678", name: "株式会社アクメ", share: 0.5, forwarding: unconditional}
  - {id: beta, number: "0398765432", name: "ベータ商事", share: 0.5, forwarding: {no_answer_s: 9}}
callers:
  patience_s: {exponential: 15}
  types:
    inquiry: {share: 0.7, talk_s: {exponential: 20}}
    sales: {share: 0.2, talk_s: {exponential: 20}, screen_prob: 0.8, screened_talk_s: 5}
    no_callback: {share: 0.1, talk_s: {exponential: 15}}
load:
  - {phase: calm, duration_s: 120, rate_per_min: 6}
  - {phase: burst, duration_s: 60, rate_per_min: 6, bursts: [{at_s: 10, calls: 8, within_s: 0}]}
targets:
  - {rings: 3, min: 0.5}
run: {seed: 4}
YAML
}

finish() {
	if [ "$FAILS" -gt 0 ]; then echo "$FAILS check(s) failed"; exit 1; fi
	echo "all checks passed"; exit 0
}
