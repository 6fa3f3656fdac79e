"""Sends secretaryd a torture set of malformed and odd requests over UDP
(and one over TCP) and checks each answer: the status line expected, or
silence where the message is unanswerable. Usage: secretaryd_torture.py PORT.
Exit 0 when every answer is as expected."""
import socket
import sys

PORT = int(sys.argv[1])
HOST = "127.0.0.1"


def req(method="INVITE", ruri="sip:0312345678@127.0.0.1", version="SIP/2.0", extra="",
        body="", callid="torture-{n}@t", cseq=None, clen=None, drop=()):
    lines = [f"{method} {ruri} {version}",
             "Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-torture-{n}",
             "From: <sip:t@127.0.0.1>;tag=t{n}",
             "To: <sip:0312345678@127.0.0.1>",
             f"Call-ID: {callid}",
             f"CSeq: {cseq or '1 ' + method}",
             "Max-Forwards: 70"]
    lines = [l for l in lines if not any(l.startswith(d) for d in drop)]
    if extra:
        lines.append(extra)
    lines.append(f"Content-Length: {len(body) if clen is None else clen}")
    return ("\r\n".join(lines) + "\r\n\r\n" + body)


cases = [
    # name, bytes, accepted answers (None: silence)
    ("truncated message", req().encode()[:90], {400, None}),
    ("truncated header section", req().encode()[:-2], {400, None}),
    ("no Call-ID", req(drop=("Call-ID",)).encode(), {None}),
    ("duplicate Content-Length",
     req(extra="Content-Length: 5", body="hello", clen=7).encode(), {400}),
    ("negative Content-Length", req(clen=-5).encode(), {400}),
    ("huge Content-Length", req(clen=99999999999).encode(), {400}),
    ("60 KB header line", req(extra="X-Big: " + "a" * 60000).encode(), {400, 513}),
    ("NUL bytes in a header", req(extra="X-Nul: a\x00b").encode(), {400}),
    ("binary garbage", bytes(range(256)) * 4, {None}),
    ("unknown method", req(method="FOOBAR", cseq="1 FOOBAR").encode(), {501}),
    ("SIP/3.0", req(version="SIP/3.0").encode(), {505}),
    ("CSeq method mismatch", req(cseq="1 BYE").encode(), {400}),
    ("OPTIONS", req(method="OPTIONS", cseq="1 OPTIONS").encode(), {200}),
    ("REGISTER", req(method="REGISTER", cseq="1 REGISTER").encode(), {405}),
    ("BYE outside a dialog", req(method="BYE", cseq="1 BYE").encode(), {481}),
    ("a response out of the blue",
     b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bKx\r\n\r\n", {None}),
    ("empty datagram of CRLFs", b"\r\n\r\n", {None}),
]

fails = 0
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.3)
for n, (name, data, ok) in enumerate(cases):
    data = data.replace(b"{n}", str(n).encode())
    s.sendto(data, (HOST, PORT))
    got = None
    try:
        while True:
            resp, _ = s.recvfrom(70000)
            code = int(resp.split(b" ", 2)[1])
            if code >= 200 or got is None:
                got = code
            if code >= 200:
                break
    except socket.timeout:
        pass
    except (ValueError, IndexError):
        got = "unparseable"
    if got == 100:  # only a 100 Trying: no final answer
        got = None
    verdict = "ok" if got in ok else "FAIL"
    if verdict == "FAIL":
        fails += 1
    print(f"{verdict}: {name}: answered {got if got is not None else 'nothing'}"
          f" (accepted: {sorted(str(x) for x in ok)})")

# 100 KB of header over TCP: the stream cannot be framed within the limit,
# so the server answers 513/400 or closes the connection; never hangs.
t = socket.create_connection((HOST, PORT), timeout=2)
big = req(extra="X-Big: " + "b" * 100000).replace("{n}", "tcp").replace("UDP", "TCP")
try:
    t.sendall(big.encode())
    t.settimeout(2)
    r = t.recv(1000)
    res = "closed" if r == b"" else r.split(b"\r\n")[0].decode(errors="replace")
except (ConnectionResetError, BrokenPipeError):
    res = "closed"
except socket.timeout:
    res = "timeout"
ok = res == "closed" or res.startswith("SIP/2.0 513") or res.startswith("SIP/2.0 400")
print(f"{'ok' if ok else 'FAIL'}: 100 KB header over TCP: {res}")
fails += 0 if ok else 1
sys.exit(1 if fails else 0)
