#!/usr/bin/env python3
"""The CPU of a JVM command per thread: user and system seconds, summed over threads of one name.

Usage: starmap-bench/scripts/thread-cpu.py COMMAND [ARGS...]
       (for example: thread-cpu.py bin/starmap import DIR --table t --header no)

It runs COMMAND (bin/starmap execs its JVM in the same process) and reads
/proc/PID/task/*/stat every 10 ms until the process exits, keeping each thread's last reading:
a thread's CPU after its last reading (at most 10 ms of it) and the JVM's exit are not counted.
Digits in thread names are folded, so "starmap-1-2" and "starmap-1-1" add up as "starmap-#-#",
and the JIT's threads as "C# CompilerThre" (names are cut at 15 characters by Linux).
The command's own output goes to /dev/null.
"""
import collections
import os
import re
import subprocess
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")


def read_threads(pid, last):
    """Updates last[tid] = (name, user ticks, system ticks) for each live thread of pid."""
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                stat = f.read()
        except OSError:
            continue  # the thread ended between the listing and the read
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        last[tid] = (name, int(fields[11]), int(fields[12]))  # utime, stime: fields 14 and 15


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    last = {}
    while proc.poll() is None:
        read_threads(proc.pid, last)
        time.sleep(0.01)
    per_name = collections.Counter()
    for name, user, system in last.values():
        folded = re.sub(r"[0-9]+", "#", name)
        per_name[(folded, "user")] += user
        per_name[(folded, "sys")] += system
    total = sum(per_name.values())
    for (name, kind), ticks in per_name.most_common():
        if ticks:
            print(f"{ticks / TICKS:6.2f} s  {kind:4}  {name}")
    print(f"{total / TICKS:6.2f} s  total of the threads seen (exit code {proc.returncode})")


if __name__ == "__main__":
    main()
