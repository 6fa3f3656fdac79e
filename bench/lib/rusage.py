#!/usr/bin/python3
"""Runs a command and writes its CPU time, taken from the kernel's rusage of
the child (os.wait4: the child and every descendant it waited for), to a
file as one JSON line: {"status": S, "user_s": U, "sys_s": Y, "cpu_s": U+Y,
"wall_s": W}, W from fork to the child's end (monotonic clock).

    rusage.py OUT.json CMD [ARG...]

Why not /usr/bin/time: its %U and %S have 10 ms resolution, too coarse for
a run of 50 ms (bench/model's floor); rusage has microseconds. No peak RSS:
Linux would report at least this Python process's own (the child's memory
before exec counts), so use /usr/bin/time -f %M for that. The
command's stdin, stdout and stderr are the caller's. Exits with the
command's status (128 + N if killed by signal N), or 127 if it could not be
started. SIGTERM and SIGINT are passed on to the command (so that it can be
put where a program is stopped by a signal, e.g. in place of secretaryd or
SIPp for `ringbench live`), and its rusage is still written.
"""
import json
import os
import signal
import sys
import time


def main():
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    out, cmd = sys.argv[1], sys.argv[2:]
    t0 = time.monotonic()
    try:
        pid = os.fork()
    except OSError as e:
        sys.stderr.write("rusage.py: fork: %s\n" % e)
        return 127
    if pid == 0:
        try:
            os.execvp(cmd[0], cmd)
        except OSError as e:
            sys.stderr.write("rusage.py: %s: %s\n" % (cmd[0], e))
        os._exit(127)
    def forward(sig, _frame):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    while True:
        try:
            _, status, ru = os.wait4(pid, 0)
            break
        except InterruptedError:
            continue
    wall = time.monotonic() - t0
    code = os.waitstatus_to_exitcode(status)
    code = 128 - code if code < 0 else code
    with open(out, "w") as f:
        f.write(json.dumps({"status": code, "user_s": ru.ru_utime, "sys_s": ru.ru_stime,
                            "cpu_s": ru.ru_utime + ru.ru_stime, "wall_s": wall}) + "\n")
    return code


if __name__ == "__main__":
    sys.exit(main())
