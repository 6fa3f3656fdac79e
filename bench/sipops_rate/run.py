#!/usr/bin/python3
"""bench/sipops_rate: the highest call rate on the wire with zero failed calls
through secretaryd, with SIP operators played by ringbench (`live
--sip-operators`) and with secretaryd's simulated operators, on the same
load; and the CPU each spends per call. Run by run.sh (its header says the
knobs, README.md what is measured and why); this file does the work.

    run.py ROOT BUILD WORKDIR OUT

Environment: see run.sh.
"""
import csv
import glob
import json
import os
import statistics
import subprocess
import sys
import time

MODES = ("simulated", "sip")


def env_list(name, default):
    return [float(x) for x in os.environ.get(name, default).split()]


def scenario_text(base, scn_rate, duration_s):
    """The bench scenario with its one phase set to scn_rate calls/s for
    duration_s (scenario seconds)."""
    out = []
    for line in open(base):
        if line.strip().startswith("- {phase: steady"):
            line = "  - {phase: steady, duration_s: %g, rate_per_min: %g}\n" % (duration_s, scn_rate * 60)
        out.append(line)
    return "".join(out)


def cpu_of(d, pat):
    return sum(json.load(open(f))["cpu_s"] for f in glob.glob(os.path.join(d, "cpu", pat)))


def achieved_rate(calls_csv, F):
    """(achieved, scheduled): wire calls/s between the first and the last
    INVITE on the wire (t_invite), and the same from the schedule's own
    instants (t_dial: Poisson arrivals, so a step's own rate differs from
    the nominal by chance; the achieved rate is held to this one).
    calls.csv holds scenario times: wire x F."""
    inv, dial = [], []
    with open(calls_csv) as f:
        for row in csv.DictReader(f):
            if row["t_invite"]:
                inv.append(float(row["t_invite"]))
                dial.append(float(row["t_dial"]))

    def rate(t):
        span = (max(t) - min(t)) / F if len(t) > 1 else 0
        return (len(t) - 1) / span if span > 0 else 0.0
    return rate(inv), rate(dial)


def wait_growth(calls_csv):
    """Mean wait (s, scenario time) of the first and of the last fifth of
    the answered calls, in order of their arrival. A step offered more than
    the operators can take may lose no call within its length (the queue
    grows, but not yet past the patience): its waits grow instead."""
    w = []
    with open(calls_csv) as f:
        for row in csv.DictReader(f):
            if row["wait_s"] and row["outcome"] == "answered":
                w.append((float(row["t_dial"]), float(row["wait_s"])))
    w.sort()
    k = len(w) // 5
    if k < 1:
        return None, None
    return (sum(x[1] for x in w[:k]) / k, sum(x[1] for x in w[-k:]) / k)


def run_step(cfg, rnd, mode, rate):
    """One `ringbench live` run at RATE wire calls/s; returns its row."""
    F = cfg["speedup"] if cfg["speedup"] else rate / cfg["scn_rate"]
    scn_rate = rate / F
    d = os.path.join(cfg["work"], "r%d-%s-%g" % (rnd, mode, rate))
    os.makedirs(os.path.join(d, "cpu"), exist_ok=True)
    scn = os.path.join(d, "scenario.yaml")
    open(scn, "w").write(scenario_text(cfg["scn"], scn_rate, cfg["step_s"] * F))
    # ringbench itself under rusage.py too: its CPU less its children's
    # (secretaryd, each SIPp, their rusage.py) is the capture and analysis.
    cmd = ["timeout", str(int(cfg["step_s"] + 120)), "nice", "-n", "5", "python3", cfg["rusage"],
           os.path.join(d, "cpu", "all.json"), cfg["ringbench"], "live", scn,
           "--speedup", "%g" % F, "--out", os.path.join(d, "live"), "--quiet"]
    if mode == "sip":
        cmd.append("--sip-operators")
    env = dict(os.environ, CPU_DIR=os.path.join(d, "cpu"))
    la0 = open("/proc/loadavg").read().split()[:3]
    t0 = time.monotonic()
    with open(d + ".out", "w") as out:
        st = subprocess.call(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    row = {"round": rnd, "mode": mode, "rate": rate, "speedup": F, "scenario_rate": scn_rate,
           "live_exit": st, "wall_s": time.monotonic() - t0, "loadavg_before": la0,
           "loadavg_after": open("/proc/loadavg").read().split()[:3]}
    summarize(row, d, F, cfg)
    return row


def summarize(row, d, F, cfg):
    """Fills row from the run's summary.json, calls.csv and rusage files."""
    sj = os.path.join(d, "live", "summary.json")
    asked = int(round(row["rate"] * cfg["step_s"]))
    if not os.path.exists(sj):
        row.update({"clean": False, "why": "no summary.json (live exit %d): %s" % (
            row["live_exit"], open(d + ".out").read()[-300:].strip())})
        return
    s = json.load(open(sj))
    o = s["overall"]
    dialled = o["dialled"] or 0
    cpu = {"secretaryd": cpu_of(d, "secretaryd-*.json"), "sipp_callers": cpu_of(d, "sipp-callers-*.json"),
           "sipp_operators": cpu_of(d, "sipp-operators-*.json")}
    # what is left of the whole tree's CPU: ringbench's capture thread and
    # analysis (and the rusage.py stand-ins, a few ms each)
    cpu["ringbench"] = max(0.0, cpu_of(d, "all.json") - sum(cpu.values()))
    sch = s.get("schedule") or {}
    row.update({"asked": asked, "dialled": dialled, "offered": o["offered"], "answered": o["answered"],
                "abandoned": o["abandoned"], "rejected": o["rejected"], "incomplete": o["incomplete"],
                "failed": dialled - o["answered"], "verdict": s.get("verdict"),
                "error": s.get("error"),
                "lateness_p99_ms": sch.get("lateness_p99_ms"), "lateness_limit_ms": sch.get("limit_ms"),
                "schedule_kept": sch.get("kept"), "capture": s.get("capture"), "cpu_s": cpu,
                "cpu_us_per_call": {k: 1e6 * v / max(dialled, 1) for k, v in cpu.items()}})
    row["achieved"], row["scheduled"] = achieved_rate(os.path.join(d, "live", "calls.csv"), F)
    row["wait_first_fifth_s"], row["wait_last_fifth_s"] = wait_growth(os.path.join(d, "live", "calls.csv"))
    why = []
    # more than a second longer at the end than at the start: a queue that
    # keeps growing (overload), however few calls it has lost yet
    if row["wait_first_fifth_s"] is not None and row["wait_last_fifth_s"] > row["wait_first_fifth_s"] + 1:
        why.append("waits grew from %.1f s to %.1f s" % (row["wait_first_fifth_s"], row["wait_last_fifth_s"]))
    if row["live_exit"] not in (0, 1, 4):
        why.append("live exit %d (%s)" % (row["live_exit"], s.get("error") or "see its output"))
    if row["failed"]:
        why.append("%d failed (abandoned %d, rejected %d, incomplete %d)" % (
            row["failed"], o["abandoned"], o["rejected"], o["incomplete"]))
    # Poisson: the calls a step draws are asked +- sqrt(asked); 4 of those
    # below is no chance draw
    if dialled < asked - 4 * asked ** 0.5:
        why.append("only %d of about %d calls dialled" % (dialled, asked))
    if row["achieved"] < 0.95 * row["scheduled"]:
        why.append("placed at %.0f/s, scheduled at %.0f/s" % (row["achieved"], row["scheduled"]))
    row["clean"], row["why"] = not why, ", ".join(why)


def show(row):
    if "cpu_us_per_call" not in row:
        print("%5g/s %-9s round %d: %s" % (row["rate"], row["mode"], row["round"], row["why"]), flush=True)
        return
    c = row["cpu_us_per_call"]
    print("%5g/s %-9s round %d: F %-5g dialled %5d achieved %6.0f/s (scheduled %6.0f) failed %4d  wait %.1f..%.1f s  p99 late %6.1f ms  "
          "CPU us/call secretaryd %6.1f callers %6.1f operators %6.1f ringbench %6.1f  load %s  %s" % (
              row["rate"], row["mode"], row["round"], row["speedup"], row["dialled"], row["achieved"],
              row["scheduled"], row["failed"], row["wait_first_fifth_s"] or 0, row["wait_last_fifth_s"] or 0,
              row["lateness_p99_ms"] or 0, c["secretaryd"], c["sipp_callers"],
              c["sipp_operators"], c["ringbench"], row["loadavg_before"][0],
              "clean" if row["clean"] else "NOT CLEAN: " + row["why"]), flush=True)


def one_round(cfg, rnd, deadline):
    """The staircase for both modes in turn at each rate; a mode stops at
    its first unclean rate. Returns the rows."""
    rows, stopped = [], set()
    for rate in cfg["rates"]:
        for mode in MODES:
            if mode in stopped:
                continue
            if time.monotonic() > deadline:
                print("time budget spent: round %d stops before %g/s" % (rnd, rate), flush=True)
                return rows, True
            row = run_step(cfg, rnd, mode, rate)
            show(row)
            rows.append(row)
            if not row["clean"]:
                stopped.add(mode)
        if len(stopped) == len(MODES):
            break
    return rows, False


def highest_clean(rows, mode):
    """The highest rate at and below which every rate run was clean."""
    hi, bad = None, None
    for r in sorted((x for x in rows if x["mode"] == mode), key=lambda x: x["rate"]):
        if not r["clean"]:
            bad = r
            break
        hi = r["rate"]
    return hi, bad


def mmm(v):
    return {"min": min(v), "median": statistics.median(v), "max": max(v), "n": len(v)} if v else None


def ratios(rows):
    """secretaryd's (and all processes') CPU per call, SIP / simulated, per
    rate, within a round, where both were clean."""
    out = {}
    for rate in sorted({r["rate"] for r in rows}):
        sd, tot = [], []
        for rnd in sorted({r["round"] for r in rows}):
            a = {r["mode"]: r for r in rows if r["rate"] == rate and r["round"] == rnd and r["clean"]}
            if len(a) == 2 and a["simulated"]["cpu_us_per_call"]["secretaryd"] > 0:
                c0, c1 = a["simulated"]["cpu_us_per_call"], a["sip"]["cpu_us_per_call"]
                sd.append(c1["secretaryd"] / c0["secretaryd"])
                tot.append(sum(c1.values()) / sum(c0.values()))
        if sd:
            out["%g" % rate] = {"secretaryd": mmm(sd), "all_processes": mmm(tot)}
    return out


def report(cfg, rows, budget_hit):
    best = {}
    for mode in MODES:
        per_round = []
        for rnd in sorted({r["round"] for r in rows}):
            hi, bad = highest_clean([r for r in rows if r["round"] == rnd], mode)
            # bounded: an unclean rate was met; else the limit is above the
            # staircase's top (or the time budget stopped it)
            per_round.append({"round": rnd, "highest_clean": hi, "first_unclean": bad["rate"] if bad else None,
                              "why": bad["why"] if bad else None, "bounded": bad is not None})
        his = [p["highest_clean"] or 0 for p in per_round]
        best[mode] = {"rounds": per_round, "highest_clean": mmm(his)}
        open_top = sum(1 for p in per_round if not p["bounded"])
        print("highest clean rate, %s operators: %s calls/s over %d rounds (min/median/max)%s" % (
            mode, "/".join("%g" % best[mode]["highest_clean"][k] for k in ("min", "median", "max")), len(his),
            "; in %d round(s) no rate run failed: the limit is higher" % open_top if open_top else ""))
    rt = ratios(rows)
    for rate, v in rt.items():
        a, b = v["secretaryd"], v["all_processes"]
        print("CPU per call SIP / simulated at %s/s: secretaryd %.2f/%.2f/%.2f, all processes "
              "%.2f/%.2f/%.2f (min/median/max, %d rounds)" % (rate, a["min"], a["median"], a["max"],
                                                              b["min"], b["median"], b["max"], a["n"]))
    return {"highest_clean": best, "cpu_per_call_ratio_sip_over_simulated": rt, "budget_hit": budget_hit}


def main():
    root, build, work, out = sys.argv[1:5]
    cfg = {"ringbench": os.path.join(build, "ringbench"), "work": work,
           "rusage": os.path.join(root, "bench/lib/rusage.py"),
           "scn": os.environ.get("SCN", os.path.join(root, "bench/sipops_rate/ops200.yaml")),
           "rates": env_list("RATES", "100 200 400 700 1000 1400 2000"),
           "scn_rate": float(os.environ.get("SCN_RATE", "20")),
           "speedup": float(os.environ.get("SPEEDUP", "0")),
           "step_s": float(os.environ.get("STEP_S", "8"))}
    rounds = int(os.environ.get("ROUNDS", "3"))
    deadline = time.monotonic() + float(os.environ.get("MAX_TOTAL_S", "1800"))
    la0 = open("/proc/loadavg").read().split()[:3]
    rows, budget_hit = [], False
    for rnd in range(1, rounds + 1):
        r, budget_hit = one_round(cfg, rnd, deadline)
        rows += r
        if budget_hit:
            break
    res = report(cfg, rows, budget_hit)
    commit = subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    doc = {"bench": "sipops_rate", "commit": commit, "cpus": os.cpu_count(),
           "loadavg_before": la0, "loadavg_after": open("/proc/loadavg").read().split()[:3],
           "config": {k: cfg[k] for k in ("rates", "scn_rate", "speedup", "step_s")},
           "scenario": os.path.basename(cfg["scn"]), "rounds": rounds, "runs": rows, **res}
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + ".json")
    json.dump(doc, open(path, "w"), indent=1)
    print("written", path)
    # A run that failed to start or a lowest rate that was not clean: the
    # staircase measured nothing for that mode.
    for mode in MODES:
        low = [r for r in rows if r["mode"] == mode and r["rate"] == cfg["rates"][0]]
        if not low or not all(r["clean"] for r in low):
            print("%s operators: the lowest rate was not clean in every round" % mode, file=sys.stderr)
            return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
