#!/usr/bin/python3
"""Checks `ringbench analyze` against tshark on one capture.

Expected per-call values come from tshark's fields on the same file
(frame.time_relative, sip.Call-ID, tags, method, status, CSeq, Via branch),
turned into calls by the rules of docs/definitions.md and docs/analyze.md written
here a second time, independently of the C code. Calls are keyed by the
whole Call-ID and From tag, as tshark prints them. Every call's t_invite
(the first INVITE, also when it was challenged), t_ringing, t_answer,
t_cancel, t_final, t_end (to the microsecond: tshark's nanoseconds cut
after six decimals), final_status, outcome and the wait, rings and SRD
derived from them must agree.

usage: tshark_calls.py RINGBENCH CAPTURE [--min-calls N] [--calls N]
  --calls N: tshark and ringbench must both find exactly N calls.
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile

FIELDS = ["frame.time_relative", "sip.Call-ID", "sip.from.tag", "sip.to.tag",
          "sip.Method", "sip.Status-Code", "sip.CSeq.method", "sip.CSeq.seq",
          "sip.Via.branch"]


def us(rel):
    """tshark's '5.000432999' -> '5.000432' (cut, not rounded)."""
    whole, _, frac = rel.partition(".")
    return "%s.%s" % (whole, (frac + "000000")[:6])


def tshark_messages(path):
    # Out-of-order TCP segments are reassembled only when asked (Wireshark 4.0).
    cmd = ["tshark", "-r", path, "-n", "-o", "tcp.reassemble_out_of_order:TRUE", "-Y", "sip", "-T", "fields",
           "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=|"]
    for f in FIELDS:
        cmd += ["-e", f]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False, text=True)
    if r.returncode != 0 and not r.stdout.strip():
        # a tshark that failed is not a capture without calls: say why (a
        # file cut short exits 2 after printing what it read: that is kept)
        sys.exit("tshark failed on %s (exit %d): %s" % (path, r.returncode, r.stderr.strip()[-500:]))
    out = r.stdout
    msgs = []
    for line in out.splitlines():
        v = line.split("\t")
        v += [""] * (len(FIELDS) - len(v))
        t = us(v[0])
        cols = [x.split("|") if x else [] for x in v[1:]]
        cid, ftag, ttag, meth, code, cmeth, cseq, branch = cols
        n = len(cmeth)  # one CSeq per SIP message in the frame
        if n == 0:
            continue
        if meth and code and n > 1:
            raise SystemExit("frame with requests and responses mixed: %s" % line)
        for i in range(n):
            def at(lst):
                return lst[i] if i < len(lst) else ""
            m = {"t": t, "cid": at(cid), "ftag": at(ftag), "ttag": at(ttag),
                 "method": at(meth) if meth else "",
                 "code": int(at(code)) if code else 0,
                 "cmeth": at(cmeth), "cseq": int(at(cseq) or 0),
                 "branch": at(branch)}
            msgs.append(m)
    return msgs


def expected_calls(msgs):
    calls = {}
    for m in msgs:
        if m["method"] == "INVITE" and not m["ttag"]:
            key = (m["cid"], m["ftag"])
            c = calls.get(key)
            if c is None:
                calls[key] = {"t_invite": m["t"], "t_ringing": "", "t_answer": "",
                              "t_cancel": "", "t_final": "", "t_end": "",
                              "final_status": "", "branch": m["branch"],
                              "cseq": m["cseq"]}
                continue
            if m["branch"] == c["branch"] or m["cseq"] < c["cseq"]:
                continue  # a retransmission
            c["branch"], c["cseq"] = m["branch"], m["cseq"]
            if not c["t_answer"]:  # a new attempt after a challenge
                c["t_final"], c["final_status"] = "", ""
            continue
        c = calls.get((m["cid"], m["ftag"])) or calls.get((m["cid"], m["ttag"]))
        if c is None:
            continue
        if m["method"]:
            if m["method"] == "CANCEL" and not c["t_cancel"]:
                c["t_cancel"] = m["t"]
            elif m["method"] == "BYE" and not c["t_end"]:
                c["t_end"] = m["t"]
            continue
        if m["cmeth"] != "INVITE" or m["cseq"] != c["cseq"]:
            continue
        s = m["code"]
        if s in (180, 183):
            if not c["t_ringing"]:
                c["t_ringing"] = m["t"]
        elif 200 <= s < 300:
            if not c["t_answer"]:
                c["t_answer"] = m["t"]
                if not c["t_final"] or int(c["final_status"]) >= 300:
                    c["t_final"], c["final_status"] = m["t"], str(s)
        elif s >= 300:
            if not c["t_final"] and not c["t_answer"]:
                c["t_final"], c["final_status"] = m["t"], str(s)
    for c in calls.values():
        st = int(c["final_status"] or 0)
        if c["t_answer"]:
            c["outcome"] = "answered"
        elif st == 487 or c["t_cancel"]:
            c["outcome"] = "abandoned"
        elif st >= 300:
            c["outcome"] = "rejected"
        else:
            c["outcome"] = "incomplete"
    return calls


def to_us(s):
    """'37.000250' -> 37000250; '' -> None."""
    if not s:
        return None
    whole, _, frac = s.partition(".")
    return int(whole) * 1000000 + int((frac + "000000")[:6])


def fmt_us(v):
    return "" if v is None else "%d.%06d" % (v // 1000000, v % 1000000)


def derive(c, period_us=3000000):
    """wait_s, rings, srd_s from the times (docs/definitions.md, Measures)."""
    inv, ans = to_us(c["t_invite"]), to_us(c["t_answer"])
    end = to_us(c["t_cancel"]) or to_us(c["t_final"])
    wait = None
    if c["outcome"] == "answered":
        wait = ans - inv
    elif c["outcome"] == "abandoned" and end is not None:
        wait = end - inv
    c["wait_s"] = fmt_us(wait)
    c["rings"] = "" if wait is None else str(wait // period_us + 1)
    ring = to_us(c["t_ringing"])
    c["srd_s"] = "" if ring is None else fmt_us(ring - inv)


def main():
    ap = argparse.ArgumentParser(usage=__doc__)
    ap.add_argument("ringbench")
    ap.add_argument("capture")
    ap.add_argument("--min-calls", type=int, default=1)
    ap.add_argument("--calls", type=int, default=None)
    a = ap.parse_args()
    rb, cap, min_calls = a.ringbench, a.capture, a.min_calls
    exp = expected_calls(tshark_messages(cap))
    for c in exp.values():
        derive(c)
    with tempfile.TemporaryDirectory() as d:
        r = subprocess.run([rb, "analyze", cap, "--out", d, "--quiet"],
                           stderr=subprocess.PIPE, text=True, check=False)
        if r.returncode not in (0, 1):
            raise SystemExit("ringbench analyze exited %d: %s" % (r.returncode, r.stderr))
        with open(os.path.join(d, "calls.csv"), newline="") as f:
            rows = list(csv.DictReader(f))
    got = {(row["call_id"], row["from_tag"]): row for row in rows}
    bad = 0
    if len(rows) != len(got):
        print("ringbench wrote %d rows for %d distinct keys" % (len(rows), len(got)))
        bad += 1
    if len(exp) < min_calls:
        print("tshark found only %d calls (want >= %d)" % (len(exp), min_calls))
        bad += 1
    if a.calls is not None and (len(exp) != a.calls or len(got) != a.calls):
        print("calls: want %d, tshark %d, ringbench %d" % (a.calls, len(exp), len(got)))
        bad += 1
    for key in sorted(set(exp) | set(got)):
        e, g = exp.get(key), got.get(key)
        if e is None or g is None:
            print("%s: %s" % (key, "only ringbench has it" if e is None else "ringbench missed it"))
            bad += 1
            continue
        for f in ("t_invite", "t_ringing", "t_answer", "t_cancel", "t_final", "t_end",
                  "final_status", "outcome", "wait_s", "rings", "srd_s"):
            if e[f] != g[f]:
                print("%s %s: tshark %r, ringbench %r" % (key[0], f, e[f], g[f]))
                bad += 1
    print("%s: %d calls by tshark, %d by ringbench, %d differences"
          % (os.path.basename(cap), len(exp), len(got), bad))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
