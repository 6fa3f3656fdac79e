#!/bin/bash
# The wallboard in headless Chromium (docs/service.md Q2): the page loads, shows
# every operator and the backup staff, and changes when a call arrives
# (a DOM dump before the call and one while it is being picked up and
# talked). Then a busy room: 17 staff all talking and 30 calls ringing, at
# 1366x768 and 1920x1080: every tile present and on screen (the page's own
# layout check, data-hidden, read from the DOM) and a 24-hour clock in the
# center's zone. Screenshots are kept for a person to look at, in
# BUILD/test-artifacts/reports_wallboard/ (BUILD: secretaryd's folder).
. "$(dirname "$0")/reports_lib.sh"
CHROME=$(command -v chromium || command -v chromium-browser)
if [ -z "$CHROME" ]; then echo "chromium not installed: skipped"; exit 0; fi
ART=$(cd "$(dirname "$SD_BIN")" && pwd)/test-artifacts/reports_wallboard
mkdir -p "$ART" && rm -f "$ART"/*.png "$ART"/*.html

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
# attr FILE ID NAME: the attribute NAME of the element with id ID in a DOM dump.
attr() { grep -o "<[a-z]* id=\"$2\"[^>]*>" "$1" | head -1 | grep -o " $3=\"[^\"]*\"" | cut -d'"' -f2; }

browse before.html --dump-dom
check "the page loaded (title)" 1 "$(grep -c '<title>secretaryd wallboard</title>' before.html)"
check "operators and backup shown" 5 "$(states before.html | wc -l)"
check "all idle before the call" 5 "$(states before.html | grep -c 'data-state="idle"')"
contains "op1 on the board" before.html 'data-name="op1"'
contains "backup1 on the board" before.html 'data-name="backup1"'
check "no call ringing" 0 "$(attr before.html ringing data-count)"

calls a.csv "0312345678;inquiry;09040000001;壁;"
place a a.csv -m 1 &
SIPP_A=$!
sleep 0.5 # ringing, in pick-up
browse ringing.html --dump-dom
check "one call ringing on the board" 1 "$(attr ringing.html ringing data-count)"
check "one operator picking up" 1 "$(states ringing.html | grep -c 'data-state="pickup"')"
contains "the ringing call's tenant" ringing.html 'data-tenant="acme"'
browse /dev/null --screenshot="$ART/one-call-1600x900.png" --window-size=1600,900
talking() { http /api/state | grep -q '"state":"talking"'; }
wait_for "the call answered" 5 talking
browse talking.html --dump-dom
check "one operator talking" 1 "$(states talking.html | grep -c 'data-state="talking"')"
check "the board changed when the call arrived" 1 "$(cmp -s <(states before.html) <(states talking.html) || echo 1)"
if [ -s "$ART/one-call-1600x900.png" ]; then pass "screenshot taken"; else fail "no screenshot"; fi
wait "$SIPP_A"
check "the call completed" 0 $?
stop_server

# ---- a busy room: 14 operators and 3 backup all talking, 30 calls ringing ----
sed -e 's/operators: 4/operators: 14/' -e 's/backup: {staff: 1,/backup: {staff: 3,/' \
	-e 's/inquiry: {share: 0.6, talk_s: {fixed: 0.5}}/inquiry: {share: 0.6, talk_s: {fixed: 90}}/' "$SCN" >busy.yaml
SCN_FILE=$WORK/busy.yaml
start_server data-busy --grace 1
lines=()
for i in $(seq -w 1 17); do lines+=("0312345678;inquiry;090500000$i;通話中$i;"); done
calls talk.csv "${lines[@]}"
place talk talk.csv -m 17 -r 20 &
SIPP_T=$!
busy() { [ "$(http /api/state | grep -o '"state":"talking"' | wc -l)" = 17 ]; }
wait_for "all 17 staff talking (backup joins after 2 rings)" 20 busy
printf 'SEQUENTIAL\n' >ring.csv
for i in $(seq 30); do # CANCEL after 45 s; two tenants, as a real room
	if [ $((i % 3)) = 0 ]; then n=0398765432; else n=0312345678; fi
	printf '%s;inquiry;45000\n' "$n" >>ring.csv
done
timeout 60 sipp "127.0.0.1:$SD_PORT" -sf "$SRC/scenarios/sipp/uac_cancel.xml" -inf ring.csv -nostdin \
	-m 30 -r 50 -timeout 55s >ring.out 2>&1 </dev/null &
SIPP_R=$!
ringing30() { http /api/state | grep -q '"ringing":30,'; }
wait_for "30 calls ringing" 10 ringing30

for size in 1366x768 1920x1080; do
	w=${size%x*} h=${size#*x}
	browse "busy-$size.html" --dump-dom --window-size="$w,$h"
	cp "busy-$size.html" "$ART/"
	# --dump-dom's viewport is the window less the browser's own bar (e.g.
	# 1366x625): the layout must fit even there.
	vp=$(grep -o 'data-viewport="[0-9x]*"' "busy-$size.html" | cut -d'"' -f2)
	if [ "${vp%x*}" = "$w" ] && [ "${vp#*x}" -le "$h" ] && [ "${vp#*x}" -ge $((h * 3 / 4)) ]; then
		pass "$size: laid out at $vp"
	else
		fail "$size: laid out at '$vp'"
	fi
	check "$size: 30 ringing calls listed" 30 "$(attr "busy-$size.html" ringing data-count)"
	check "$size: 30 ringing call tiles" 30 "$(grep -o '<div class="call"' "busy-$size.html" | wc -l)"
	check "$size: every ringing call on screen" 0 "$(attr "busy-$size.html" ringing data-hidden)"
	check "$size: all 17 staff on the board" 17 "$(states "busy-$size.html" | wc -l)"
	check "$size: all 17 talking" 17 "$(states "busy-$size.html" | grep -c 'data-state="talking"')"
	check "$size: every staff tile on screen" 0 "$(attr "busy-$size.html" staff data-hidden)"
	clock=$(grep -o 'id="clock">[^<]*<' "busy-$size.html" | sed 's/id="clock">//; s/<$//')
	if [[ "$clock" =~ ^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$ ]]; then
		pass "$size: a 24-hour clock ($clock)"
	else
		fail "$size: clock '$clock' is not HH:MM:SS (24-hour)"
	fi
	h_tokyo=$(TZ=Asia/Tokyo date +%H) h_prev=$(TZ=Asia/Tokyo date -d '-1 min' +%H)
	if [ "${clock%%:*}" = "$h_tokyo" ] || [ "${clock%%:*}" = "$h_prev" ]; then
		pass "$size: the clock shows Tokyo time"
	else
		fail "$size: clock $clock, Tokyo hour $h_tokyo"
	fi
	contains "$size: the zone named" "busy-$size.html" 'id="tz">Asia/Tokyo<'
	browse /dev/null --screenshot="$ART/busy-$size.png" --window-size="$w,$h"
	if [ -s "$ART/busy-$size.png" ]; then pass "$size: screenshot $ART/busy-$size.png"; else fail "$size: no screenshot"; fi
done
# grace 1 s: the ringing calls get 503, the talking ones the center's BYE
stop_server
wait "$SIPP_T" "$SIPP_R" 2>/dev/null
finish
