"""RFC 3261 retransmissions over UDP, seen from a hand-made caller:
the 200 OK is retransmitted on Timer G (T1 = 0.5 s, doubling) until the ACK
and never after it; the center's BYE is retransmitted on Timer E until its
200; a 487 is retransmitted until its ACK. Scenario: tests/data/scn-server/
basic.yaml (pick-up 1 s, talk 2 s). Usage: secretaryd_timers.py PORT."""
import socket
import sys
import time

PORT = int(sys.argv[1])
HOST = "127.0.0.1"
fails = 0


def req(method, callid, cseq, extra="", branch="z9hG4bK-t1"):
    return (f"{method} sip:0312345678@127.0.0.1 SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:9;branch={branch}\r\n"
            f"From: <sip:t@127.0.0.1>;tag=tt\r\nTo: <sip:0312345678@127.0.0.1>{extra}\r\n"
            f"Call-ID: {callid}\r\nCSeq: {cseq}\r\nMax-Forwards: 70\r\n"
            f"Contact: <sip:t@127.0.0.1>\r\nContent-Length: 0\r\n\r\n").encode()


def collect(sock, secs, pred):
    """Messages for which pred(msg) holds, with their arrival times, for secs."""
    out, end = [], time.time() + secs
    while time.time() < end:
        sock.settimeout(max(0.01, end - time.time()))
        try:
            m = sock.recvfrom(70000)[0]
        except socket.timeout:
            break
        if pred(m):
            out.append((time.time(), m))
    return out


def check(name, ok, detail):
    global fails
    print(f"{'ok' if ok else 'FAIL'}: {name}: {detail}")
    fails += 0 if ok else 1


s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((HOST, 0))
# 1. Timer G: the first 200 comes after the 1 s pick-up; no ACK until 1.75 s
# after it -> copies at +0.5 and +1.5 s; the ACK goes before the BYE (+2 s).
s.sendto(req("INVITE", "g@t", "1 INVITE"), (HOST, PORT))
oks = collect(s, 2.75, lambda m: m.startswith(b"SIP/2.0 200"))
gaps = [round(b[0] - oks[0][0], 2) for b in oks[1:]] if oks else []
check("200 OK retransmitted on Timer G", len(oks) >= 3 and 0.4 < gaps[0] < 0.7 and 1.3 < gaps[1] < 1.8,
      f"{len(oks)} copies, at +{gaps} s after the first")
to_tag = oks[0][1].split(b"To: ", 1)[1].split(b"\r\n", 1)[0].split(b";tag=", 1)[1].decode() if oks else "x"
s.sendto(req("ACK", "g@t", "1 ACK", ";tag=" + to_tag, "z9hG4bK-t2"), (HOST, PORT))
# 2. After the ACK: no more 200s; the center's BYE comes (talk 2 s from the
# 200, so ~0.5 s from now) and, unanswered, is retransmitted on Timer E.
msgs = collect(s, 2.5, lambda m: True)
late_200 = [m for _, m in msgs if m.startswith(b"SIP/2.0 200")]
byes = [t for t, m in msgs if m.startswith(b"BYE ")]
check("no 200 after the ACK", not late_200, f"{len(late_200)} late copies")
check("center BYE retransmitted on Timer E", len(byes) >= 2 and 0.4 < byes[1] - byes[0] < 0.7,
      f"{len(byes)} copies")
if byes:
    bye = [m for _, m in msgs if m.startswith(b"BYE ")][0].decode()
    hdr = {l.split(":", 1)[0]: l for l in bye.split("\r\n") if ":" in l}
    resp = "\r\n".join(["SIP/2.0 200 OK", hdr["Via"], hdr["From"], hdr["To"], hdr["Call-ID"],
                        hdr["CSeq"], "Content-Length: 0", "", ""]).encode()
    s.sendto(resp, (HOST, PORT))
    more = collect(s, 1.2, lambda m: m.startswith(b"BYE "))
    check("no BYE after its 200", not more, f"{len(more)} more")
# 3. A 487 is retransmitted until its ACK.
s.sendto(req("INVITE", "c@t", "1 INVITE", branch="z9hG4bK-t3"), (HOST, PORT))
collect(s, 0.2, lambda m: False)
s.sendto(req("CANCEL", "c@t", "1 CANCEL", branch="z9hG4bK-t3"), (HOST, PORT))
f487 = collect(s, 1.2, lambda m: m.startswith(b"SIP/2.0 487"))
check("487 retransmitted until the ACK", len(f487) >= 2, f"{len(f487)} copies in 1.2 s")
s.sendto(req("ACK", "c@t", "1 ACK", ";tag=x", "z9hG4bK-t3"), (HOST, PORT))
collect(s, 0.1, lambda m: False)
after = collect(s, 1.2, lambda m: m.startswith(b"SIP/2.0 487"))
check("no 487 after its ACK", not after, f"{len(after)} more")
sys.exit(1 if fails else 0)
