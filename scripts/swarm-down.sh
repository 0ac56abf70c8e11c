#!/usr/bin/env bash
# Takes down the swarm that scripts/swarm-up.sh made: stops the dockerds it started, by the pids it
# recorded (SIGTERM, up to 30 s, then SIGKILL), and by pid what they leave (containerd, shims,
# container processes, found through each node's exec root); unmounts what is left under the
# nodes' roots and removes them (/var/lib/rangectl-swarm, /run/rangectl-swarm), the namespaces
# rcsw1..3, the bridge rcsw0 with its veths, the FORWARD rule, and the state in
# /run/rangectl/swarm. Logs (/var/log/rangectl-swarm-nN.log) are kept. Safe to run when nothing
# is up. The main test engine is never touched.
#
# Usage: scripts/swarm-down.sh                  the whole swarm
#        scripts/swarm-down.sh --node nN        stop one node's dockerd only (= swarm-node.sh stop nN)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=swarm-lib.sh
. "$here/swarm-lib.sh"

usage() {
    echo "usage: ${0##*/} [--node n1|n2|n3]" >&2
    exit "${1:-1}"
}
case ${1:-} in
    "") ;;
    --node) (($# == 2)) || usage; exec bash "$here/swarm-node.sh" stop "$2" ;;
    --node=*) (($# == 1)) || usage; exec bash "$here/swarm-node.sh" stop "${1#*=}" ;;
    -h | --help) usage 0 ;;
    *) usage ;;
esac

require_root
take_swarm_lock
t0=$(now)
status=0
did=()

# The dockerds, all at once (each stops its containers first).
pids=()
for n in "${SWARM_NODES[@]}"; do
    if node_pid "$n" >/dev/null || [[ -n $(docker_leftovers "$(node_exec "$n")") ]]; then
        stop_node "$n" 30 &
        pids+=($!)
        did+=("$n")
    fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done

# What a dockerd leaves mounted under its roots (the overlay driver's namespaces, a killed
# engine's container file systems), deepest first.
mounts=$(awk -v a="$SWARM_EXEC/" -v b="$SWARM_DATA/" 'index($5, a) == 1 || index($5, b) == 1 { print $5 }' \
    /proc/self/mountinfo | sort -r)
if [[ -n $mounts ]]; then
    say "unmounting $(wc -l <<<"$mounts") mounts left under $SWARM_EXEC and $SWARM_DATA"
    while IFS= read -r m; do umount -l "$m" 2>/dev/null || true; done <<<"$mounts"
fi
if ((status == 0)); then
    for d in "$SWARM_EXEC" "$SWARM_DATA"; do
        [[ -e $d ]] || continue
        rm -rf "$d" || { say "could not remove $d"; status=1; }
        did+=("$d")
    done
else
    say "keeping $SWARM_EXEC and $SWARM_DATA: a dockerd of the swarm would not stop"
fi

for n in "${SWARM_NODES[@]}"; do
    ns=$(node_netns "$n")
    if [[ -e /run/netns/$ns ]]; then
        ip netns delete "$ns" || status=1
        did+=("netns $ns")
    fi
    # Gone with its namespace's end, normally.
    ip link show "$(node_veth "$n")" >/dev/null 2>&1 && { ip link delete "$(node_veth "$n")" || status=1; }
done
if ip link show "$SWARM_BRIDGE" >/dev/null 2>&1; then
    ip link delete "$SWARM_BRIDGE" || status=1
    did+=("bridge $SWARM_BRIDGE")
fi
while iptables -C "${SWARM_FORWARD_RULE[@]}" 2>/dev/null; do
    iptables -D "${SWARM_FORWARD_RULE[@]}" || { status=1; break; }
    did+=("FORWARD rule")
done
if [[ -e $SWARM_STATE ]]; then
    rm -rf "$SWARM_STATE"
    did+=("state")
fi

if ((${#did[@]} == 0)); then
    say "no swarm of these scripts is up; nothing to do"
else
    say "the swarm is down ($(since "$t0")): removed ${did[*]}"
fi
exit "$status"
