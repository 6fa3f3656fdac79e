#!/usr/bin/python3
"""ringbench's operators (scenarios/sipp/live_operator.xml) for a center
that is not secretaryd (docs/live.md, "Load-testing an Asterisk queue"):
such a center sends no X-Secretaryd-Ring and passes on only the caller's
X-RB-Pickup-Ms, X-RB-Backup-Pickup-Ms, X-RB-Talk-Ms and X-RB-No-Answer.
This script plays that center over UDP on loopback against one operator
SIPp, and checks what a queue server would see:

  1. op1, pick-up 400 ms, talk 300 ms: 180 at once, 200 (with SDP) after
     the pick-up, and the operator's BYE the talk time after our ACK;
  2. backup1 (the Request-URI user starts with "backup"), operator
     pick-up 3000 ms but backup pick-up 200 ms: the 200 after ~200 ms;
     then the center's BYE (the caller hung up) gets 200;
  3. op2 with X-RB-No-Answer: 1 and pick-up 100 ms: no 200 within 1.2 s
     (the ring is not answered at all); our CANCEL gets 200 and the
     INVITE 487, which we ACK.

Timing tolerance: the 200 and the BYE no earlier than their time less
15 ms, and no later than 350 ms after it (SIPp's 10 ms timer and a loaded
2-core machine; the scenario's own steps take a few ms each).

  operator_foreign.py SOURCE_DIR     exit 0 all passed, 1 a check failed,
                                     3 could not run (no sipp)
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import time

SRC = sys.argv[1]
FAILS = 0


def check(what, ok, detail=""):
    global FAILS
    print(("ok: " if ok else "FAIL: ") + what + ("" if ok else f" ({detail})"))
    FAILS += 0 if ok else 1


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Center:
    """A center's side of one call: sends requests, reads responses."""

    def __init__(self, op_port):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.op = ("127.0.0.1", op_port)

    def send(self, text):
        self.sock.sendto(text.replace("\n", "\r\n").encode(), self.op)

    def recv(self, timeout):
        """The next message within timeout seconds, or None."""
        self.sock.settimeout(timeout)
        try:
            data, _ = self.sock.recvfrom(65535)
        except socket.timeout:
            return None
        return data.decode(errors="replace")

    def wait(self, pred, timeout):
        """The first message pred accepts within timeout (others skipped)."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return None
            m = self.recv(left)
            if m is not None and pred(m):
                return m


def hdr(msg, name):
    m = re.search(r"^" + name + r":\s*(.*?)\r?$", msg, re.M | re.I)
    return m.group(1) if m else ""


def invite(c, user, n, extra):
    call = f"foreign-{n}-{os.getpid()}@127.0.0.1"
    c.call = call
    c.branch = f"z9hG4bKfc{n}x{os.getpid()}"
    c.from_ = f"\"Acme\" <sip:center@127.0.0.1:{c.port}>;tag=ct{n}"
    c.send(f"""INVITE sip:{user}@127.0.0.1:{c.op[1]} SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:{c.port};branch={c.branch}
Max-Forwards: 70
From: {c.from_}
To: <sip:{user}@127.0.0.1:{c.op[1]}>
Call-ID: {call}
CSeq: 1 INVITE
Contact: <sip:center@127.0.0.1:{c.port}>
{extra}Content-Type: application/sdp
Content-Length: 53

v=0
o=- 1 1 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
""")
    return time.monotonic()


def in_dialog(c, method, to, cseq, branch):
    c.send(f"""{method} sip:operator@127.0.0.1:{c.op[1]} SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:{c.port};branch={branch}
Max-Forwards: 70
From: {c.from_}
To: {to}
Call-ID: {c.call}
CSeq: {cseq} {method}
Content-Length: 0

""")


def status_is(code, cseq_method):
    return lambda m: m.startswith(f"SIP/2.0 {code} ") and hdr(m, "CSeq").endswith(cseq_method)


def within(what, got_s, want_s):
    ok = got_s is not None and want_s - 0.015 <= got_s <= want_s + 0.350
    check(f"{what}: {got_s if got_s is None else round(got_s * 1000)} ms (want {want_s * 1000:.0f})",
          ok, "outside -15..+350 ms")


def answered_call(port):
    c = Center(port)
    t0 = invite(c, "op1", 1, "X-RB-Pickup-Ms: 400\nX-RB-Talk-Ms: 300\n")
    r180 = c.wait(status_is(180, "INVITE"), 2)
    check("op1: 180 Ringing at once", r180 is not None and time.monotonic() - t0 < 0.2)
    r200 = c.wait(status_is(200, "INVITE"), 3)
    within("op1: 200 OK after the pick-up", r200 and time.monotonic() - t0, 0.4)
    if not r200:
        return
    check("op1: the 200 carries SDP", "m=audio" in r200)
    in_dialog(c, "ACK", hdr(r200, "To"), 1, f"z9hG4bKack1x{os.getpid()}")
    t_ack = time.monotonic()
    bye = c.wait(lambda m: m.startswith("BYE "), 3)
    within("op1: the operator's BYE after the talk", bye and time.monotonic() - t_ack, 0.3)
    if bye:
        via = hdr(bye, "Via")
        c.send(f"SIP/2.0 200 OK\nVia: {via}\nFrom: {hdr(bye, 'From')}\nTo: {hdr(bye, 'To')}\n"
               f"Call-ID: {c.call}\nCSeq: {hdr(bye, 'CSeq')}\nContent-Length: 0\n\n")


def backup_call(port):
    c = Center(port)
    t0 = invite(c, "backup1", 2, "X-RB-Pickup-Ms: 3000\nX-RB-Backup-Pickup-Ms: 200\nX-RB-Talk-Ms: 60000\n")
    r200 = c.wait(status_is(200, "INVITE"), 4)
    within("backup1: 200 after the backup pick-up, not the operator's", r200 and time.monotonic() - t0, 0.2)
    if not r200:
        return
    in_dialog(c, "ACK", hdr(r200, "To"), 1, f"z9hG4bKack2x{os.getpid()}")
    time.sleep(0.1)
    in_dialog(c, "BYE", hdr(r200, "To"), 2, f"z9hG4bKbye2x{os.getpid()}")
    check("backup1: the center's BYE gets 200", c.wait(status_is(200, "BYE"), 2) is not None)


def unanswered_call(port):
    c = Center(port)
    invite(c, "op2", 3, "X-RB-Pickup-Ms: 100\nX-RB-Talk-Ms: 1000\nX-RB-No-Answer: 1\n")
    check("op2 (no answer 1): 180", c.wait(status_is(180, "INVITE"), 2) is not None)
    check("op2: no 200 within 1.2 s", c.wait(status_is(200, "INVITE"), 1.2) is None)
    c.send(f"""CANCEL sip:op2@127.0.0.1:{c.op[1]} SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:{c.port};branch={c.branch}
Max-Forwards: 70
From: {c.from_}
To: <sip:op2@127.0.0.1:{c.op[1]}>
Call-ID: {c.call}
CSeq: 1 CANCEL
Content-Length: 0

""")
    got = {}
    end = time.monotonic() + 3
    while len(got) < 2 and time.monotonic() < end:
        m = c.recv(end - time.monotonic())
        if m and m.startswith("SIP/2.0 200 ") and hdr(m, "CSeq").endswith("CANCEL"):
            got["cancel"] = m
        elif m and m.startswith("SIP/2.0 487 "):
            got["487"] = m
    check("op2: CANCEL answered 200", "cancel" in got)
    check("op2: INVITE ended 487", "487" in got)
    if "487" in got:
        in_dialog(c, "ACK", hdr(got["487"], "To"), 1, c.branch)


def main():
    if not shutil.which("sipp"):
        print("sipp not found")
        return 3
    port = free_udp_port()
    work = os.path.join("/tmp", f"rb-opforeign-{os.getpid()}")
    os.makedirs(work, exist_ok=True)
    sipp = subprocess.Popen(["sipp", "-sf", os.path.join(SRC, "scenarios/sipp/live_operator.xml"),
                             "-i", "127.0.0.1", "-p", str(port), "-bind_local", "-nostdin",
                             "-trace_err", "-error_file", os.path.join(work, "err.log")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=work)
    try:
        time.sleep(0.5)
        check("the operator SIPp runs", sipp.poll() is None)
        answered_call(port)
        backup_call(port)
        unanswered_call(port)
    finally:
        sipp.terminate()
        try:
            sipp.wait(5)
        except subprocess.TimeoutExpired:
            sipp.kill()
    if FAILS == 0:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"SIPp's errors kept in {work}")
    print(f"{FAILS} check(s) failed" if FAILS else "all passed")
    return 1 if FAILS else 0


sys.exit(main())
