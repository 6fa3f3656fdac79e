#!/usr/bin/env python3
"""The benchmark's peer: the same M/M/n+M model as bench/model/mmnm.yaml as a
plain Python event loop on heapq, written the way a careful Python programmer
would (tuples in the heap, a deque for the queue, lazy cancellation of
patience timers, local variable aliases in the loop, patience timers only for
calls that wait).

    heap_model.py CALLS [--rate 2] [--talk 120] [--patience 60] [--operators 250] [--seed 1]

Prints one JSON line: calls simulated, seconds, calls per second, and the
answered/abandoned counts and the fraction answered within 3 rings (9 s) so
the model can be checked against ringbench's.
"""
import argparse
import heapq
import json
import random
import time
from collections import deque

ARRIVAL, TALK_END, PATIENCE = 0, 1, 2


def run(n_calls, rate, talk_mean, patience_mean, operators, seed):
    rng = random.Random(seed)
    expo = rng.expovariate
    heap = []
    push, pop = heapq.heappush, heapq.heappop
    queue = deque()          # waiting calls: [t_invite, patience_end, state]
    free = operators
    seq = 0                  # equal times fire in scheduling order
    dialled = answered = abandoned = within3 = 0
    talk_rate, pat_rate = 1.0 / talk_mean, 1.0 / patience_mean

    push(heap, (expo(rate), 0, ARRIVAL, None))
    while heap:
        t, _, kind, call = pop(heap)
        if kind == ARRIVAL:
            dialled += 1
            patience = expo(pat_rate)
            talk = expo(talk_rate)
            if dialled < n_calls:
                seq += 1
                push(heap, (t + expo(rate), seq, ARRIVAL, None))
            if free:
                free -= 1
                answered += 1
                within3 += 1
                seq += 1
                push(heap, (t + talk, seq, TALK_END, None))
            else:
                call = [t, talk, 0]  # t_invite, talk, state (0 waiting, 1 done)
                queue.append(call)
                seq += 1
                push(heap, (t + patience, seq, PATIENCE, call))
        elif kind == TALK_END:
            # The operator takes the oldest waiting call still there.
            while queue and queue[0][2]:
                queue.popleft()
            if queue:
                call = queue.popleft()
                call[2] = 1
                answered += 1
                if t - call[0] < 9.0:
                    within3 += 1
                seq += 1
                push(heap, (t + call[1], seq, TALK_END, None))
            else:
                free += 1
        else:  # PATIENCE
            if not call[2]:
                call[2] = 1  # left; removed lazily from the queue's head
                abandoned += 1
    return dialled, answered, abandoned, within3


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("calls", type=int)
    ap.add_argument("--rate", type=float, default=2.0)
    ap.add_argument("--talk", type=float, default=120.0)
    ap.add_argument("--patience", type=float, default=60.0)
    ap.add_argument("--operators", type=int, default=250)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    t0 = time.process_time()
    d, ans, ab, w3 = run(a.calls, a.rate, a.talk, a.patience, a.operators, a.seed)
    dt = time.process_time() - t0
    print(json.dumps({"engine": "python-heapq", "calls": d, "cpu_s": round(dt, 3),
                      "calls_per_s": round(d / dt), "answered": ans, "abandoned": ab,
                      "answered_within_3": round(w3 / d, 4)}))


if __name__ == "__main__":
    main()
