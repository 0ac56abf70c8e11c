#!/usr/bin/env python3
"""Status benchmark (issue 9): `rangectl status` on a range of 60 VMs x 3 NICs.

It applies the range (`tbstatus`, 10.200.160-162.0/24) with `rangectl apply --auto-approve`,
runs `rangectl status` once to warm up, then --runs times (text output, to a pipe), and prints
the median and the spread. Beside it, the engine's floor: the exec that status runs in each VM
(create and start of the same `sh -c`) as raw Engine API requests from 8 parallel Python
workers, median of as many runs. Then one run of `status` and one of `status --json` go through
a counting proxy (a unix socket in front of the engine that counts the HTTP requests it passes):
the engine calls, in all and per VM; the JSON must show every VM running with its 3 NICs named
from inside the VM (none predicted). The range is destroyed at the end, whatever happened.

Usage: bench/run-status.sh [--runs 7] [--vms 60] [--parallelism N] [--bin .build/release/rangectl]
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from common import SOCK, UnixHTTP, range_manifest

RANGE = "tbstatus"
NETS = [("s0", "10.200.160.0/24"), ("s1", "10.200.161.0/24"), ("s2", "10.200.162.0/24")]


# What `rangectl status` runs inside each VM (RangeStatus.insideCommand).
MARK = "rangectl-status-exit"
INSIDE = ["sh", "-c", f'ip -o -4 addr show; echo "{MARK} $?"; ip route show; echo "{MARK} $?"']


def api(conn, method, path, body=None):
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    payload = r.read()
    if r.status >= 400:
        raise RuntimeError(f"{method} {path}: {r.status} {payload[:200]}")
    return payload


def floor(workers=8):
    """The reads status makes inside every running VM of the range, as raw requests: seconds."""
    conn = UnixHTTP()
    version = json.loads(api(conn, "GET", "/version"))["ApiVersion"]
    prefix = "/v%d.%d" % min(tuple(int(x) for x in version.split(".")), (1, 54))
    query = "/containers/json?filters=" + json.dumps({"label": [f"io.rangectl.range={RANGE}"], "status": ["running"]})
    ids = [c["Id"] for c in json.loads(api(conn, "GET", prefix + query.replace(" ", "")))]
    lock = threading.Lock()
    errors = []

    def worker():
        try:
            work()
        except Exception as e:  # noqa: BLE001 - raised below
            with lock:
                errors.append(e)

    def work():
        c = UnixHTTP()
        while True:
            with lock:
                if not ids or errors:
                    return
                cid = ids.pop()
            created = json.loads(api(c, "POST", f"{prefix}/containers/{cid}/exec",
                                     {"AttachStdout": True, "AttachStderr": False, "Cmd": INSIDE}))
            out = api(c, "POST", f"{prefix}/exec/{created['Id']}/start", {"Detach": False, "Tty": False})
            if MARK.encode() not in out:
                raise RuntimeError(f"the exec in {cid[:12]} gave {out[:200]}")
            c.close()   # the engine ends an attached exec's connection

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - start


def manifest(vms):
    return range_manifest(RANGE, NETS, vms)


class CountingProxy:
    """Passes bytes between clients and the engine's socket and counts the requests: each request
    head (up to its blank line) and its Content-Length bytes of body is one engine call."""

    def __init__(self, target=SOCK):
        self.target = target
        self.path = os.path.join(tempfile.mkdtemp(), "engine.sock")
        self.lock = threading.Lock()
        self.requests = 0
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen(64)
        threading.Thread(target=self.accept, daemon=True).start()

    def count(self):
        with self.lock:
            return self.requests

    def accept(self):
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            upstream.connect(self.target)
            threading.Thread(target=self.requests_from, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self.pump, args=(upstream, client), daemon=True).start()

    def requests_from(self, client, upstream):
        buffer = b""
        try:
            while True:
                while b"\r\n\r\n" not in buffer:
                    data = client.recv(65536)
                    if not data:
                        return
                    buffer += data
                head, buffer = buffer.split(b"\r\n\r\n", 1)
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                while len(buffer) < length:
                    data = client.recv(65536)
                    if not data:
                        return
                    buffer += data
                body, buffer = buffer[:length], buffer[length:]
                with self.lock:
                    self.requests += 1
                upstream.sendall(head + b"\r\n\r\n" + body)
        except OSError:
            pass
        finally:
            try:
                upstream.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    @staticmethod
    def pump(source, sink):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (sink, source):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def close(self):
        self.server.close()
        os.unlink(self.path)


def run(argv, **kw):
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"{' '.join(argv[:4])}...: exit {r.returncode}: {r.stdout[-300:]}{r.stderr[-800:]}")
    return r.stdout


def check(document, vms):
    """Every VM running, each with its 3 NICs, named from inside the VM."""
    doc = json.loads(document)
    running = [v for v in doc["vms"] if v["state"] == "running"]
    predicted = sum(1 for v in doc["vms"] for n in v["interfaces"] if n["predicted"])
    nics = sum(len(v["interfaces"]) for v in doc["vms"])
    if len(running) != vms or nics != vms * len(NETS) or predicted:
        sys.exit(f"unexpected status: {len(running)} of {vms} VMs running, {nics} NICs, {predicted} predicted")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--vms", type=int, default=60)
    parser.add_argument("--bin", default=".build/release/rangectl")
    parser.add_argument("--parallelism", type=int, help="passed to status (default: its own)")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, f"{RANGE}.yaml")
    with open(path, "w") as f:
        f.write(manifest(args.vms))
    extra = ["--parallelism", str(args.parallelism)] if args.parallelism else []
    status = [args.bin, "status"] + extra + [path]

    try:
        start = time.perf_counter()
        run([args.bin, "apply", "--auto-approve", path])
        applied = time.perf_counter() - start
        run(status)   # warm-up: the engine's caches, the binary in the page cache
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            run(status)
            times.append(time.perf_counter() - start)
        floors = [floor() for _ in range(args.runs)]

        proxy = CountingProxy()
        counted = []
        try:
            for variant in ([], ["--json"]):
                before = proxy.count()
                out = run([args.bin, "status", "--host", f"unix://{proxy.path}"] + extra + variant + [path])
                counted.append(proxy.count() - before)
                if variant:
                    check(out, args.vms)
        finally:
            proxy.close()
    finally:
        subprocess.run([args.bin, "destroy", "--auto-approve", path], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    engine = subprocess.run(["docker", "version", "--format", "{{.Server.Version}} (API {{.Server.APIVersion}})"],
                            stdout=subprocess.PIPE, text=True).stdout.strip()
    load = open("/proc/loadavg").read().split()[0]
    print(f"engine: {engine}; {args.vms} VMs x {len(NETS)} NICs; {args.runs} runs of status after a warm-up; load average {load}")
    def spread(xs):
        return f"{statistics.median(xs):6.2f} s  (min {min(xs):.2f}, max {max(xs):.2f})"

    print(f"  {'rangectl apply (once)':<30} {applied:6.2f} s")
    print(f"  {'rangectl status, median':<30} {spread(times)}")
    print(f"  {'floor: raw execs, 8 workers':<30} {spread(floors)}")
    print(f"  status / floor {statistics.median(times) / statistics.median(floors):.2f}x")
    print(f"  engine calls: status {counted[0]}, status --json {counted[1]}"
          f" ({(counted[0] - 5) / args.vms:.2f} a VM beside the 5 of negotiation and inventory)")

if __name__ == "__main__":
    main()
