#!/usr/bin/python3
"""The benchmark's second peer: the M/M/n+M model of bench/model/mmnm.yaml in
Debian's SimPy 2 (module SimPy.Simulation; run with /usr/bin/python3), the
textbook way: a Source process creates Caller processes; each caller requests
one of the operators (a Resource) with reneging after its patience, holds for
its talk time, and releases.

    simpy_model.py CALLS [--rate 2] [--talk 120] [--patience 60] [--operators 250] [--seed 1]

Prints one JSON line like heap_model.py.
"""
import argparse
import json
import random
import time

from SimPy.Simulation import Process, Resource, activate, hold, initialize, now, release, request, simulate

STATS = {"dialled": 0, "answered": 0, "abandoned": 0, "within3": 0}


class Caller(Process):
    def call(self, ops, talk, patience):
        t0 = now()
        yield (request, self, ops), (hold, self, patience)
        if self.acquired(ops):
            STATS["answered"] += 1
            if now() - t0 < 9.0:
                STATS["within3"] += 1
            yield hold, self, talk
            yield release, self, ops
        else:
            STATS["abandoned"] += 1


class Source(Process):
    def generate(self, n, rate, talk_mean, patience_mean, ops, rng):
        expo = rng.expovariate
        for _ in range(n):
            STATS["dialled"] += 1
            c = Caller()
            activate(c, c.call(ops, expo(1.0 / talk_mean), expo(1.0 / patience_mean)))
            yield hold, self, expo(rate)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("calls", type=int)
    ap.add_argument("--rate", type=float, default=2.0)
    ap.add_argument("--talk", type=float, default=120.0)
    ap.add_argument("--patience", type=float, default=60.0)
    ap.add_argument("--operators", type=int, default=250)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    t0 = time.process_time()
    initialize()
    ops = Resource(capacity=a.operators, name="operators", unitName="operator")
    src = Source()
    activate(src, src.generate(a.calls, a.rate, a.talk, a.patience, ops, rng))
    simulate(until=1e12)
    dt = time.process_time() - t0
    d = STATS["dialled"]
    print(json.dumps({"engine": "simpy2", "calls": d, "cpu_s": round(dt, 3),
                      "calls_per_s": round(d / dt), "answered": STATS["answered"],
                      "abandoned": STATS["abandoned"],
                      "answered_within_3": round(STATS["within3"] / d, 4)}))


if __name__ == "__main__":
    main()
