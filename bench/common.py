"""What the benchmarks share: an HTTP connection to the engine's unix socket, and the generated
range manifest (every VM on every network, busybox sleeping)."""
import http.client
import socket

SOCK = "/var/run/docker.sock"


class UnixHTTP(http.client.HTTPConnection):
    """HTTP over the engine's unix socket (or another, such as a counting proxy's)."""

    def __init__(self, path=SOCK):
        super().__init__("localhost", timeout=300)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)


def range_manifest(name, nets, vms):
    """A range `name` with networks `nets` ((name, subnet) pairs) and `vms` VMs on all of them."""
    lines = ["version: 1", f"name: {name}", "networks:"]
    lines += [f"  - {{name: {n}, subnet: {s}}}" for n, s in nets]
    lines.append("vms:")
    attached = ", ".join(n for n, _ in nets)
    for v in range(vms):
        lines.append(f"  - {{hostname: vm{v:02d}, image: busybox:latest, cpu: 1, ram_mb: 512, networks: [{attached}], command: [sleep, infinity]}}")
    return "\n".join(lines) + "\n"
