#!/usr/bin/python3
"""The checks of one network fault case (tests/faults/README.md).

Reads a case's work folder (faults_lib.sh): run/ (ringbench live's result
folder: sipp/injection.csv, sipp/stat.csv, calls.csv, capture/calls.csv,
capture.pcap), sd/cdr.sqlite (secretaryd's CDRs) and box/ (the SMTP sink's
Maildir), and checks, printing each:

  accounted   every call placed (a line of SIPp's injection file) is in the
              capture's analysis exactly once with a final outcome
              (answered, abandoned, rejected), in the CDRs exactly once, and
              SIPp created as many and ended each as its flow expects (no
              call failed in SIPp's own count); none lost, none counted
              twice (retransmissions and duplicated packets are not calls)
  tshark      the capture's analysis equals tshark's fields on the same
              file (tests/tools/tshark_calls.py, --calls placed)
  cdr=wire    each call's outcome and final status in the CDRs is the one
              on the wire (the caller's side of the impaired leg), and for
              an answered call the side that hung up (the first BYE on the
              wire) is the CDR's ended_by
  answered    every CANCEL and BYE the caller sent got a response on the
              wire (a lost request or response is retransmitted, Timer E)
  ack         every 2xx to an INVITE was ACKed by the caller (also one that
              crossed its CANCEL, or answered a CANCEL that was lost)
  reports     every answered, unscreened call's report reached the sink at
              least once; duplicates (the same Message-ID again: SMTP may
              lose the 250 after DATA) are counted, not failed; a second
              report for one call under another Message-ID, or a report
              for a call that should have none, fails

and writes the case's table row (--row). Exit status: the number of
failed checks (0: all passed).
"""
import argparse
import collections
import csv
import email.parser
import glob
import os
import sqlite3
import subprocess
import sys

OUTCOMES = ("answered", "abandoned", "rejected")


def key_of(call_id):
    """'rbl0-12///12-345@10.77.1.1' -> 'rbl0-12' (the injection file's key)."""
    return call_id.split("///")[0]


def read_csv(path):
    """The rows, or none when the file is missing (a run that broke: the
    checks then fail on the counts, with this said)."""
    if not os.path.exists(path):
        print("FAIL: missing %s" % path)
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def sipp_counts(run):
    """Created, successful, failed and retransmissions, summed over every
    SIPp of the run (the main one and any redial batches)."""
    tot = collections.Counter()
    for path in glob.glob(os.path.join(run, "sipp", "**", "stat.csv"), recursive=True):
        with open(path) as f:
            rows = [line.rstrip("\n").split(";") for line in f if line.strip()]
        if len(rows) < 2:
            continue
        head, last = rows[0], rows[-1]
        for i, col in enumerate(head):
            if col in ("OutgoingCall(C)", "SuccessfulCall(C)", "Retransmissions(C)") or \
                    (col.startswith("Failed") and col.endswith("(C)")):
                tot[col] += int(last[i] or 0)
    return tot


def placed_keys(run):
    keys = []
    for path in glob.glob(os.path.join(run, "sipp", "**", "injection.csv"), recursive=True):
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line and line != "SEQUENTIAL":
                    keys.append(line.split(";")[0])
    return keys


# A caller's BYE sent again over UDP (Timer E: T1), plus scheduling slack.
BYE_COPY_S = 0.5 + 0.05


def byes_by_side(capture, caller_ip):
    """{key: {'caller': t, 'center': t}}: when each side's first BYE of a
    call is on the capture (seconds from its first packet)."""
    out = subprocess.run(["tshark", "-r", capture, "-n", "-Y", 'sip.Method == "BYE"', "-T", "fields",
                          "-e", "frame.time_relative", "-e", "sip.Call-ID", "-e", "ip.src"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=False).stdout
    byes = collections.defaultdict(dict)
    for line in out.splitlines():
        t, cid, src = (line.split("\t") + ["", "", ""])[:3]
        byes[key_of(cid)].setdefault("caller" if src == caller_ip else "center", float(t))
    return byes


def unacked_2xx(capture, caller_ip):
    """Keys of calls whose 2xx to the INVITE the caller never ACKed (an
    ACK from the caller after the first 2xx), RFC 3261 13.2.2.4."""
    out = subprocess.run(["tshark", "-r", capture, "-n", "-Y", "sip", "-T", "fields",
                          "-E", "occurrence=f", "-e", "sip.Call-ID", "-e", "ip.src", "-e", "sip.Method",
                          "-e", "sip.Status-Code", "-e", "sip.CSeq.method"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True, check=False).stdout
    answered, acked = set(), set()
    for line in out.splitlines():
        v = (line.split("\t") + [""] * 5)[:5]
        k = key_of(v[0])
        if v[3].startswith("2") and v[4] == "INVITE":
            answered.add(k)
        elif v[2] == "ACK" and v[1] == caller_ip and k in answered:
            acked.add(k)
    return sorted(answered - acked, key=lambda k: int(k.split("-")[-1]))


def unanswered_requests(capture, caller_ip):
    """['key METHOD']: the caller's CANCELs and BYEs that no response ever
    answered on the capture. Over UDP a client transaction retransmits its
    request until a response comes (RFC 3261 17.1.2, Timer E), so with a
    packet lost either way the request is sent again and answered."""
    out = subprocess.run(["tshark", "-r", capture, "-n", "-Y", "sip", "-T", "fields",
                          "-E", "occurrence=f", "-e", "sip.Call-ID", "-e", "ip.src", "-e", "sip.Method",
                          "-e", "sip.Status-Code", "-e", "sip.CSeq.method"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True, check=False).stdout
    sent, answered = set(), set()
    for line in out.splitlines():
        cid, src, meth, code, cmeth = (line.split("\t") + [""] * 5)[:5]
        k = key_of(cid)
        if src == caller_ip and meth in ("CANCEL", "BYE"):
            sent.add((k, meth))
        elif src != caller_ip and code and cmeth in ("CANCEL", "BYE"):
            answered.add((k, cmeth))
    return ["%s %s" % x for x in sorted(sent - answered, key=lambda x: (int(x[0].split("-")[-1]), x[1]))]


def reports(box):
    """[(call_id, message_id)] of every message the sink stored."""
    out = []
    p = email.parser.BytesHeaderParser()
    for path in glob.glob(os.path.join(box, "new", "*")) + glob.glob(os.path.join(box, "cur", "*")):
        with open(path, "rb") as f:
            m = p.parse(f)
        out.append((m.get("X-Ringbench-Call-ID", ""), m.get("Message-ID", "")))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", required=True)
    ap.add_argument("--impairment", required=True, help="the impairment achieved, measured")
    ap.add_argument("--work", required=True)
    ap.add_argument("--ringbench", required=True)
    ap.add_argument("--tshark-calls", required=True)
    ap.add_argument("--row", required=True)
    ap.add_argument("--caller-ip", default="10.77.1.1")
    a = ap.parse_args()
    run = os.path.join(a.work, "run")
    bad = 0

    def check(what, ok, detail=""):
        nonlocal bad
        print("%s: %s%s" % ("ok" if ok else "FAIL", what, (": " + detail) if detail else ""))
        if not ok:
            bad += 1
        return ok

    # What was placed: the scenario's wire calls, as SIPp was given them.
    placed = placed_keys(run)
    check("placed calls have distinct keys", len(placed) == len(set(placed)))
    placed_set = set(placed)
    check("calls were placed", len(placed) > 0)
    live_rows = read_csv(os.path.join(run, "calls.csv"))
    live_wire = [r for r in live_rows if r["outcome"] != "abandoned_before_forward"]
    check("ringbench live's calls.csv: one row per call placed", len(live_wire) == len(placed),
          "%d rows, %d placed" % (len(live_wire), len(placed)))

    sipp = sipp_counts(run)
    check("SIPp created every call placed", sipp["OutgoingCall(C)"] == len(placed),
          "SIPp %d, placed %d" % (sipp["OutgoingCall(C)"], len(placed)))
    done = sipp["SuccessfulCall(C)"] + sipp["FailedCall(C)"]
    check("SIPp finished every call (successful + failed)", done == len(placed),
          "%d + %d of %d" % (sipp["SuccessfulCall(C)"], sipp["FailedCall(C)"], len(placed)))
    # The caller flow ends every outcome (answered, abandoned, rejected) as
    # a successful SIPp call; a failed one is a call SIPp's own count says
    # went wrong while the wire says it ended: the flow lost track of it.
    why = ", ".join("%s %d" % (k, v) for k, v in sorted(sipp.items())
                    if k.startswith("Failed") and k != "FailedCall(C)" and v)
    # Which ones: the flow logs "END key outcome" (calls.log) on each way out.
    ended = set()
    for path in glob.glob(os.path.join(run, "sipp", "**", "calls.log"), recursive=True):
        with open(path, errors="replace") as f:
            ended |= {w[1] for w in (line.split() for line in f) if len(w) >= 2 and w[0] == "END"}
    no_end = sorted(placed_set - ended, key=lambda k: int(k.split("-")[-1]))
    check("SIPp's own count: every call placed ended as its flow expects", sipp["FailedCall(C)"] == 0,
          "%d failed in SIPp (%s); no END in calls.log: %s"
          % (sipp["FailedCall(C)"], why, " ".join(no_end)))
    print("   SIPp: created %d, successful %d, failed %d, retransmissions %d"
          % (sipp["OutgoingCall(C)"], sipp["SuccessfulCall(C)"], sipp["FailedCall(C)"],
             sipp["Retransmissions(C)"]))

    # The capture's analysis (wire time): one row per call.
    cap = [r for r in read_csv(os.path.join(run, "capture", "calls.csv")) if r["call_id"].startswith("rbl")]
    cap_keys = collections.Counter(key_of(r["call_id"]) for r in cap)
    twice_cap = sorted(k for k, n in cap_keys.items() if n > 1)
    check("the analysis counts no call twice", not twice_cap, " ".join(twice_cap))
    wire = {key_of(r["call_id"]): r for r in cap}
    missing_cap = sorted(placed_set - set(wire))
    check("every call placed is in the analysis", not missing_cap, " ".join(missing_cap))
    extra_cap = sorted(set(wire) - placed_set)
    check("the analysis has no call that was not placed", not extra_cap, " ".join(extra_cap))
    unfinished = sorted(k for k, r in wire.items() if r["outcome"] not in OUTCOMES)
    check("every call on the wire has a final outcome", not unfinished,
          " ".join("%s=%s" % (k, wire[k]["outcome"]) for k in unfinished))
    live_by_key = {key_of(r["call_id"]): r for r in live_wire}
    differ = sorted(k for k in wire if k in live_by_key and live_by_key[k]["outcome"] != wire[k]["outcome"])
    check("ringbench live's outcomes are the analysis'", not differ, " ".join(differ))

    # The CDRs: the center's own account of the same calls.
    db = sqlite3.connect(os.path.join(a.work, "sd", "cdr.sqlite"))
    cdr_rows = db.execute("select call_id, outcome, final_status, screened, ended_by, t_end, t_invite "
                          "from calls").fetchall()
    cdr_keys = collections.Counter(key_of(r[0]) for r in cdr_rows)
    twice_cdr = sorted(k for k, n in cdr_keys.items() if n > 1)
    check("the CDRs count no call twice", not twice_cdr, " ".join(twice_cdr))
    cdr = {key_of(r[0]): r for r in cdr_rows}
    missing_cdr = sorted(placed_set - set(cdr))
    check("every call placed has its CDR", not missing_cdr, " ".join(missing_cdr))
    extra_cdr = sorted(set(cdr) - placed_set)
    check("no CDR for a call not placed", not extra_cdr, " ".join(extra_cdr))
    diffs = []
    for k in sorted(set(cdr) & set(wire)):
        w, c = wire[k], cdr[k]
        if (w["outcome"], w["final_status"]) != (c[1], str(c[2] or "")):
            diffs.append("%s wire %s/%s, CDR %s/%s" % (k, w["outcome"], w["final_status"], c[1], c[2]))
    # Who hung up an answered call: the CDR's ended_by must have sent a BYE
    # on the wire, and be the first to have sent one. The capture is at the
    # caller's side, so a center BYE lost on its way is not on it while the
    # caller's, sent after it, is: then the CDR's t_end, put in capture time
    # by the call's own offset (CDR t_invite - capture t_invite, the INVITE's
    # one-way delay included), must come before the caller's BYE, or at
    # most T1 (500 ms, when the caller sends its BYE again) plus 50 ms
    # after it: a caller BYE lost on its way leaves the center unaware
    # until that copy, so a center whose own talk ended meanwhile hung up
    # first as far as it could know (seen once: 80 ms after a lost BYE). A
    # center still talking to nobody past the copy fails.
    byes = byes_by_side(os.path.join(run, "capture.pcap"), a.caller_ip)
    crossed = []
    for k in sorted(set(cdr) & set(wire)):
        if wire[k]["outcome"] != "answered":
            continue
        by, b = cdr[k][4], byes.get(k, {})
        if by not in b:
            diffs.append("%s: hung up by the %s in the CDR, no BYE from it on the wire" % (k, by))
        elif min(b, key=b.get) != by:
            t_end = cdr[k][5] - (cdr[k][6] - float(wire[k]["t_invite"])) if cdr[k][5] is not None else None
            if by == "center" and t_end is not None and t_end < b["caller"] + BYE_COPY_S:
                crossed.append(k)
            else:
                diffs.append("%s: hung up by the %s in the CDR (t_end %s in capture time), the %s's BYE "
                             "first on the wire (%.6f)" % (k, by, "%.6f" % t_end if t_end is not None else "?",
                                                          min(b, key=b.get), min(b.values())))
    if crossed:
        print("   BYEs crossed (the center's first, lost or slower): " + " ".join(crossed))
    cdr_ok = check("CDRs = the calls on the wire (outcome, final status, who hung up)", not diffs,
                   "; ".join(diffs))

    # Every 2xx to an INVITE needs the caller's ACK, also one that crossed
    # the caller's CANCEL or answered a CANCEL that was lost: without it the
    # center retransmits its 200 and keeps an operator on a call nobody is on.
    noack = unacked_2xx(os.path.join(run, "capture.pcap"), a.caller_ip)
    check("the caller ACKed every 2xx to its INVITE", not noack, " ".join(noack))

    noresp = unanswered_requests(os.path.join(run, "capture.pcap"), a.caller_ip)
    check("every CANCEL and BYE the caller sent was answered", not noresp, ", ".join(noresp))

    lost = set(missing_cap) | set(unfinished) | set(missing_cdr)
    twice = set(twice_cap) | set(twice_cdr)
    count = collections.Counter(wire[k]["outcome"] for k in wire)

    # tshark on the same capture file.
    r = subprocess.run([sys.executable, a.tshark_calls, a.ringbench, os.path.join(run, "capture.pcap"),
                        "--calls", str(len(placed))], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, check=False)
    lines = r.stdout.strip().splitlines()
    for line in lines[-12:]:
        print("   tshark: " + line)
    tshark_ok = check("the analysis = tshark's fields", r.returncode == 0)

    # Reports: answered calls not screened (every tenant has report_to).
    want = {key_of(row[0]) for row in cdr_rows if row[1] == "answered" and row[3] == 0}
    msgs = reports(os.path.join(a.work, "box"))
    by_call = collections.defaultdict(list)
    for cid, mid in msgs:
        by_call[key_of(cid)].append(mid)
    got = set(by_call)
    undelivered = sorted(want - got)
    check("every report delivered at least once", not undelivered,
          "%d of %d missing: %s" % (len(undelivered), len(want), " ".join(undelivered)))
    unwanted = sorted(got - want)
    check("no report for a call that has none", not unwanted, " ".join(unwanted))
    dupes = len(msgs) - len({mid for _, mid in msgs})
    two_ids = sorted(k for k, mids in by_call.items() if len(set(mids)) > 1)
    check("one Message-ID per call's report", not two_ids, " ".join(two_ids))
    print("   reports: %d expected, %d calls reported, %d messages, %d duplicate(s) by Message-ID"
          % (len(want), len(got & want), len(msgs), dupes))

    row = [a.case, a.impairment, "%d (SIPp: %d ok, %d failed)" % (len(placed), sipp["SuccessfulCall(C)"], sipp["FailedCall(C)"]), str(count["answered"]), str(count["abandoned"]),
           str(count["rejected"]), str(len(lost)), str(len(twice)),
           "yes" if tshark_ok else "NO", "yes" if cdr_ok else "NO (%d)" % len(diffs),
           "%d/%d, %d dupes" % (len(got & want), len(want), dupes),
           "; ".join(x for x in (
               "SIPp failed: " + " ".join(no_end) if sipp["FailedCall(C)"] else "",
               "unanswered: " + ", ".join(noresp) if noresp else "",
               "2xx not ACKed: " + " ".join(noack) if noack else "",
               "BYEs crossed: " + " ".join(crossed) if crossed else "")
               if x) or "ok"]
    with open(a.row, "w") as f:
        f.write("\t".join(row) + "\n")
    print("row: " + " | ".join(row))
    sys.exit(min(bad, 100))


if __name__ == "__main__":
    main()
