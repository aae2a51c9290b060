"""The cost per task of Python's multiprocessing, beside Starmap's TaskOverheadBenchmark.starmapProcesses:
20,000 empty tasks (x + 1) on a Pool of 2 workers, chunksize 1, results in completion order.
Prints the median of 5 runs after a warm-up, in microseconds per task.

Run: python3 starmap-bench/python/multiprocessing_overhead.py
"""
import multiprocessing as mp
import time


def f(x):
    return x + 1


if __name__ == "__main__":
    n = 20000
    with mp.Pool(2) as p:
        list(p.imap_unordered(f, range(2000), chunksize=1))  # warm-up
        runs = []
        for _ in range(5):
            t0 = time.perf_counter()
            total = sum(p.imap_unordered(f, range(n), chunksize=1))
            runs.append((time.perf_counter() - t0) / n * 1e6)
    runs.sort()
    print("python multiprocessing us/task median %.1f min %.1f" % (runs[len(runs) // 2], runs[0]))
