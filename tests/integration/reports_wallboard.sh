#!/bin/bash
# The wallboard in headless Chromium (docs/service.md Q2): the page loads, shows
# every operator and the backup staff, and changes when a call arrives
# (a DOM dump before the call and one while it is being picked up and
# talked). Also keeps a screenshot (wallboard.png, in the work folder when
# KEEP=1) for a person to look at.
. "$(dirname "$0")/reports_lib.sh"
CHROME=$(command -v chromium || command -v chromium-browser)
if [ -z "$CHROME" ]; then echo "chromium not installed: skipped"; exit 0; fi

# 4 operators, 1 backup; a 2 s pick-up and an 8 s talk, so a call is on
# the board for a while.
sed -e 's/pickup_s: {fixed: 0.2}/pickup_s: {fixed: 2}/' \
	-e 's/inquiry: {share: 0.6, talk_s: {fixed: 0.5}}/inquiry: {share: 0.6, talk_s: {fixed: 8}}/' "$SCN" >wb.yaml
SCN_FILE=$WORK/wb.yaml
start_server data

browse() { # browse OUT [chromium args...]: the page after its script ran
	local out=$1
	shift
	timeout 60 "$CHROME" --headless --no-sandbox --disable-gpu --disable-background-networking \
		--no-first-run --disable-component-update --disable-sync --disable-dev-shm-usage \
		--user-data-dir="$(mktemp -d "$WORK/chrome.XXXXXX")" --virtual-time-budget=3000 \
		"$@" "http://127.0.0.1:$HTTP_PORT/wallboard" >"$out" 2>>chrome.log
}
states() { grep -o 'data-name="[a-z0-9]*" data-state="[a-z]*"' "$1" | sort; }

browse before.html --dump-dom
check "the page loaded (title)" 1 "$(grep -c '<title>secretaryd wallboard</title>' before.html)"
check "operators and backup shown" 5 "$(states before.html | wc -l)"
check "all idle before the call" 5 "$(states before.html | grep -c 'data-state="idle"')"
contains "op1 on the board" before.html 'data-name="op1"'
contains "backup1 on the board" before.html 'data-name="backup1"'
contains "no call ringing" before.html 'id="ringing" data-count="0"'

calls a.csv "0312345678;inquiry;09040000001;壁;"
place a a.csv -m 1 &
SIPP_A=$!
sleep 0.5 # ringing, in pick-up
browse ringing.html --dump-dom
check "one call ringing on the board" 1 "$(grep -c 'id="ringing" data-count="1"' ringing.html)"
check "one operator picking up" 1 "$(states ringing.html | grep -c 'data-state="pickup"')"
contains "the ringing call's tenant" ringing.html 'data-tenant="acme"'
browse /dev/null --screenshot="$WORK/wallboard.png" --window-size=1600,900
talking() { http /api/state | grep -q '"state":"talking"'; }
wait_for "the call answered" 5 talking
browse talking.html --dump-dom
check "one operator talking" 1 "$(states talking.html | grep -c 'data-state="talking"')"
check "the board changed when the call arrived" 1 "$(cmp -s <(states before.html) <(states talking.html) || echo 1)"
if [ -s "$WORK/wallboard.png" ]; then pass "screenshot taken"; else fail "no screenshot"; fi
wait "$SIPP_A"
check "the call completed" 0 $?
stop_server
finish
