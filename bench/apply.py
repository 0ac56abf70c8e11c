#!/usr/bin/env python3
"""Apply benchmark (issue 3): a range of 60 VMs x 3 NICs applied on the local engine by

  rangectl   `rangectl apply --auto-approve`, its no-op re-apply, and `rangectl destroy`
  compose    `docker-compose up -d` (Debian's docker-compose 1.29) on the equivalent compose file
             with static ipv4_address, its no-op re-run, and `down`
  cli        a sequential script of docker CLI calls (network create, create, connect, start)
  floor      the same create / connect / start calls as raw Engine API requests, 8 parallel
             workers: the engine's own floor; teardown likewise (its container removals one at a
             time before API 1.49, as a correct client must there, see README "Reliability")

Each method starts from an engine without the range and cleans up after itself. Times are wall
seconds, best of --rounds. Usage: bench/run-apply.sh [--rounds 2] [--vms 60] [--methods floor,rangectl]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

from common import UnixHTTP, range_manifest

RANGE = "tbench"
NETS = [("n0", "10.200.60.0/24"), ("n1", "10.200.61.0/24"), ("n2", "10.200.62.0/24")]


def manifest(vms):
    return range_manifest(RANGE, NETS, vms)


def ip(subnet, v):
    base = subnet.split("/")[0].rsplit(".", 1)[0]
    return f"{base}.{10 + v}"


def compose_file(vms):
    out = {"version": "2.4", "networks": {}, "services": {}}
    for n, s in NETS:
        out["networks"][n] = {"ipam": {"config": [{"subnet": s, "gateway": ip(s, -9)}]}}
    for v in range(vms):
        out["services"][f"vm{v:02d}"] = {
            "image": "busybox:latest", "command": ["sleep", "infinity"], "hostname": f"vm{v:02d}",
            "cpus": 1, "mem_limit": "512m",
            "networks": {n: {"ipv4_address": ip(s, v)} for n, s in NETS},
        }
    return json.dumps(out, indent=1)


def engine_api():
    """The engine's API version as (major, minor), capped at 1.54 as rangectl's is."""
    conn = UnixHTTP()
    conn.request("GET", "/version")
    v = json.loads(conn.getresponse().read())["ApiVersion"]
    return min(tuple(int(x) for x in v.split(".")), (1, 54))


API = None


def api(conn, method, path, body=None):
    data = json.dumps(body) if body is not None else None
    conn.request(method, "/v%d.%d" % API + path, body=data, headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    payload = r.read()
    if r.status >= 400 and r.status != 404:
        raise RuntimeError(f"{method} {path}: {r.status} {payload[:200]}")
    return json.loads(payload) if payload and r.headers.get("Content-Type", "").startswith("application/json") else None


def parallel(jobs, workers=8):
    """Runs callables on `workers` threads, each with its own connection."""
    lock = threading.Lock()
    queue = list(jobs)
    errors = []

    def worker():
        conn = UnixHTTP()
        while True:
            with lock:
                if not queue or errors:
                    return
                job = queue.pop(0)
            try:
                job(conn)
            except Exception as e:  # noqa: BLE001 - reported below
                with lock:
                    errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(min(workers, len(queue)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def floor_up(vms):
    prefix = "tbenchf"

    def net(n, s):
        return lambda c: api(c, "POST", "/networks/create", {"Name": f"{prefix}-{n}", "CheckDuplicate": True,
                                                              "IPAM": {"Config": [{"Subnet": s, "Gateway": ip(s, -9)}]}})

    parallel([net(n, s) for n, s in NETS])

    # The calls rangectl makes on this API: every NIC at create from 1.44, else create and connects.
    at_create = NETS if API >= (1, 44) else NETS[:1]

    def vm(v):
        def job(c):
            n0 = NETS[0][0]
            created = api(c, "POST", f"/containers/create?name={prefix}-vm{v:02d}", {
                "Hostname": f"vm{v:02d}", "Image": "busybox:latest", "Cmd": ["sleep", "infinity"],
                "HostConfig": {"NetworkMode": f"{prefix}-{n0}", "NanoCpus": 10**9, "Memory": 512 << 20},
                "NetworkingConfig": {"EndpointsConfig": {f"{prefix}-{n}": {"IPAMConfig": {"IPv4Address": ip(s, v)}} for n, s in at_create}}})
            for n, s in NETS[len(at_create):]:
                api(c, "POST", f"/networks/{prefix}-{n}/connect",
                    {"Container": created["Id"], "EndpointConfig": {"IPAMConfig": {"IPv4Address": ip(s, v)}}})
            api(c, "POST", f"/containers/{created['Id']}/start")
        return job

    parallel([vm(v) for v in range(vms)])


def floor_down(vms):
    prefix = "tbenchf"
    # Before API 1.49 the containers of one network must be removed one after another, or the
    # engine can lose count of the network's endpoints (moby#42119): every VM here is on every
    # network, so the floor of a correct teardown removes them one at a time there.
    workers = 8 if API >= (1, 49) else 1
    parallel([(lambda v: lambda c: api(c, "DELETE", f"/containers/{prefix}-vm{v:02d}?force=true&v=true"))(v) for v in range(vms)],
             workers=workers)
    parallel([(lambda n: lambda c: api(c, "DELETE", f"/networks/{prefix}-{n}"))(n) for n, _ in NETS])


def cli_up(vms):
    prefix = "tbenchs"
    for n, s in NETS:
        sh(["docker", "network", "create", "--subnet", s, "--gateway", ip(s, -9), f"{prefix}-{n}"])
    for v in range(vms):
        name = f"{prefix}-vm{v:02d}"
        (n0, s0), rest = NETS[0], NETS[1:]
        sh(["docker", "create", "--name", name, "--hostname", f"vm{v:02d}", "--cpus", "1", "--memory", "512m",
            "--network", f"{prefix}-{n0}", "--ip", ip(s0, v), "busybox:latest", "sleep", "infinity"])
        for n, s in rest:
            sh(["docker", "network", "connect", "--ip", ip(s, v), f"{prefix}-{n}", name])
        sh(["docker", "start", name])


def cli_down(vms):
    prefix = "tbenchs"
    for v in range(vms):
        sh(["docker", "rm", "-f", f"{prefix}-vm{v:02d}"])
    for n, _ in NETS:
        sh(["docker", "network", "rm", f"{prefix}-{n}"])


class StepFailed(Exception):
    pass


def sh(argv, **kw):
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    if r.returncode != 0:
        raise StepFailed(f"{' '.join(argv[:6])}...: exit {r.returncode}: {r.stdout[-300:]}{r.stderr[-500:]}")
    return r.stdout


def recover():
    """Docker before 28.1 can keep a stale endpoint count after parallel removals (moby#42119):
    the network cannot be removed until dockerd restarts. Restart it and clear what is left."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    # Only the engine scripts/engine-up.sh started, by its pid; the same engine comes back.
    engine = open("/run/rangectl/engine").read().strip()
    subprocess.run(["bash", os.path.join(root, "scripts/engine-down.sh")], stdout=subprocess.DEVNULL, check=True)
    subprocess.run(["bash", os.path.join(root, "scripts/engine-up.sh"), "--engine", engine], stdout=subprocess.DEVNULL, check=True)
    left = subprocess.run(["docker", "ps", "-aq", "--filter", "name=tbench"], stdout=subprocess.PIPE, text=True).stdout.split()
    if left:
        subprocess.run(["docker", "rm", "-f"] + left, stdout=subprocess.DEVNULL)
    nets = subprocess.run(["docker", "network", "ls", "-q", "--filter", "name=tbench"], stdout=subprocess.PIPE, text=True).stdout.split()
    if nets:
        subprocess.run(["docker", "network", "rm"] + nets, stdout=subprocess.DEVNULL)


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--vms", type=int, default=60)
    parser.add_argument("--bin", default=".build/release/rangectl")
    parser.add_argument("--methods", default="floor,rangectl,compose,cli",
                        help="which to run, comma-separated (the ratios need floor and rangectl)")
    args = parser.parse_args()
    global API
    API = engine_api()
    tmp = tempfile.mkdtemp()
    mpath = os.path.join(tmp, f"{RANGE}.yaml")
    with open(mpath, "w") as f:
        f.write(manifest(args.vms))
    cdir = os.path.join(tmp, "compose")
    os.makedirs(cdir)
    with open(os.path.join(cdir, "docker-compose.yml"), "w") as f:
        f.write(compose_file(args.vms))

    best = {}

    def record(key, value):
        best[key] = min(best.get(key, float("inf")), value)

    calls = {}
    stale = {}

    def teardown(key, fn):
        """A teardown, timed; one refused for the engine's stale endpoint count is not timed,
        counted, and cleaned up after a dockerd restart."""
        try:
            t, out = timed(fn)
            record(key, t)
            return out
        except (StepFailed, RuntimeError) as e:
            if "active endpoints" not in str(e):
                raise
            stale[key] = stale.get(key, 0) + 1
            recover()
            return None

    methods = set(args.methods.split(","))
    for _ in range(args.rounds):
        if "floor" in methods:
            t, _ = timed(lambda: floor_up(args.vms)); record("floor apply", t)
            teardown("floor destroy", lambda: floor_down(args.vms))

        if "rangectl" in methods:
            t, out = timed(lambda: sh([args.bin, "apply", "--auto-approve", mpath]))
            record("rangectl apply", t)
            calls["apply"] = re.search(r"(\d+) engine calls", out).group(1)
            t, out = timed(lambda: sh([args.bin, "apply", "--auto-approve", mpath]))
            record("rangectl no-op re-apply", t)
            calls["no-op"] = re.search(r"(\d+) engine calls", out).group(1)
            out = teardown("rangectl destroy", lambda: sh([args.bin, "destroy", "--auto-approve", mpath]))
            if out:
                calls["destroy"] = re.search(r"(\d+) engine calls", out).group(1)

        if "compose" in methods:
            t, _ = timed(lambda: sh(["docker-compose", "-p", "tbenchc", "up", "-d"], cwd=cdir)); record("compose up -d", t)
            t, _ = timed(lambda: sh(["docker-compose", "-p", "tbenchc", "up", "-d"], cwd=cdir)); record("compose no-op re-run", t)
            teardown("compose down", lambda: sh(["docker-compose", "-p", "tbenchc", "down", "-t", "0"], cwd=cdir))

        if "cli" in methods:
            t, _ = timed(lambda: cli_up(args.vms)); record("cli script apply", t)
            teardown("cli script destroy", lambda: cli_down(args.vms))

    engine = subprocess.run(["docker", "version", "--format", "{{.Server.Version}} (API {{.Server.APIVersion}})"],
                            stdout=subprocess.PIPE, text=True).stdout.strip()
    print(f"engine: {engine}; {args.vms} VMs x {len(NETS)} NICs, best of {args.rounds} rounds (seconds)")
    for key in ["floor apply", "rangectl apply", "compose up -d", "cli script apply", "rangectl no-op re-apply",
                "compose no-op re-run", "floor destroy", "rangectl destroy", "compose down", "cli script destroy"]:
        print(f"  {key:<26} {best.get(key, float('nan')):7.2f}")
    def ratio(a, b):
        return f"{best[a] / best[b]:7.2f}x" if a in best and b in best else "      -"
    print(f"  rangectl apply / floor     {ratio('rangectl apply', 'floor apply')}")
    print(f"  rangectl apply / compose   {ratio('rangectl apply', 'compose up -d')}")
    print(f"  rangectl destroy / floor   {ratio('rangectl destroy', 'floor destroy')}")
    print(f"  rangectl destroy / compose {ratio('rangectl destroy', 'compose down')}")
    print(f"  engine calls: apply {calls.get('apply', '?')}, no-op re-apply {calls.get('no-op', '?')}, destroy {calls.get('destroy', '?')}")
    print("  teardowns refused for the engine's stale endpoint count (moby#42119), not timed: "
          + (", ".join(f"{k} {n}x" for k, n in sorted(stale.items())) or "none"))


if __name__ == "__main__":
    main()
