#!/usr/bin/python3
"""Writes a synthetic Asterisk queue_log of a busy center for bench/fit:
DAYS days from 2025-01-01 (UTC), 08:00-20:00, calls Poisson at RATE an hour
over three queues, a wait drawn per call (exponential, mean 25 s), patience
lognormal (median 45 s) from the moment the call reaches the queue,
gamma talk times; agent events between (PAUSE / UNPAUSE). Lines in time
order, as app_queue writes them. Seeded: the same arguments give the same
file.

    gen_queue_log.py OUT DAYS RATE_PER_HOUR [SEED]
"""
import math
import random
import sys


def day_events(rng, t0, rate, uid):
    ev = []
    t = t0 + 8 * 3600
    end = t0 + 20 * 3600
    queues = ("support", "sales", "billing")
    while True:
        t += rng.expovariate(rate / 3600.0)
        if t >= end:
            break
        uid += 1
        e = int(t)
        q = queues[uid % 3]
        cid = "%d.%d" % (e, uid)
        ev.append((e, 0, "%d|%s|%s|NONE|ENTERQUEUE||0312%06d|1" % (e, cid, q, uid % 1000000)))
        wait = rng.expovariate(1 / 25.0)
        pat = rng.lognormvariate(math.log(45), 0.8)
        if pat < wait:
            a = e + int(round(pat))
            ev.append((a, 1, "%d|%s|%s|NONE|ABANDON|1|1|%d" % (a, cid, q, int(round(pat)))))
            continue
        c = e + int(round(wait))
        agent = "Agent/%d" % (1000 + uid % 40)
        ev.append((c, 1, "%d|%s|%s|%s|CONNECT|%d|%s.b|%d" % (c, cid, q, agent, int(round(wait)), cid, 3)))
        talk = rng.gammavariate(3, 40)
        f = c + int(round(talk))
        kind = "COMPLETECALLER" if uid % 2 else "COMPLETEAGENT"
        ev.append((f, 2, "%d|%s|%s|%s|%s|%d|%d|1" % (f, cid, q, agent, kind, int(round(wait)), int(round(talk)))))
        if uid % 50 == 0:
            ev.append((f, 3, "%d|NONE|%s|%s|PAUSE|break" % (f, q, agent)))
    ev.sort()
    return ev, uid


def main():
    if len(sys.argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    out, days, rate = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    uid, lines = 0, 0
    with open(out, "w") as f:
        for d in range(days):
            ev, uid = day_events(rng, 1735689600 + d * 86400, rate, uid)
            f.write("\n".join(x[2] for x in ev) + "\n")
            lines += len(ev)
    print(lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
