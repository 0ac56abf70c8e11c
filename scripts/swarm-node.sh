#!/usr/bin/env bash
# Stops or starts again ONE node's dockerd of the swarm that scripts/swarm-up.sh made, by its pid,
# for tests that need "one node's engine stopped". The node's namespace, data and swarm
# membership stay; started again, the dockerd is the same node (it rejoins by itself).
#
# Usage: scripts/swarm-node.sh stop nN     SIGTERM (SIGKILL after 30 s), then its containerd by pid
#        scripts/swarm-node.sh kill nN     SIGKILL the dockerd only, as a crash (its containerd may live on)
#        scripts/swarm-node.sh start nN    start it again and wait until it answers (a no-op if it runs)
#        scripts/swarm-node.sh status nN   prints "running PID" or "stopped"; exit 0 or 3
set -euo pipefail
set +m
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=swarm-lib.sh
. "$here/swarm-lib.sh"

usage() {
    echo "usage: ${0##*/} stop|kill|start|status n1|n2|n3" >&2
    exit "${1:-1}"
}
[[ ${1:-} == -h || ${1:-} == --help ]] && usage 0
(($# == 2)) || usage
action=$1 n=$2
valid_node "$n" || { say "unknown node '$n' (one of: ${SWARM_NODES[*]})"; exit 1; }

if [[ $action == status ]]; then
    if p=$(node_pid "$n"); then echo "running $p"; exit 0; fi
    echo stopped
    exit 3
fi
RANGECTL_ARGS="$action $n" require_root
take_swarm_lock
if [[ ! -f $SWARM_STATE/nodes || ! -e /run/netns/$(node_netns "$n") ]]; then
    say "no swarm of scripts/swarm-up.sh is up (nothing in $SWARM_STATE); run it first"
    exit 1
fi

t0=$(now)
case $action in
    stop | kill)
        if ! node_pid "$n" >/dev/null; then
            say "node $n's dockerd is not running"
            exit 0
        fi
        how="term"
        [[ $action == kill ]] && how="kill"
        stop_node "$n" 30 "$how"
        say "node $n's dockerd is stopped ($(since "$t0"))"
        ;;
    start)
        if p=$(node_pid "$n"); then
            say "node $n's dockerd already runs (pid $p)"
            exit 0
        fi
        start_node "$n"
        wait_node "$n" 60 "$pid"
        write_nodes_table
        say "node $n's dockerd (pid $pid) answers at $(node_host "$n") ($(since "$t0"))"
        ;;
    *) usage ;;
esac
