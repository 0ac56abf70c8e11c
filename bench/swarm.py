#!/usr/bin/env python3
"""Apply of one range (60 VMs x 3 NICs by default) over the nodes of a swarm beside the same
range on one engine: wall time, the ratio, engine calls per VM, and the share of the swarm
apply spent after the fastest node was done (waiting on the slowest one). Run by
bench/run-swarm.sh, which brings the engines up and down."""
import argparse, datetime, json, os, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(__file__))
from common import range_manifest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RANGECTL = os.path.join(ROOT, ".build", "release", "rangectl")


def rangectl(args, env):
    t0 = time.monotonic()
    r = subprocess.run([RANGECTL] + args, capture_output=True, text=True, env=env)
    return r, time.monotonic() - t0


def node_finish_times(engines, range_name):
    """Per node, the wall-clock time (epoch seconds) of the last object rangectl created there:
    the newest Created of the range's labelled containers (each VM's routes marker is its last)."""
    out = {}
    for entry in engines.split(","):
        name, url = entry.split("=", 1)
        ids = subprocess.run(["docker", "-H", url, "ps", "-aq", "--filter", f"label=io.rangectl.range={range_name}"],
                             capture_output=True, text=True).stdout.split()
        if not ids:
            continue
        created = subprocess.run(["docker", "-H", url, "inspect", "--format", "{{.Created}}"] + ids,
                                 capture_output=True, text=True).stdout.split()
        out[name] = max(parse_time(c) for c in created)
    return out


def parse_time(text):
    # 2026-12-02T15:13:36.123456789Z: Python reads at most microseconds.
    base, _, frac = text.rstrip("Z").partition(".")
    return datetime.datetime.fromisoformat(base).replace(tzinfo=datetime.timezone.utc).timestamp() + float("0." + (frac or "0"))


def apply_once(manifest, env, engines=None):
    started = time.time()
    r, seconds = rangectl(["apply", "--auto-approve", manifest], env)
    if r.returncode != 0:
        sys.exit(f"apply failed: {r.stdout[-2000:]}{r.stderr[-2000:]}")
    waiting = None
    if engines:
        finish = node_finish_times(engines, "tbench-swarm")
        if len(finish) >= 2:
            # After the fastest node had nothing left to do, the apply waited on the others.
            waiting = (max(finish.values()) - min(finish.values())) / seconds
    calls = next((int(w) for line in r.stdout.splitlines() if "engine calls" in line
                  for w, nxt in zip(line.split(), line.split()[1:]) if nxt == "engine" and w.isdigit()), None)
    status, _ = rangectl(["status", "--json", manifest], env)
    hosts = {}
    if status.returncode == 0:
        for vm in json.loads(status.stdout)["vms"]:
            hosts[vm.get("host", "-")] = hosts.get(vm.get("host", "-"), 0) + 1
    d, _ = rangectl(["destroy", "--auto-approve", manifest], env)
    if d.returncode != 0:
        sys.exit(f"destroy failed: {d.stdout[-2000:]}")
    return seconds, calls, hosts, waiting


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--vms", type=int, default=60)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--single", required=True, help="URL of the single engine")
    p.add_argument("--engines", required=True, help="RANGECTL_ENGINES of the swarm")
    a = p.parse_args()
    nets = [(f"n{k}", f"10.202.{k}.0/24") for k in range(3)]
    with tempfile.TemporaryDirectory() as d:
        manifest = os.path.join(d, "tbench-swarm.yaml")
        with open(manifest, "w") as f:
            f.write(range_manifest("tbench-swarm", nets, a.vms))
        single_env = {k: v for k, v in os.environ.items() if k != "RANGECTL_ENGINES"}
        single_env["DOCKER_HOST"] = a.single
        swarm_env = dict(os.environ, RANGECTL_ENGINES=a.engines)
        rows = []
        for run in range(a.runs):
            s, s_calls, _, _ = apply_once(manifest, single_env)
            w, w_calls, hosts, waiting = apply_once(manifest, swarm_env, a.engines)
            rows.append((s, w, waiting or 0))
            print(f"run {run + 1}: one engine {s:.2f} s ({s_calls} calls), swarm {w:.2f} s ({w_calls} calls, "
                  f"VMs per node {dict(sorted(hosts.items()))}), ratio {w / s:.2f}x, "
                  f"waiting on the slowest node {100 * (waiting or 0):.0f}% of the swarm apply", flush=True)
        median = lambda k: sorted(r[k] for r in rows)[len(rows) // 2]
        s, w, waiting = median(0), median(1), median(2)
        print(f"median of {a.runs}: {a.vms} VMs x 3 NICs, one engine {s:.2f} s, swarm of 3 {w:.2f} s, "
              f"ratio {w / s:.2f}x; waiting on the slowest node {100 * waiting:.0f}%; "
              f"engine calls per VM: one engine {s_calls / a.vms:.1f}, swarm {w_calls / a.vms:.1f}")


if __name__ == "__main__":
    main()
