# shellcheck shell=bash disable=SC2034
# Shared by swarm-up.sh, swarm-down.sh and swarm-node.sh (sourced, not run): a three-node Docker
# Swarm on this one machine, apart from the main test engine.
#
# Each node is a network namespace rcswN with one veth (eth0, 10.207.0.N/24) on the host bridge
# rcsw0 (10.207.0.254/24), no default route: the nodes reach each other and nothing else. In it
# runs one dockerd of Debian sid's Docker 28 (unpacked by prepare_suite, as for engine-up's 28),
# in a UTS namespace of its own whose host name is the node's name (so the swarm's nodes are n1,
# n2 and n3, not three times this machine's name), with its own data root, exec root, pid file,
# containerd namespaces, configuration file and log, its address pools inside 10.200.0.0/13.
# Its socket is on the host's file system: unix:///run/rangectl-swarm/nN.sock.
# n1 is the manager, n2 and n3 join it as workers.
#
# What these scripts started is recorded in /run/rangectl/swarm: the pid of each dockerd
# (nN.pid), the node table (nodes), the env line for the tests (engines). Nothing of the main
# engine (/run/rangectl/engine*, /var/run/docker.sock) is read or touched, nor its lock.

here=${here:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
# shellcheck source-path=SCRIPTDIR source=engine-lib.sh
. "$here/engine-lib.sh"

# Every docker call here names its node with -H; one that forgot would reach no engine at all
# (engine-lib.sh points DOCKER_HOST at the main engine, which these scripts must never touch).
export DOCKER_HOST=unix:///run/rangectl-swarm/no-such-node.sock

SWARM_NODES=(n1 n2 n3)
SWARM_MANAGER=n1
SWARM_SUITE=sid
SWARM_BRIDGE=rcsw0
SWARM_BRIDGE_ADDR=10.207.0.254/24
SWARM_SUBNET=10.207.0.0/24
SWARM_POOL=10.206.0.0/16           # the swarm's overlay networks (ingress included)
SWARM_LOCAL_POOL=10.205.0.0/16     # each node's local networks (docker_gwbridge included)
SWARM_STATE=/run/rangectl/swarm
SWARM_LOCK=/run/rangectl/swarm.lock
SWARM_DATA=/var/lib/rangectl-swarm
SWARM_EXEC=/run/rangectl-swarm
# The rule that lets the bridged traffic between the namespaces through the host's FORWARD chain
# (its policy is DROP once an engine runs on the host, and br_netfilter sends bridged frames there).
SWARM_FORWARD_RULE=(FORWARD -i "$SWARM_BRIDGE" -o "$SWARM_BRIDGE" -j ACCEPT)

valid_node() {
    local n
    for n in "${SWARM_NODES[@]}"; do [[ $1 == "$n" ]] && return 0; done
    return 1
}
node_index() { echo "${1#n}"; }
node_netns() { echo "rcsw${1#n}"; }
node_addr() { echo "10.207.0.${1#n}"; }
node_veth() { echo "rcsw${1#n}h"; }                  # the host's end; the namespace's end is eth0
node_sock() { echo "$SWARM_EXEC/$1.sock"; }
node_host() { echo "unix://$SWARM_EXEC/$1.sock"; }
node_data() { echo "$SWARM_DATA/$1"; }
node_exec() { echo "$SWARM_EXEC/$1"; }
node_pidfile() { echo "$SWARM_EXEC/$1.pid"; }       # written by dockerd itself
node_log() { echo "/var/log/rangectl-swarm-$1.log"; }
node_state_pid() { echo "$SWARM_STATE/$1.pid"; }    # written by these scripts
# What the command line of a dockerd these scripts started contains (the trailing space keeps n1
# from matching a hypothetical n10).
node_marker() { echo "--exec-root $(node_exec "$1") "; }

node_docker() {
    local n=$1
    shift
    docker -H "$(node_host "$n")" "$@"
}
node_answers() { timeout 10 docker -H "$(node_host "$1")" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

# The pid of the node's dockerd that these scripts started, if it runs (from our state, else from
# its own pid file); nothing otherwise. Either is checked against the command line.
node_pid() {
    local n=$1 p f
    for f in "$(node_state_pid "$n")" "$(node_pidfile "$n")"; do
        p=$(cat "$f" 2>/dev/null) || continue
        if pid_runs "$p" "$(node_marker "$n")"; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

# The env line the tests read: RANGECTL_ENGINES=n1=unix:///run/rangectl-swarm/n1.sock,...
engines_line() {
    local n list=()
    for n in "${SWARM_NODES[@]}"; do list+=("$n=$(node_host "$n")"); done
    local IFS=,
    echo "RANGECTL_ENGINES=${list[*]}"
}

# Starts node $1's dockerd detached (setsid, standard streams to its log, without our lock's
# descriptor), in its own UTS namespace named after the node, in the node's network namespace
# (nsenter --net: `ip netns exec` would remount /sys, and dockerd then fails with "Devices cgroup
# isn't mounted"); sets $pid. unshare, sh and nsenter exec one another, so $pid is dockerd's.
start_node() {
    local n=$1 i root data exec log
    i=$(node_index "$n")
    root=$RANGECTL_CACHE/$SWARM_SUITE/root
    data=$(node_data "$n")
    exec=$(node_exec "$n")
    log=$(node_log "$n")
    mkdir -p "$data" "$exec"
    # Its own (empty) configuration: /etc/docker/daemon.json is meant for the machine's engine.
    [[ -f $data/rangectl-daemon.json ]] || echo '{}' >"$data/rangectl-daemon.json"
    # dockerd refuses to start while the pid in its pid file exists, even as a zombie.
    pid_alive "$(cat "$(node_pidfile "$n")" 2>/dev/null)" || rm -f "$(node_pidfile "$n")"
    echo "== $(date -u '+%F %T') swarm: starting node $n in netns $(node_netns "$n")" >>"$log"
    # shellcheck disable=SC2016
    PATH=$root/usr/sbin:$root/usr/bin:$root/usr/libexec/docker:$PATH setsid \
        unshare --uts sh -c 'echo "$1" >/proc/sys/kernel/hostname && shift && exec "$@"' sh "$n" \
        nsenter --net="/var/run/netns/$(node_netns "$n")" \
        "$root/usr/sbin/dockerd" --config-file "$data/rangectl-daemon.json" \
        --data-root "$data" --exec-root "$exec" --pidfile "$(node_pidfile "$n")" \
        -H "$(node_host "$n")" \
        --containerd-namespace "rcsw$i" --containerd-plugins-namespace "rcsw$i-plugins" \
        --bip "10.204.$i.1/24" --default-address-pool "base=$SWARM_LOCAL_POOL,size=24" \
        --userland-proxy-path "$root/usr/sbin/docker-proxy" \
        >>"$log" 2>&1 </dev/null 8>&- 9>&- &
    pid=$!
    mkdir -p "$SWARM_STATE"
    echo "$pid" >"$(node_state_pid "$n")"
}

# Waits ($2 s at most) for node $1's dockerd (pid $3) to answer; prints the end of its log if not.
wait_node() {
    local n=$1 deadline=$((SECONDS + $2)) p=$3
    until node_answers "$n"; do
        if ! pid_alive "$p"; then
            say "node $n's dockerd (pid $p) exited before it answered; the end of $(node_log "$n"):"
            tail -n 30 "$(node_log "$n")" >&2
            return 1
        fi
        if ((SECONDS >= deadline)); then
            say "node $n's dockerd (pid $p) did not answer within $2 s; the end of $(node_log "$n"):"
            tail -n 30 "$(node_log "$n")" >&2
            return 1
        fi
        sleep 0.2
    done
}

# Stops node $1's dockerd by its pid (SIGTERM, $2 s, then SIGKILL; with $3 = kill at once
# SIGKILL), then by pid whatever it left (its containerd, shims, container processes, all found
# through its exec root). Returns 1 if something would not go.
stop_node() {
    local n=$1 grace=${2:-30} how=${3:-term} p what sig status=0
    if p=$(node_pid "$n"); then
        if [[ $how == kill ]]; then
            say "killing node $n's dockerd (pid $p) with SIGKILL"
            kill -KILL "$p" 2>/dev/null || true
            stop_pid "$p" 1 "node $n's dockerd" || status=1
        else
            say "stopping node $n's dockerd (pid $p)"
            stop_pid "$p" "$grace" "node $n's dockerd" || status=1
        fi
    fi
    # With `kill` what the engine left is what a crash leaves: only a full stop cleans it up.
    [[ $how == kill ]] && return "$status"
    while read -r what p sig; do
        [[ -n $p ]] || continue
        say "stopping node $n's leftover $what (pid $p)"
        if [[ $sig == KILL ]]; then
            kill -KILL "$p" 2>/dev/null || true
        else
            stop_pid "$p" 10 "node $n's $what" || status=1
        fi
    done < <(docker_leftovers "$(node_exec "$n")")
    pid_alive "$(cat "$(node_pidfile "$n")" 2>/dev/null)" || rm -f "$(node_pidfile "$n")"
    return "$status"
}

# Serialises swarm-up, swarm-down and swarm-node (their own lock, not the main engine's).
take_swarm_lock() {
    [[ ${RANGECTL_SWARM_LOCKED:-} == 1 ]] && return 0
    mkdir -p "${SWARM_LOCK%/*}"
    exec 8>"$SWARM_LOCK"
    if ! flock -w 180 8; then
        say "another swarm script has held $SWARM_LOCK for 180 s; giving up"
        exit 1
    fi
    export RANGECTL_SWARM_LOCKED=1
}

require_root() {
    is_root && return 0
    say "the swarm's namespaces, bridge and engines need root: sudo $0${RANGECTL_ARGS:+ $RANGECTL_ARGS}"
    exit 1
}

# The nodes as the manager sees them: "HOSTNAME STATUS AVAILABILITY MANAGER-STATUS" lines.
swarm_nodes() {
    timeout 10 docker -H "$(node_host "$SWARM_MANAGER")" node ls \
        --format '{{.Hostname}} {{.Status}} {{.Availability}} {{if .ManagerStatus}}{{.ManagerStatus}}{{else}}worker{{end}}' 2>/dev/null
}

# The node table written to $SWARM_STATE/nodes and printed by swarm-up.
write_nodes_table() {
    local n role p
    {
        echo "# node netns address socket role pid"
        for n in "${SWARM_NODES[@]}"; do
            role=worker
            [[ $n == "$SWARM_MANAGER" ]] && role=manager
            p=$(cat "$(node_state_pid "$n")" 2>/dev/null || echo -)
            echo "$n $(node_netns "$n") $(node_addr "$n") $(node_host "$n") $role $p"
        done
    } >"$SWARM_STATE/nodes"
}
