#!/usr/bin/env python3
"""Instances benchmark (issue 13): a routed 6-VM range (a firewall VM and five hosts on three
segments) applied on the local engine as one range, then as N instances of it in one apply.

  single     `rangectl apply --auto-approve` of the range alone, then `destroy`
  instances  the same manifest with `instances: {count: N}`: one plan, one graph walk for every copy

Prints wall seconds (best of --rounds) and the time per instance against the single range from the
same run, plus the no-op re-apply of all instances. Each method starts from an engine without the
range and destroys it afterwards. Usage: bench/run-instances.sh [--count 10] [--rounds 2]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

BODY = """networks:
  - {name: internet, subnet: 10.200.88.0/24, router: firewall}
  - {name: dmz, subnet: 10.200.89.0/24, router: firewall, internal: true}
  - {name: internal, subnet: 10.200.90.0/24, router: firewall, internal: true}
vms:
  - {hostname: firewall, image: busybox:latest, cpu: 1, ram_mb: 512, sysctls: {net.ipv4.ip_forward: "1"}, networks: [internet, dmz, internal], command: [sleep, infinity]}
  - {hostname: attacker, image: busybox:latest, cpu: 1, ram_mb: 512, networks: [internet], command: [sleep, infinity]}
  - {hostname: web01, image: busybox:latest, cpu: 1, ram_mb: 512, networks: [dmz], command: [sleep, infinity]}
  - {hostname: mail01, image: busybox:latest, cpu: 1, ram_mb: 512, networks: [dmz], command: [sleep, infinity]}
  - {hostname: dc01, image: busybox:latest, cpu: 1, ram_mb: 512, networks: [{network: internal, ip: 10.200.90.5}], command: [sleep, infinity]}
  - {hostname: files01, image: busybox:latest, cpu: 1, ram_mb: 512, networks: [internal], command: [sleep, infinity]}
"""


def manifest(name, count):
    head = f"version: 1\nname: {name}\n"
    if count:
        head += f"instances: {{count: {count}, address_space: 10.200.128.0/18}}\n"
    return head + BODY


def run(binary, args, path):
    start = time.perf_counter()
    r = subprocess.run([binary] + args + [path], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if r.returncode != 0:
        sys.exit(f"rangectl {' '.join(args)} failed ({r.returncode}): {r.stdout[-600:]}{r.stderr[-600:]}")
    return seconds


def measure(binary, name, count, rounds):
    """Best apply, best destroy and best no-op re-apply of `rounds`."""
    best = {"apply": 1e9, "noop": 1e9, "destroy": 1e9}
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, f"{name}.yaml")
        with open(path, "w") as f:
            f.write(manifest(name, count))
        for _ in range(rounds):
            best["apply"] = min(best["apply"], run(binary, ["apply", "--auto-approve"], path))
            best["noop"] = min(best["noop"], run(binary, ["apply", "--auto-approve"], path))
            best["destroy"] = min(best["destroy"], run(binary, ["destroy", "--auto-approve"], path))
    return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--bin", default=".build/release/rangectl")
    a = parser.parse_args()
    engine = open("/run/rangectl/engine").read().strip() if os.path.exists("/run/rangectl/engine") else "?"
    single = measure(a.bin, "tbenchone", 0, a.rounds)
    many = measure(a.bin, "tbenchclass", a.count, a.rounds)
    per = many["apply"] / a.count
    print(f"engine {engine}, a 6-VM routed range (10 NICs), best of {a.rounds}")
    print(f"  single range     apply {single['apply']:6.2f} s   no-op re-apply {single['noop']:5.2f} s   destroy {single['destroy']:5.2f} s")
    print(f"  {a.count:2d} instances     apply {many['apply']:6.2f} s   no-op re-apply {many['noop']:5.2f} s   destroy {many['destroy']:5.2f} s")
    print(f"  per instance     apply {per:6.2f} s = {per / single['apply']:.2f}x the single range"
          f"   ({a.count} instances took {many['apply'] / single['apply']:.2f}x one)")


if __name__ == "__main__":
    main()
