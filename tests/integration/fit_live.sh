#!/bin/bash
# fit_live (slow, 17 min): one quarter of an hour played live against
# secretaryd at full speed (tests/data/fit/live.yaml: three 5-minute
# intervals, a tenant forwarding after 15 s), then `ringbench fit` on the
# three records of the same calls: secretaryd's CDR database, its queue_log
# (whole seconds) and the run's calls.csv (from the capture). They must
# agree up to the queue_log's rounding: the same calls, answered and
# abandoned; the same rate in every interval; talk means within 1 %;
# patience medians within 5 % (whole seconds move a small sample's fit).
# Then the fitted scenario runs in the model (200 replications).
# FIT_LIVE_RUN=DIR looks again at a live run made before instead.
# Skipped (77) without SIPp or the right to capture (root / CAP_NET_RAW).
#   fit_live.sh RINGBENCH SOURCE_DIR BUILD_DIR
set -u
RB=$1 SRC=$2
command -v sipp >/dev/null || { echo "no sipp: skipped"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "not root: cannot capture; skipped"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
if [ -n "${FIT_LIVE_RUN:-}" ]; then # a live run made before, to look again at its fits
	ln -s "$FIT_LIVE_RUN" "$T/run"
else
	timeout 1500 "$RB" live "$SRC/tests/data/fit/live.yaml" --out "$T/run" --quiet
	rc=$?
	[ $rc -le 1 ] || [ $rc -eq 4 ] || { echo "FAIL: live exited $rc"; exit 1; }
fi
fails=0
for s in secretaryd/cdr.sqlite secretaryd/queue_log calls.csv; do
	n=$(basename "$s" | tr . _)
	"$RB" fit "$T/run/$s" --tz UTC --forwarding beta=15 --interval-s 300 --out "$T/$n/s.yaml" ||
		{ echo "FAIL: fit $s"; fails=$((fails + 1)); }
done
python3 - "$T" <<'PY' || fails=$((fails + 1))
import json, sys
t = sys.argv[1]
f = {n: json.load(open("%s/%s/fit.json" % (t, n))) for n in ("cdr_sqlite", "queue_log", "calls_csv")}
c = f["cdr_sqlite"]
bad = 0
for n, j in f.items():
    rates = [v["seen"] for v in j["arrivals"]["intervals"]]
    talk = j["talk_s"]["families"][j["talk_s"]["chosen"]]["mean"]
    pat = j["patience_s"]["families"][j["patience_s"]["chosen"]]["median"]
    print("%-10s calls %d answered %d abandoned %d per interval %s talk mean %.2f s patience median %.2f s"
          % (n, j["calls"], j["answered"], j["abandoned"], rates, talk, pat))
    ok = (j["calls"], j["answered"], j["abandoned"]) == (c["calls"], c["answered"], c["abandoned"])
    ok = ok and rates == [v["seen"] for v in c["arrivals"]["intervals"]]
    ok = ok and abs(talk / c["talk_s"]["families"][c["talk_s"]["chosen"]]["mean"] - 1) < 0.01
    ok = ok and abs(pat / c["patience_s"]["families"][c["patience_s"]["chosen"]]["median"] - 1) < 0.05
    if not ok:
        print("FAIL: %s disagrees with the CDR database's fit" % n)
        bad += 1
sys.exit(bad > 0)
PY
"$RB" model "$T/cdr_sqlite/s.yaml" --replications 200 --quiet --out "$T/m" >/dev/null
rc=$?
[ $rc -le 1 ] || [ $rc -eq 4 ] || { echo "FAIL: the fitted scenario does not run ($rc)"; fails=$((fails + 1)); }
[ $fails -eq 0 ] && echo "all ok" || echo "$fails failed"
exit $((fails > 0))
