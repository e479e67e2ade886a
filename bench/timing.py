"""Timing for the benches: the fastest of a few runs of a command, by wall
time, with the CPU time (user + system, every thread and child process) that
run took, so that a program using a second core (the files source reads the
next piece of a batch ahead on a thread of its own) shows it."""
import resource
import subprocess
import time


def cpu_of_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def best(cmd, runs=3, before=None, **kw):
    """(wall seconds, CPU seconds) of the fastest of `runs` runs of `cmd`
    (its output discarded); `before()` runs before each."""
    found = None
    for _ in range(runs):
        if before:
            before()
        cpu0, t0 = cpu_of_children(), time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kw)
        wall, cpu = time.perf_counter() - t0, cpu_of_children() - cpu0
        if found is None or wall < found[0]:
            found = (wall, cpu)
    return found
