#!/bin/bash
# A full disk loses nothing (issue 12, items 1 and 5). The data directory is
# on a 2 MB tmpfs (32 MB for the long variant) this test mounts (root
# needed: exit 77, a skip, without).
#   1. calls with space; 2. the disk filled, calls go on (all answered);
#   3. space freed: every CDR of every call that ended on the wire is in
#      cdr.sqlite and every ENTERQUEUE in queue_log, each once;
#   4. filled again, more calls, SIGTERM while full: exit 3, and what was
#      not written is in --fallback-dir's files, exactly: rows + fallback
#      lines = calls, none in both, the counts said in the log lines.
# stderr stays small over the whole run (a log line per state change, not
# per report or per try). DISKFULL_SLOW=1: the long variant (label slow).
. "$(dirname "$0")/secretaryd_lib.sh"
export LC_ALL=C # sort and comm agree
command -v sipp >/dev/null && command -v sqlite3 >/dev/null || { echo "needs sipp, sqlite3"; exit 77; }
MNT=$WORK/mnt
mkdir -p "$MNT" fb
# The long variant's calls leave about 20 MB of reports (spool and Maildir)
# waiting in memory: space that "returns" must hold them, or the reports
# written first fill the disk again before the CDRs' next try.
SIZE=2m; [ -n "${DISKFULL_SLOW:-}" ] && SIZE=32m
if [ "$(id -u)" != 0 ] || ! mount -t tmpfs -o size=$SIZE tmpfs "$MNT" 2>/dev/null; then
	echo "skipped: mounting a tmpfs needs root"; exit 77
fi
umount_mnt() { umount "$MNT" 2>/dev/null || umount -l "$MNT"; }
trap 'umount_mnt; cleanup' EXIT
if [ -n "${DISKFULL_SLOW:-}" ]; then N1=300 N2=4000 N3=1500 RATE=150; else N1=100 N2=600 N3=300 RATE=100; fi
SCN=$SRC/tests/data/scn-server/fast-reports.yaml
DATA=$MNT/data
csv c.csv "0312345678;inquiry;100"

# load NAME CALLS: SIPp at RATE calls/s, each talks 100 ms and hangs up.
load() {
	timeout $(( $2 / RATE + 60 )) sipp "127.0.0.1:$SD_PORT" -sf "$FLOWS/uac_caller_bye.xml" \
		-inf c.csv -nostdin -trace_logs -log_file "$1.log" -r "$RATE" -m "$2" -timeout 50s \
		-recv_timeout 10000 >"$1.out" 2>&1 </dev/null
	local st=$?
	grep -h '^END' "$1.log" | cut -d' ' -f2 | sort >>ended.txt
	echo "$1: SIPp exit $st, $(grep -c '^END' "$1.log") calls ended on the wire"
	check "$1: every call succeeded (SIPp)" 0 "$st"
}
fill() { dd if=/dev/zero of="$MNT/filler.$1" bs=16k 2>/dev/null; sync; }
rows() { sqlite3 "$DATA/cdr.sqlite" "select call_id from calls" 2>/dev/null | sort; }

start_server "$SCN" "$DATA" --fallback-dir fb
load before "$N1"
fill 1
echo "disk: $(df -k --output=avail "$MNT" | tail -1) KB free"
load full "$N2"
sleep 2
n_full=$(rows | wc -l)
echo "CDR rows while full: $n_full of $(wc -l <ended.txt)"

rm -f "$MNT"/filler.*
# Retries back off to 5 s at most: every row within 15 s.
want=$(wc -l <ended.txt)
for _ in $(seq 150); do [ "$(rows | wc -l)" -ge "$want" ] && break; sleep 0.1; done
rows >rows.txt
sort -o ended.txt ended.txt
echo "CDR rows after space returned: $(wc -l <rows.txt) (before: $n_full)"
check "calls ended on the wire without a CDR" 0 "$(comm -23 ended.txt rows.txt | wc -l)"
check "CDR rows counted twice" 0 "$(uniq -d rows.txt | wc -l)"
sleep 1.5 # the queue_log retries too (at most 5 s apart)
for _ in $(seq 60); do
	[ "$(grep -c '|ENTERQUEUE|' "$DATA/queue_log")" -ge "$want" ] && break; sleep 0.1
done
grep '|ENTERQUEUE|' "$DATA/queue_log" | cut -d'|' -f2 | sort >enter.txt
check "calls without their ENTERQUEUE line" 0 "$(comm -23 ended.txt enter.txt | wc -l)"
check "ENTERQUEUE lines twice" 0 "$(uniq -d enter.txt | wc -l)"
grep -q "committed again" server.log && pass "the recovery is logged" || fail "no 'committed again' line"

# Full again, calls, SIGTERM while full.
fill 2
load last "$N3"
sleep 1
kill -TERM "$SD_PID"
for _ in $(seq 300); do kill -0 "$SD_PID" 2>/dev/null || break; sleep 0.05; done
kill -0 "$SD_PID" 2>/dev/null && { fail "no exit within 15 s of SIGTERM"; kill -KILL "$SD_PID"; }
wait "$SD_PID"
check "exit status with CDRs in the fallback file" 3 $?
SD_PID=
rows >rows.txt
sort ended.txt >e.txt
# Reports: each answered call's report is delivered, still queued in the
# spool, or in the fallback file.
grep -rh '^X-Ringbench-Call-ID:' "$DATA/maildir" "$DATA/spool/queue" 2>/dev/null |
	sed 's/^[^:]*: *//; s/\r$//' >rep.txt
sed -n 's/.*"call_id":"\([^"]*\)".*/\1/p' fb/reports-fallback.jsonl 2>/dev/null >>rep.txt
sort -o rep.txt rep.txt
echo "reports: $(wc -l <rep.txt) (delivered or queued: $(grep -rl '^X-Ringbench-Call-ID:' "$DATA/maildir" "$DATA/spool/queue" 2>/dev/null | wc -l), fallback: $(wc -l <fb/reports-fallback.jsonl 2>/dev/null || echo 0))"
check "calls without a report (delivered, queued or fallback)" 0 "$(comm -23 e.txt rep.txt | wc -l)"
check "reports twice" 0 "$(uniq -d rep.txt | wc -l)"
touch fb/cdr-fallback.jsonl fb/queue_log-fallback.jsonl
sed -n 's/.*"call_id":"\([^"]*\)".*/\1/p' fb/cdr-fallback.jsonl | sort >fbrows.txt
n_fb=$(wc -l <fbrows.txt)
echo "at exit: $(wc -l <rows.txt) CDR rows on the disk, $n_fb in the fallback file, $(wc -l <e.txt) calls"
check "fallback CDRs that are also rows" 0 "$(comm -12 rows.txt fbrows.txt | wc -l)"
check "calls neither in a row nor in the fallback" 0 "$(sort -m rows.txt fbrows.txt | comm -23 e.txt - | wc -l)"
if [ "$n_fb" -gt 0 ]; then
	check "the log line counts the fallback CDRs" 1 \
		"$(grep -c "cdr: err: $n_fb CDRs written to fb/cdr-fallback.jsonl because" server.log)"
else
	fail "no CDR in the fallback file: the disk was not full at SIGTERM?"
fi
grep '|ENTERQUEUE|' "$DATA/queue_log" | cut -d'|' -f2 >enter.txt
sed -n 's/.*"queue_log":"[0-9]*|\([^|]*\)|[^|]*|[^|]*|ENTERQUEUE|.*/\1/p' fb/queue_log-fallback.jsonl >>enter.txt
sort enter.txt >enter2.txt
check "calls without ENTERQUEUE in queue_log or its fallback" 0 "$(comm -23 e.txt enter2.txt | wc -l)"
check "ENTERQUEUE lines twice" 0 "$(uniq -d enter2.txt | wc -l)"
n_ql=$(wc -l <fb/queue_log-fallback.jsonl)
[ "$n_ql" -eq 0 ] || check "the log line counts the fallback queue_log lines" 1 \
	"$(grep -c "queue_log: err: $n_ql queue_log line(s) written to fb/queue_log-fallback.jsonl" server.log)"
if [ -s fb/reports-fallback.jsonl ]; then
	n_rp=$(wc -l <fb/reports-fallback.jsonl)
	check "the log line counts the fallback reports" 1 \
		"$(grep -c "$n_rp call report(s) written to fb/reports-fallback.jsonl" server.log)"
fi
bytes=$(wc -c <server.log)
echo "stderr: $bytes bytes, $(wc -l <server.log) lines over the run"
[ "$bytes" -lt 102400 ] && pass "stderr under 100 KB ($bytes bytes)" || fail "stderr $bytes bytes"
finish
