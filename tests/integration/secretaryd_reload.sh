#!/bin/bash
# A reload never stops SIP traffic (issue 12, item 7): the scenario file is
# replaced by a valid one of about 1 MiB (a 340,000-value empirical
# distribution: ~0.2 s to parse) and SIGHUP sent three times while OPTIONS
# go every 10 ms: each is answered within 100 ms, since the file is parsed
# on a worker thread and only the result is applied on the loop; the
# reloads are applied (the file is valid).
. "$(dirname "$0")/secretaryd_lib.sh"
cp "$SRC/tests/data/scn-server/basic.yaml" scn.yaml
start_server "$WORK/scn.yaml" data
/usr/bin/python3 - "$SRC/tests/data/scn-server/basic.yaml" >big.yaml <<'PY'
import sys
vals = ", ".join(str(1 + (i % 9)) for i in range(340000))
sys.stdout.write(open(sys.argv[1]).read().replace(
    "inquiry: {share: 0.8, talk_s: {fixed: 2}}",
    "inquiry: {share: 0.8, talk_s: {empirical: [%s]}}" % vals))
PY
check "the large scenario is near the 1 MiB bound" 1 "$(($(stat -c %s big.yaml) > 1000000 && $(stat -c %s big.yaml) <= 1048576))"
mv big.yaml scn.yaml
timeout 60 /usr/bin/python3 "$SRC/tests/integration/secretaryd_reload.py" "$SD_PID" "$SD_PORT"
check "every OPTIONS answered within 100 ms during the reloads" 0 $?
sleep 0.5
n=$(grep -c "reload: tenant settings applied to new calls" server.log)
check "the reloads were applied (3 SIGHUPs: at least 1, at most 3)" 1 "$((n >= 1 && n <= 3))"
check "no reload refused" 0 "$(grep -c 'reload refused' server.log)"
stop_server
finish
