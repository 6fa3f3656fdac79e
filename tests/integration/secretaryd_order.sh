#!/bin/bash
# 30 simultaneous calls on 12 operators (tests/data/scn-server/basic.yaml:
# pick-up 1 s, talk 2 s, wrap-up 1 s): operators take them in arrival order,
# in three waves answered about 1 s, 5 s and 9 s after the INVITE.
. "$(dirname "$0")/secretaryd_lib.sh"
SCN=$SRC/tests/data/scn-server/basic.yaml
start_server "$SCN" data

lines=()
for i in $(seq 30); do lines+=("0312345678;inquiry"); done
csv c.csv "${lines[@]}"
sipp_run burst uac_center_bye.xml c.csv -m 30 -r 300 -l 30
check "30 calls: SIPp succeeded" 0 $?
sleep 1
check "30 answered CDRs" 30 "$(q "select count(*) from calls where outcome='answered'")"
check "12 operators answered" 12 "$(q "select count(distinct answered_by) from calls")"
check "answers in arrival order (no later call answered first)" 0 \
	"$(q "select count(*) from calls a join calls b on a.seq < b.seq where a.t_answer > b.t_answer")"
# Waves, from the first INVITE: answered at 1 s; 1 + 2 + 1 + 1 = 5 s; 9 s.
# Loop and timer lateness on a loaded 2-core machine: +0.4 s allowed.
T0=$(q "select min(t_invite) from calls")
wave() { q "select count(*) from (select t_answer - $T0 as a from calls order by seq limit $1 offset $2) where a between $3 and $4"; }
check "first 12 answered 1 s after the first INVITE" 12 "$(wave 12 0 0.999 1.4)"
check "next 12 answered after 5 s" 12 "$(wave 12 12 4.999 5.4)"
check "last 6 answered after 9 s" 6 "$(wave 6 24 8.999 9.4)"
check "each operator took calls 1 + k*12 apart (op1: calls 1, 13, 25)" "1,13,25" \
	"$(q "select group_concat(seq) from (select seq from calls where answered_by='op1' order by seq)")"
stop_server
finish
