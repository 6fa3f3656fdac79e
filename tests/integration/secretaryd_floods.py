"""Descriptor exhaustion (issue 12, item 4). secretaryd runs with a soft
descriptor limit of 256 (the shell script starts it so). This opens 300
idle TCP connections to its SIP port and one admin request, then for
SECONDS seconds samples the server's CPU time (/proc/PID/stat) and the
growth of its stderr file. Then OPTIONS must be answered over UDP and over
a new TCP connection. Usage: secretaryd_floods.py PID SIP_PORT HTTP_PORT
STDERR_FILE SECONDS. Prints the figures; exit 0 when every bound holds."""
import os
import socket
import sys
import time

PID, PORT, HPORT = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
ERRFILE, SECONDS = sys.argv[4], float(sys.argv[5])
HOST = "127.0.0.1"
TICK = os.sysconf("SC_CLK_TCK")
CPU_MAX, STDERR_MAX = 10.0, 100 * 1024


def cpu_s():
    with open(f"/proc/{PID}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def options(transport, n):
    msg = (f"OPTIONS sip:0312345678@{HOST} SIP/2.0\r\n"
           f"Via: SIP/2.0/{transport} {HOST}:9;branch=z9hG4bK-fl{n}\r\n"
           f"From: <sip:t@{HOST}>;tag=f{n}\r\nTo: <sip:0312345678@{HOST}>\r\n"
           f"Call-ID: flood-{n}@t\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
           "Content-Length: 0\r\n\r\n").encode()
    if transport == "UDP":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(2)
        s.sendto(msg, (HOST, PORT))
    else:
        s = socket.create_connection((HOST, PORT), timeout=5)
        s.sendall(msg)
    try:
        return s.recv(4096).split(b"\r\n", 1)[0].decode(errors="replace")
    except (socket.timeout, ConnectionError) as e:
        return f"no answer ({e.__class__.__name__})"
    finally:
        s.close()


idle = []
for i in range(300):
    c = socket.socket()
    c.setblocking(False)
    c.connect_ex((HOST, PORT))  # the kernel completes it from the backlog
    idle.append(c)
adm = socket.create_connection((HOST, HPORT), timeout=SECONDS + 5)
adm.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
size0, cpu0, t0 = os.path.getsize(ERRFILE), cpu_s(), time.monotonic()
time.sleep(SECONDS)
cpu = 100.0 * (cpu_s() - cpu0) / (time.monotonic() - t0)
grown = os.path.getsize(ERRFILE) - size0
fails = 0
print(f"over {SECONDS:.0f} s with 300 idle connections and an admin request: "
      f"CPU {cpu:.1f} %, stderr {grown} bytes")
if cpu >= CPU_MAX or grown >= STDERR_MAX:
    print(f"FAIL: bounds are CPU < {CPU_MAX} % and stderr < {STDERR_MAX} bytes")
    fails += 1
adm.settimeout(5)
try:
    head = adm.recv(200).split(b"\r\n", 1)[0].decode(errors="replace")
except (socket.timeout, ConnectionError) as e:
    head = f"no answer ({e.__class__.__name__})"
print(f"admin request: {head}")
fails += 0 if head.startswith("HTTP/1.1 200") else 1
for tr in ("UDP", "TCP"):
    got = options(tr, tr)
    print(f"OPTIONS over {tr} afterwards: {got}")
    fails += 0 if got.startswith("SIP/2.0 200") else 1
for c in idle:
    c.close()
sys.exit(1 if fails else 0)
