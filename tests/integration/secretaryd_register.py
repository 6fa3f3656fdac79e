#!/usr/bin/python3
"""A minimal SIP registering client for secretaryd's registration tests,
for what SIPp 3.6 cannot do: answer a SHA-256 challenge, show the
challenge's header lines, send an expiry the test chooses and read any
answer (423, 405...).

  secretaryd_register.py PORT USER PASSWORD ALG EXPIRES [CONTACT]

REGISTERs USER over UDP to 127.0.0.1:PORT; on a 401, answers the challenge
line for ALG (SHA-256 or MD5; "none": does not answer) with qop=auth.
Prints one line per response: "STATUS alg1,alg2 [Min-Expires: N]" (the
challenge's algorithms in order), and exits 0 once a final answer other
than 401 came (or the 401, with ALG none); 3 on a timeout (2 s per
response). With REG_DUP=1 in the environment each REGISTER is sent twice
(a retransmission) and a line "copy same" or "copy differs" says whether
the second answer repeated the first byte for byte. With REG_LPORT=N the
REGISTER is sent from 127.0.0.1:N (the center rings a registered contact
at the REGISTER's source: a test's SIPp phone binds N once this is done).
"""
import hashlib
import os
import re
import socket
import sys


def h(alg, text):
    fn = hashlib.sha256 if alg == "SHA-256" else hashlib.md5
    return fn(text.encode()).hexdigest()


def request(port, user, cseq, call_id, expires, contact, auth, lport):
    lines = [
        f"REGISTER sip:127.0.0.1:{port} SIP/2.0",
        f"Via: SIP/2.0/UDP 127.0.0.1:{lport};branch=z9hG4bK{os.getpid()}x{cseq};rport",
        "Max-Forwards: 70",
        f"From: <sip:{user}@127.0.0.1>;tag=t{os.getpid()}",
        f"To: <sip:{user}@127.0.0.1>",
        f"Call-ID: {call_id}",
        f"CSeq: {cseq} REGISTER",
        f"Contact: {contact}",
        f"Expires: {expires}",
    ]
    if auth:
        lines.append("Authorization: " + auth)
    lines += ["Content-Length: 0", "", ""]
    return "\r\n".join(lines).encode()


def answer(resp, alg, port, user, password):
    chal = re.findall(r"^WWW-Authenticate: (.*)$", resp, re.M)
    line = next((c for c in chal if f"algorithm={alg}" in c), None)
    if line is None:
        return None
    realm = re.search(r'realm="([^"]*)"', line).group(1)
    nonce = re.search(r'nonce="([^"]*)"', line).group(1)
    uri = f"sip:127.0.0.1:{port}"
    ha1 = h(alg, f"{user}:{realm}:{password}")
    ha2 = h(alg, f"REGISTER:{uri}")
    cnonce, nc = "0a4f113b", "00000001"
    resp_hash = h(alg, f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
    return (f'Digest username="{user}", realm="{realm}", nonce="{nonce}", uri="{uri}", '
            f'response="{resp_hash}", algorithm={alg}, qop=auth, nc={nc}, cnonce="{cnonce}"')


def main():
    port, user, password, alg, expires = sys.argv[1:6]
    port = int(port)
    contact = sys.argv[6] if len(sys.argv) > 6 else f"<sip:{user}@127.0.0.1:5999>"
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", int(os.environ.get("REG_LPORT", "0"))))
    s.settimeout(2.0)
    lport = s.getsockname()[1]
    call_id = f"reg-{os.getpid()}@127.0.0.1"
    auth = None
    for cseq in (1, 2):
        req = request(port, user, cseq, call_id, expires, contact, auth, lport)
        s.sendto(req, ("127.0.0.1", port))
        try:
            resp = s.recv(65535).decode(errors="replace")
            if os.environ.get("REG_DUP") == "1":
                s.sendto(req, ("127.0.0.1", port))
                print("copy", "same" if s.recv(65535).decode(errors="replace") == resp else "differs")
        except socket.timeout:
            print("timeout")
            return 3
        status = resp.split(" ", 2)[1]
        algs = re.findall(r"^WWW-Authenticate: .*algorithm=([A-Za-z0-9-]+)", resp, re.M)
        me = re.search(r"^Min-Expires: (\d+)", resp, re.M)
        print(status, ",".join(algs) or "-", f"Min-Expires: {me.group(1)}" if me else "")
        if status != "401" or alg == "none":
            return 0
        auth = answer(resp, alg, port, user, password)
        if auth is None:
            print(f"no {alg} challenge")
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
