#!/usr/bin/env bash
# Brings up THE local engine at unix:///var/run/docker.sock, so that every client (the docker CLI,
# rangectl, the tests) finds it without DOCKER_HOST, and makes the busybox:latest test image on it
# with `docker import` (no registry is needed). Safe to run again.
#
# Usage: scripts/engine-up.sh [--engine 20.10|26|28|podman]   (default: $RANGECTL_ENGINE, else 20.10)
#
#   20.10   Debian bookworm's docker.io (installed with apt-get)
#   26      Debian trixie's docker.io and containerd (Docker 26.1)  } downloaded once with a private
#   28      Debian sid's docker.io and containerd (Docker 28+)      } package list, unpacked and cached
#   podman  Debian bookworm's podman, serving its Docker-compatible API
#
# On standard output it prints "started" when it started the engine itself (a caller then stops it
# with scripts/engine-down.sh), and nothing otherwise; progress goes to standard error. The engine
# it started is recorded in /run/rangectl/engine and /run/rangectl/engine.pid. When the requested
# engine already answers it is reused; another engine that these scripts started is stopped first;
# an engine that they did not start is left alone, and this fails.
set -euo pipefail
set +m
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=engine-lib.sh
. "$here/engine-lib.sh"

usage() {
    echo "usage: ${0##*/} [--engine 20.10|26|28|podman]   (default: \$RANGECTL_ENGINE, else 20.10)" >&2
    exit "${1:-1}"
}

engine=${RANGECTL_ENGINE:-20.10}
while (($#)); do
    case $1 in
        --engine) (($# >= 2)) || usage; engine=$2; shift 2 ;;
        --engine=*) engine=${1#*=}; shift ;;
        -h | --help) usage 0 ;;
        *) usage ;;
    esac
done
valid_engine "$engine" || { say "unknown engine '$engine' (one of: ${RANGECTL_ENGINE_NAMES[*]})"; exit 1; }

# --- packages from the machine's own suite ------------------------------------------------------

ensure_packages() {
    local wanted=(busybox-static iptables iproute2) missing=() p   # iproute2: the probe tests make network namespaces
    case $engine in
        20.10) wanted+=(docker.io) ;;
        26 | 28) wanted+=(runc iptables tini) ;;   # their own dockerd and containerd come from the cache
        podman) wanted+=(podman) ;;
    esac
    # A docker CLI for the checks here and for the tests; bookworm's docker.io carries one.
    command -v docker >/dev/null || wanted+=(docker.io)
    for p in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    if ! is_root; then
        say "run: sudo apt-get install -y ${missing[*]}"
        exit 1
    fi
    say "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# --- the test image ----------------------------------------------------------------------------

ensure_image() {
    local names
    if ! timeout 30 docker image inspect busybox:latest >/dev/null 2>&1; then
        [[ -x /bin/busybox ]] || ensure_packages
        say "making the busybox:latest test image from Debian's busybox-static"
        import_busybox "$RANGECTL_HOST" sh ip sleep cat ping ls echo true nc timeout nsenter || exit 1   # nsenter: status reads every VM through one helper
    fi
    if ! timeout 30 docker image inspect "$POLICY_HELPER_IMAGE" >/dev/null 2>&1; then
        dpkg-query -W -f='${Status}' iptables 2>/dev/null | grep -q "install ok installed" || ensure_packages
        say "making the $POLICY_HELPER_IMAGE helper image from Debian's busybox-static and iptables"
        import_policy_helper "$RANGECTL_HOST" || exit 1
    fi
    if [[ $engine == podman ]]; then
        names=$(timeout 30 docker images --format '{{.Repository}}:{{.Tag}}' | grep -E '(^|/)busybox:latest$' | paste -sd ' ')
        say "test image on podman: ${names:-none listed}"
    fi
}

# --- starting an engine ------------------------------------------------------------------------

# Starts the engine detached from our standard streams (so that nothing waiting on them waits for
# it), without our lock's descriptor (its containerd and shims would hold the lock for as long as
# they live) and in a session of its own (so that a terminal's signals do not reach it); sets $pid.
start_engine() {
    local data exec log suite root path dockerd extra=()
    data=$(engine_data_root "$engine")
    exec=$(engine_exec_root "$engine")
    log=$(engine_log "$engine")
    mkdir -p "$data" "$exec"
    echo "== $(date -u '+%F %T') engine-up: starting the $engine engine" >>"$log"
    if [[ $engine == podman ]]; then
        ensure_podman_limits
        # shellcheck disable=SC2046
        setsid podman $(podman_globals) system service --time=0 "$RANGECTL_HOST" >>"$log" 2>&1 </dev/null 9>&- &
        pid=$!
        return
    fi
    path=$PATH
    dockerd=/usr/sbin/dockerd
    suite=$(engine_suite "$engine")
    if [[ -n $suite ]]; then
        root=$RANGECTL_CACHE/$suite/root
        # Its dockerd, docker-proxy, containerd and containerd-shim-runc-v2 first; runc is bookworm's.
        path=$root/usr/sbin:$root/usr/bin:$root/usr/libexec/docker:$PATH
        dockerd=$root/usr/sbin/dockerd
        extra+=(--userland-proxy-path "$root/usr/sbin/docker-proxy")
    fi
    # dockerd refuses to start while the pid in its pid file exists, even as a zombie that its
    # parent has not reaped yet (seen after a SIGKILL).
    pid_alive "$(cat "$(engine_pidfile "$engine")" 2>/dev/null)" || rm -f "$(engine_pidfile "$engine")"
    # A configuration file of its own: /etc/docker/daemon.json is meant for the machine's engine.
    [[ -f $data/rangectl-daemon.json ]] || echo '{}' >"$data/rangectl-daemon.json"
    PATH=$path setsid "$dockerd" --config-file "$data/rangectl-daemon.json" --data-root "$data" \
        --exec-root "$exec" --pidfile "$(engine_pidfile "$engine")" -H "$RANGECTL_HOST" "${extra[@]}" \
        >>"$log" 2>&1 </dev/null 9>&- &
    pid=$!
}

# podman 4.3 reads /usr/share/containers/containers.conf, /etc/containers/containers.conf, then
# /etc/containers/containers.conf.d/*.conf: a drop-in of our own leaves the other files alone.
# Its containers fail to start here ("error setting rlimits") on its default limits, and start
# with these.
ensure_podman_limits() {
    local f=/etc/containers/containers.conf.d/50-rangectl-ulimits.conf want
    want=$(printf '%s\n' \
        "# Written by rangectl's scripts/engine-up.sh: podman's containers fail to start on this machine" \
        "# (\"error setting rlimits\") with its default limits, and start with these." \
        "[containers]" \
        'default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]')
    [[ -f $f && $(cat "$f") == "$want" ]] && return 0
    mkdir -p "${f%/*}"
    echo "$want" >"$f"
    say "wrote $f (default_ulimits for podman's containers)"
}

# Waits (60 s at most) for the engine to answer; prints the end of its log when it does not.
wait_for_engine() {
    local log deadline=$((SECONDS + 60))
    log=$(engine_log "$engine")
    until engine_answers; do
        if ! pid_alive "$pid"; then
            say "the $engine engine (pid $pid) exited before it answered; the end of $log:"
            tail -n 40 "$log" >&2
            return 1
        fi
        if ((SECONDS >= deadline)); then
            say "the $engine engine (pid $pid) did not answer within 60 s; the end of $log:"
            tail -n 40 "$log" >&2
            return 1
        fi
        sleep 0.25
    done
}

# --- main --------------------------------------------------------------------------------------

take_lock

if engine_answers; then
    identity=$(engine_identity || true)
    running=$(identity_engine "$identity")
    ours=""
    if [[ -f $RANGECTL_STATE_PID && -f $RANGECTL_STATE_ENGINE ]]; then
        recorded=$(cat "$RANGECTL_STATE_ENGINE")
        valid_engine "$recorded" && pid_runs "$(cat "$RANGECTL_STATE_PID")" "$(engine_marker "$recorded")" && ours=$recorded
    fi
    if [[ -n $running && $running == "$engine" ]]; then
        say "$(identity_text "$identity") at $RANGECTL_HOST (already running$([[ -n $ours ]] && echo ", started by these scripts"))"
        ensure_image
        exit 0
    fi
    if [[ -z $ours ]]; then
        say "another engine answers at $RANGECTL_HOST: $(identity_text "${identity:-unknown ? ?}"), and these scripts did not start it (nothing live is recorded in $RANGECTL_STATE_PID)."
        say "stop it first, or ask for it by name (--engine ${running:-?}); it was left running"
        exit 1
    fi
    say "$(identity_text "$identity") answers (the $ours engine, started by these scripts); stopping it to start $engine"
    bash "$here/engine-down.sh"
elif is_root && [[ -f $RANGECTL_STATE_PID || -f $RANGECTL_STATE_ENGINE ]]; then
    say "the engine recorded in $RANGECTL_STATE_DIR does not answer; cleaning up after it"
    bash "$here/engine-down.sh"
fi

if ! is_root; then
    say "no engine answers at $RANGECTL_HOST (or this user may not use its socket), and starting one needs root: sudo $0 --engine $engine"
    exit 1
fi
ensure_packages
suite=$(engine_suite "$engine")
[[ -z $suite ]] || prepare_suite "$suite"

# A socket file that nothing answers on is left over from an engine that was killed.
if [[ -e $RANGECTL_SOCKET ]]; then
    if [[ -S $RANGECTL_SOCKET ]]; then
        rm -f "$RANGECTL_SOCKET"
    else
        say "$RANGECTL_SOCKET exists and is not a socket; remove it first"
        exit 1
    fi
fi

say "starting the $engine engine (log: $(engine_log "$engine"))"
t0=$(now)
start_engine
mkdir -p "$RANGECTL_STATE_DIR"
echo "$engine" >"$RANGECTL_STATE_ENGINE"
echo "$pid" >"$RANGECTL_STATE_PID"
if ! wait_for_engine; then
    bash "$here/engine-down.sh" || true
    exit 1
fi
# dockerd writes its own pid: trust it over the one the shell saw (they are the same when setsid
# did not have to fork).
pidfile=$(engine_pidfile "$engine")
if [[ $engine != podman && -s $pidfile && $(cat "$pidfile") != "$pid" ]]; then
    pid=$(cat "$pidfile")
    echo "$pid" >"$RANGECTL_STATE_PID"
fi
identity=$(engine_identity || true)
if [[ $(identity_engine "$identity") != "$engine" ]]; then
    say "the engine that answers is $(identity_text "${identity:-unknown ? ?}"), not the $engine engine that was started; stopping it"
    bash "$here/engine-down.sh" || true
    exit 1
fi
say "$(identity_text "$identity") at $RANGECTL_HOST"
say "the $engine engine (pid $pid) answered in $(since "$t0")"
ensure_image
echo started
