"""A reload never stops SIP traffic (issue 12, item 7). While OPTIONS go to
secretaryd every 10 ms over UDP, the scenario file is replaced by a large
valid one (near the loader's 1 MiB bound) and SIGHUP sent three times.
Every OPTIONS must be answered within 100 ms. Usage: secretaryd_reload.py
PID PORT. Prints the latency figures; exit 0 when the bound holds."""
import os
import signal
import socket
import sys
import time

PID, PORT = int(sys.argv[1]), int(sys.argv[2])
HOST, BOUND_MS, SECONDS = "127.0.0.1", 100.0, 4.0
HUPS = (0.5, 1.5, 2.5)

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1.0)
lat, lost, n = [], 0, 0
t0 = time.monotonic()
hups = list(HUPS)
while time.monotonic() - t0 < SECONDS:
    if hups and time.monotonic() - t0 >= hups[0]:
        hups.pop(0)
        os.kill(PID, signal.SIGHUP)
    n += 1
    msg = (f"OPTIONS sip:0312345678@{HOST} SIP/2.0\r\n"
           f"Via: SIP/2.0/UDP {HOST}:9;branch=z9hG4bK-rl{n}\r\n"
           f"From: <sip:t@{HOST}>;tag=r{n}\r\nTo: <sip:0312345678@{HOST}>\r\n"
           f"Call-ID: reload-{n}@t\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
           "Content-Length: 0\r\n\r\n").encode()
    sent = time.monotonic()
    s.sendto(msg, (HOST, PORT))
    try:
        while True:  # skip a late answer to an earlier one
            resp = s.recv(4096)
            if f"reload-{n}@t".encode() in resp:
                break
        lat.append((time.monotonic() - sent) * 1000.0)
    except socket.timeout:
        lost += 1
    time.sleep(max(0.0, 0.010 - (time.monotonic() - sent)))
lat.sort()
mx = lat[-1] if lat else float("inf")
print(f"{n} OPTIONS, {len(HUPS)} SIGHUPs: {lost} unanswered within 1 s, latency "
      f"median {lat[len(lat) // 2] if lat else 0:.2f} ms, max {mx:.2f} ms (bound {BOUND_MS:.0f} ms)")
sys.exit(0 if lost == 0 and mx < BOUND_MS else 1)
