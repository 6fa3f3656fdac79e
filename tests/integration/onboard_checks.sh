# ringbench onboard against secretaryd: the test call passes when the center
# knows the number, answers and writes the report; fails with the right
# message for an unknown number (404) and when reports cannot be written.
. "$(dirname "$0")/live_lib.sh"
SCN=$SRC/scenarios/live-demo.yaml
# The pass case: the center knows the number, answers, writes the report.
start_server "$SCN" data --speedup 10
"$RB" onboard --server "127.0.0.1:$SD_PORT" --scenario "$SCN" --tenant beta \
	--maildir data/maildir --speedup 10 --report-within 60 >pass.txt 2>&1
check "test call passes (exit 0)" 0 $?
grep -q '^  \[x\] the report arrived, marked as a test' pass.txt && pass "report found, marked as a test" || fail "$(cat pass.txt)"
stop_server

# An unknown number: the tenant's number is not the center's.
sed 's/0398765432/0399999999/' "$SCN" >other.yaml
start_server "$SCN" data2 --speedup 10
"$RB" onboard --server "127.0.0.1:$SD_PORT" --scenario other.yaml --tenant beta \
	--maildir data2/maildir --speedup 10 --report-within 2 >unknown.txt 2>&1
check "unknown number fails (exit 1)" 1 $?
grep -q '404 Not Found: the center does not know the number 0399999999' unknown.txt && pass "says 404, unknown number" || fail "$(cat unknown.txt)"
grep -q 'FAIL: unknown number (404)' unknown.txt && pass "verdict names it" || fail "$(cat unknown.txt)"
stop_server

# Reports cannot be written: the center runs, but the tenant's Maildir
# folder's place is taken by a file (a running center keeps the report in its
# spool and retries; the test call must still be judged a failure).
start_server "$SCN" data3 --speedup 10
rm -rf data3/maildir/acme && : >data3/maildir/acme
"$RB" onboard --server "127.0.0.1:$SD_PORT" --scenario "$SCN" --tenant acme \
	--maildir data3/maildir --speedup 10 --report-within 3 >noreport.txt 2>&1
check "no report fails (exit 1)" 1 $?
grep -q '\[x\] reached the center' noreport.txt && pass "it rang" || fail "$(cat noreport.txt)"
grep -q '\[x\] a person answered' noreport.txt && pass "it was answered" || fail "$(cat noreport.txt)"
grep -q 'FAIL: no report' noreport.txt && pass "says no report" || fail "$(cat noreport.txt)"
stop_server

# Nobody there at all.
"$RB" onboard --server 127.0.0.1:9 --scenario "$SCN" --tenant acme --maildir x \
	--speedup 30 --report-within 1 >nobody.txt 2>&1
check "no center fails (exit 1)" 1 $?
grep -q 'FAIL: no answer from the center' nobody.txt && pass "says no answer" || fail "$(cat nobody.txt)"

# Usage.
"$RB" onboard --server 127.0.0.1:9 --scenario "$SCN" --tenant nobody --maildir x 2>err.txt
check "unknown tenant id: exit 2" 2 $?
grep -q "no tenant 'nobody'" err.txt && pass "names the tenant" || fail "$(cat err.txt)"
"$RB" onboard --server 127.0.0.1:9 --scenario "$SCN" --tenant acme 2>err.txt
check "no report place: exit 2" 2 $?
finish
