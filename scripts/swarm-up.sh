#!/usr/bin/env bash
# Brings up a three-node Docker Swarm on this one machine, apart from the main test engine: three
# network namespaces rcsw1..3 on a host bridge rcsw0 (10.207.0.0/24, isolated: no default route),
# one dockerd of Debian sid's Docker 28 in each (sockets unix:///run/rangectl-swarm/n1.sock, n2,
# n3), n1 the manager (swarm init), n2 and n3 workers; the busybox:latest test image on every
# node. Root only. Safe to run again: a swarm that is whole is kept, a node whose dockerd was
# stopped is started again, anything else left of a swarm is taken down (scripts/swarm-down.sh)
# and made anew.
#
# Usage: scripts/swarm-up.sh                  the whole swarm
#        scripts/swarm-up.sh --node nN        start again one node's dockerd (= swarm-node.sh start nN)
#
# Standard output: one line for the tests,
#   RANGECTL_ENGINES=n1=unix:///run/rangectl-swarm/n1.sock,n2=...,n3=...
# (also in /run/rangectl/swarm/engines); progress and the summary go to standard error. What it
# started is recorded in /run/rangectl/swarm; scripts/swarm-down.sh stops exactly that.
set -euo pipefail
set +m
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=swarm-lib.sh
. "$here/swarm-lib.sh"

usage() {
    echo "usage: ${0##*/} [--node n1|n2|n3]" >&2
    exit "${1:-1}"
}
case ${1:-} in
    "") ;;
    --node) (($# == 2)) || usage; exec bash "$here/swarm-node.sh" start "$2" ;;
    --node=*) (($# == 1)) || usage; exec bash "$here/swarm-node.sh" start "${1#*=}" ;;
    -h | --help) usage 0 ;;
    *) usage ;;
esac

require_root

ensure_swarm_packages() {
    local wanted=(busybox-static runc iptables tini iproute2 util-linux) missing=() p
    command -v docker >/dev/null || wanted+=(docker.io)   # a docker CLI (bookworm's carries one)
    for p in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    say "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# True when the swarm these scripts recorded is whole: every dockerd ours and answering, and the
# manager sees all three nodes Ready.
swarm_whole() {
    local n ready
    [[ -f $SWARM_STATE/nodes ]] || return 1
    for n in "${SWARM_NODES[@]}"; do
        node_pid "$n" >/dev/null && node_answers "$n" || return 1
    done
    ready=$(swarm_nodes | awk '$2 == "Ready"' | wc -l)
    ((ready == ${#SWARM_NODES[@]}))
}

# Anything of ours on the machine (a half-made or crashed swarm)?
swarm_leftovers() {
    local n
    [[ -e $SWARM_STATE || -e $SWARM_EXEC || -e $SWARM_DATA ]] && return 0
    ip link show "$SWARM_BRIDGE" >/dev/null 2>&1 && return 0
    iptables -C "${SWARM_FORWARD_RULE[@]}" 2>/dev/null && return 0
    for n in "${SWARM_NODES[@]}"; do
        [[ -e /run/netns/$(node_netns "$n") ]] && return 0
        ip link show "$(node_veth "$n")" >/dev/null 2>&1 && return 0
    done
    return 1
}

summary() {
    say "nodes (also in $SWARM_STATE/nodes):"
    sed 's/^# //' "$SWARM_STATE/nodes" | column -t | sed 's/^/    /' >&2
    swarm_nodes | sed 's/^/    manager sees: /' >&2 || true
}

setup_network() {
    local n ns veth
    ip link add "$SWARM_BRIDGE" type bridge
    ip addr add "$SWARM_BRIDGE_ADDR" dev "$SWARM_BRIDGE"
    ip link set "$SWARM_BRIDGE" up
    for n in "${SWARM_NODES[@]}"; do
        ns=$(node_netns "$n")
        veth=$(node_veth "$n")
        ip netns add "$ns"
        ip link add "$veth" type veth peer name eth0 netns "$ns"
        ip link set "$veth" master "$SWARM_BRIDGE" up
        ip -n "$ns" addr add "$(node_addr "$n")/24" dev eth0
        ip -n "$ns" link set lo up
        ip -n "$ns" link set eth0 up
    done
    iptables -C "${SWARM_FORWARD_RULE[@]}" 2>/dev/null || iptables -I "${SWARM_FORWARD_RULE[@]}"
}

# Runs "$@" once per node in parallel, each as `"$@" NODE`; fails if any failed.
each_node() {
    local n pids=() status=0 p
    for n in "${SWARM_NODES[@]}"; do
        "$@" "$n" &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p" || status=1; done
    return "$status"
}

start_and_wait() {
    local pid
    start_node "$1"
    wait_node "$1" 60 "$pid"
}

join_worker() {
    local n=$1 token=$2 out
    if ! out=$(timeout 60 docker -H "$(node_host "$n")" swarm join --advertise-addr "$(node_addr "$n")" \
        --listen-addr "$(node_addr "$n"):2377" --token "$token" "$(node_addr "$SWARM_MANAGER"):2377" 2>&1); then
        say "node $n could not join the swarm: $out"
        return 1
    fi
}

# The bridge that gives a container on an overlay network its way to its node (docker_gwbridge),
# made before the node joins a swarm, as the engine's own would be, except that its NIC inside a
# container is named gw0 (com.docker.network.container_iface_prefix), not the next free ethN: with
# the engine's own, a container whose NICs ask for eth0, eth1, ... by name
# (com.docker.network.endpoint.ifname) fails to start, "error renaming interface ... to eth0: file
# exists" (measured, docs/swarm-measured.md). RANGECTL_SWARM_GW_PREFIX= (empty) keeps the engine's.
make_gwbridge() {
    local n=$1 opts=()
    [[ -n $gw_prefix ]] || return 0
    timeout 30 docker -H "$(node_host "$n")" network inspect docker_gwbridge >/dev/null 2>&1 && return 0
    opts=(-o com.docker.network.bridge.name=docker_gwbridge -o com.docker.network.bridge.enable_icc=false
        -o com.docker.network.bridge.enable_ip_masquerade=true -o "com.docker.network.container_iface_prefix=$gw_prefix")
    timeout 30 docker -H "$(node_host "$n")" network create --driver bridge "${opts[@]}" docker_gwbridge >/dev/null
}

# busybox:latest for the VMs, and the policy helper (busybox and iptables) for the policy tests.
import_image() {
    local host
    host=$(node_host "$1")
    if ! timeout 30 docker -H "$host" image inspect busybox:latest >/dev/null 2>&1; then
        import_busybox "$host" "${applets[@]}" || return 1
    fi
    timeout 30 docker -H "$host" image inspect "$POLICY_HELPER_IMAGE" >/dev/null 2>&1 && return 0
    import_policy_helper "$host"
}

# --- main --------------------------------------------------------------------------------------

ensure_swarm_packages
take_swarm_lock
t_all=$(now)

if swarm_whole; then
    say "the swarm is already up (started by these scripts)"
    summary
    engines_line
    exit 0
fi
# A node whose dockerd was stopped (swarm-node.sh stop) is started again, not the swarm made anew.
if [[ -f $SWARM_STATE/nodes ]] && ip link show "$SWARM_BRIDGE" >/dev/null 2>&1; then
    restarted=()
    for n in "${SWARM_NODES[@]}"; do
        [[ -e /run/netns/$(node_netns "$n") ]] || continue
        node_pid "$n" >/dev/null && continue
        bash "$here/swarm-node.sh" start "$n" && restarted+=("$n")
    done
    if ((${#restarted[@]})); then
        deadline=$((SECONDS + 30))
        until swarm_whole || ((SECONDS >= deadline)); do sleep 0.2; done
        if swarm_whole; then
            say "the swarm is up again: started ${restarted[*]} ($(since "$t_all"))"
            summary
            engines_line
            exit 0
        fi
    fi
fi
if swarm_leftovers; then
    say "a swarm of these scripts is there but not whole; taking it down first"
    bash "$here/swarm-down.sh"
fi

prepare_suite "$SWARM_SUITE"

done_ok=0
on_exit() {
    ((done_ok)) && return 0
    say "swarm-up failed; taking down what it made"
    bash "$here/swarm-down.sh" || true
}
trap on_exit EXIT

t0=$(now)
setup_network
say "bridge $SWARM_BRIDGE ($SWARM_BRIDGE_ADDR), namespaces $(for n in "${SWARM_NODES[@]}"; do printf '%s ' "$(node_netns "$n")"; done)and the FORWARD rule in $(since "$t0")"

t0=$(now)
mkdir -p "$SWARM_STATE"
each_node start_and_wait
write_nodes_table
say "three dockerds (Docker $(node_docker "$SWARM_MANAGER" version --format '{{.Server.Version}} (API {{.Server.APIVersion}})'); logs /var/log/rangectl-swarm-nN.log) answered in $(since "$t0")"

gw_prefix=${RANGECTL_SWARM_GW_PREFIX-gw}
if [[ -n $gw_prefix ]]; then
    t0=$(now)
    each_node make_gwbridge
    say "docker_gwbridge made on every node (its NIC in a container: ${gw_prefix}0) in $(since "$t0")"
fi

t0=$(now)
if [[ $(node_docker "$SWARM_MANAGER" info --format '{{.Swarm.LocalNodeState}}') != active ]]; then
    node_docker "$SWARM_MANAGER" swarm init --advertise-addr "$(node_addr "$SWARM_MANAGER")" \
        --listen-addr "$(node_addr "$SWARM_MANAGER"):2377" --default-addr-pool "$SWARM_POOL" >/dev/null
fi
token=$(node_docker "$SWARM_MANAGER" swarm join-token -q worker)
say "swarm initialised on $SWARM_MANAGER in $(since "$t0")"
t0=$(now)
pids=()
for n in "${SWARM_NODES[@]}"; do
    [[ $n == "$SWARM_MANAGER" ]] && continue
    join_worker "$n" "$token" &
    pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
deadline=$((SECONDS + 60))
until (($(swarm_nodes | awk '$2 == "Ready"' | wc -l) == ${#SWARM_NODES[@]})); do
    if ((SECONDS >= deadline)); then
        say "not every node is Ready after 60 s:"
        swarm_nodes >&2 || true
        exit 1
    fi
    sleep 0.2
done
say "workers joined, all ${#SWARM_NODES[@]} nodes Ready in $(since "$t0")"

t0=$(now)
[[ -x /bin/busybox ]] || { say "/bin/busybox (busybox-static) is missing"; exit 1; }
applets=(sh ip sleep cat ping ls echo true nsenter)   # nsenter: status reads every VM through one helper
for a in nc wget; do /bin/busybox --list | grep -qx "$a" && applets+=("$a"); done
each_node import_image
say "busybox:latest (applets: ${applets[*]}) on every node in $(since "$t0")"

engines_line >"$SWARM_STATE/engines"
done_ok=1
say "the swarm is up in $(since "$t_all")"
summary
engines_line
