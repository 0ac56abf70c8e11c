#!/usr/bin/env python3
"""Offline compiler benchmark: generate manifests of 1k, 10k and 100k interfaces (200 networks
of /16, 2 NICs per VM), then time, best of --runs, the C libyaml event scan (yaml-scan), `rangectl
validate` and `rangectl plan --offline --json` on each, with peak memory. Prints a table.

Usage: bench/offline.py [--runs 5] [--bin .build/release]   (build first: bench/run-offline.sh)
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time


def generate(path, interfaces):
    vms = interfaces // 2
    with open(path, "w") as f:
        f.write("version: 1\nname: bench\nnetworks:\n")
        for n in range(200):
            f.write(f"  - name: n{n}\n    subnet: 10.{n}.0.0/16\n")
        f.write("vms:\n")
        for v in range(vms):
            a = v % 200
            b = (v + 1 + v // 200) % 200
            if b == a:
                b = (a + 1) % 200
            f.write(f"  - hostname: vm{v}\n    image: busybox:latest\n    networks: [n{a}, n{b}]\n")


def measure(argv, runs):
    """Best wall time in seconds and the largest peak RSS in MB over `runs` runs."""
    best, peak = float("inf"), 0.0
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            sys.exit(f"{' '.join(argv)} exited {code}: {proc.stderr.read().decode()[:500]}")
        best = min(best, elapsed)
        peak = max(peak, usage.ru_maxrss / 1024.0)
    return best, peak


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--bin", default=".build/release")
    args = parser.parse_args()
    rangectl = os.path.join(args.bin, "rangectl")
    scan = os.path.join(args.bin, "yaml-scan")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for interfaces in (1_000, 10_000, 100_000):
            path = os.path.join(tmp, f"bench-{interfaces}.yaml")
            generate(path, interfaces)
            size = os.path.getsize(path) / 1e6
            t_scan, m_scan = measure([scan, path], args.runs)
            t_val, m_val = measure([rangectl, "validate", path], args.runs)
            t_plan, m_plan = measure([rangectl, "plan", "--offline", "--json", path], args.runs)
            rows.append((interfaces, size, t_scan, t_val, m_val, t_plan, m_plan))
    print(f"{'interfaces':>10} {'file MB':>8} {'libyaml scan s':>15} {'validate s':>11} {'plan --json s':>14} "
          f"{'validate/scan':>14} {'plan/scan':>10} {'peak MB':>8}")
    for (n, size, t_scan, t_val, m_val, t_plan, m_plan) in rows:
        print(f"{n:>10} {size:>8.1f} {t_scan:>15.3f} {t_val:>11.3f} {t_plan:>14.3f} {t_val / t_scan:>13.1f}x "
              f"{t_plan / t_scan:>9.1f}x {max(m_val, m_plan):>8.0f}")
    print(f"scaling 10k -> 100k: validate {rows[2][3] / rows[1][3]:.1f}x, plan {rows[2][5] / rows[1][5]:.1f}x "
          f"(input 10x)")


if __name__ == "__main__":
    main()
