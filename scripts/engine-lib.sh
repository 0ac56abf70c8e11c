# shellcheck shell=bash disable=SC2034
# Shared by engine-up.sh and engine-down.sh (sourced, not run): the engines, where each one keeps
# its files, the state files that say which engine these scripts started, and small helpers.
#
# Exactly one engine serves unix:///var/run/docker.sock at a time (they share docker0 and the
# iptables chains). Each has its own data, run state and log:
#   20.10   Debian bookworm's docker.io, installed with apt-get
#   26      Debian trixie's docker.io + containerd (Docker 26.1), from their .deb files
#   28      Debian sid's docker.io + containerd (Docker 28 or newer), from their .deb files
#   podman  Debian bookworm's podman (4.3) with its Docker-compatible API service
# The .deb files of 26 and 28 are unpacked under /var/cache/rangectl-engines/<suite>/root and run
# from there, beside bookworm's runc; the machine's own packages and apt state are not touched.

RANGECTL_ENGINES=(20.10 26 28 podman)
RANGECTL_SOCKET=/var/run/docker.sock
RANGECTL_HOST=unix://$RANGECTL_SOCKET
RANGECTL_STATE_DIR=/run/rangectl
RANGECTL_STATE_ENGINE=$RANGECTL_STATE_DIR/engine
RANGECTL_STATE_PID=$RANGECTL_STATE_DIR/engine.pid
RANGECTL_CACHE=/var/cache/rangectl-engines

# These scripts only ever talk to the local engine, whatever the caller's environment says.
export DOCKER_HOST=$RANGECTL_HOST
unset DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_TLS DOCKER_CERT_PATH

say() { local n=${0##*/}; echo "${n%.sh}: $*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

valid_engine() {
    local e
    for e in "${RANGECTL_ENGINES[@]}"; do [[ $1 == "$e" ]] && return 0; done
    return 1
}

# The Debian suite whose packages an engine runs (none for the machine's own packages).
engine_suite() {
    case $1 in
        26) echo trixie ;;
        28) echo sid ;;
        *) echo "" ;;
    esac
}

engine_data_root() { [[ $1 == podman ]] && echo /var/lib/rangectl-podman || echo "/var/lib/rangectl-docker-$1"; }
engine_exec_root() { [[ $1 == podman ]] && echo /run/rangectl-podman || echo "/run/rangectl-docker-$1"; }
engine_log() { [[ $1 == podman ]] && echo /var/log/rangectl-podman.log || echo "/var/log/rangectl-dockerd-$1.log"; }
engine_pidfile() { echo "$(engine_exec_root "$1").pid"; }

# podman's global options: its own storage, run state and networks, apart from the machine's podman.
podman_globals() {
    local root run
    root=$(engine_data_root podman)
    run=$(engine_exec_root podman)
    echo --root "$root/storage" --runroot "$run/runroot" --tmpdir "$run/tmp" --network-config-dir "$root/networks"
}

# Whether anything answers on the socket (bounded: a dying engine may accept and never reply).
engine_answers() { timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

# "KIND VERSION API" of the engine that answers, e.g. "docker 28.5.2 1.51" or "podman 4.3.1 1.41".
engine_identity() {
    local out version api components
    out=$(timeout 10 docker version --format '{{.Server.Version}}|{{.Server.APIVersion}}|{{range .Server.Components}}{{.Name}};{{end}}' 2>/dev/null) || return 1
    IFS='|' read -r version api components <<<"$out"
    [[ -n $version ]] || return 1
    if [[ $components == *Podman* ]]; then echo "podman $version $api"; else echo "docker $version $api"; fi
}

# Which of our engine names a running engine is, from its identity ("" if none of them).
identity_engine() {
    local kind version major
    read -r kind version _ <<<"$1"
    if [[ $kind == podman ]]; then echo podman; return; fi
    major=${version%%.*}
    if [[ $version == 20.10.* ]]; then echo 20.10
    elif [[ $major == 26 ]]; then echo 26
    elif [[ $major =~ ^[0-9]+$ ]] && ((major >= 28)); then echo 28
    else echo ""
    fi
}

# "Docker 28.5.2 (API 1.51)" or "Podman 4.3.1 (API 1.41)".
identity_text() {
    local kind version api
    read -r kind version api <<<"$1"
    [[ $kind == podman ]] && kind=Podman || kind=Docker
    echo "$kind $version (API $api)"
}

# True when a pid is a live process (a zombie counts as gone).
pid_alive() {
    local state
    [[ $1 =~ ^[0-9]+$ ]] || return 1
    state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
    [[ -n $state && $state != Z && $state != X ]]
}

# True when a pid is alive and its command line contains a given word (guards against a pid that
# was reused by an unrelated process since it was recorded).
pid_runs() {
    pid_alive "$1" || return 1
    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$2"
}

# The word that the command line of an engine we started contains.
engine_marker() { [[ $1 == podman ]] && echo "--root $(engine_data_root podman)/storage" || echo "--exec-root $(engine_exec_root "$1")"; }

# Stops one process by pid: SIGTERM, up to $2 seconds, then SIGKILL and up to 10 s more.
stop_pid() {
    local pid=$1 grace=$2 what=$3 i
    pid_alive "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < grace * 5; i++)); do
        pid_alive "$pid" || return 0
        sleep 0.2
    done
    say "$what (pid $pid) still runs after ${grace} s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        pid_alive "$pid" || return 0
        sleep 0.2
    done
    say "$what (pid $pid) did not go away even after SIGKILL"
    return 1
}

# Serialises engine-up and engine-down (engine-up calls engine-down while holding the lock). Only
# root starts and stops engines; another user can only find one running, and takes no lock.
take_lock() {
    [[ ${RANGECTL_ENGINE_LOCKED:-} == 1 || $(id -u) -ne 0 ]] && return 0
    mkdir -p "$RANGECTL_STATE_DIR"
    exec 9>"$RANGECTL_STATE_DIR/lock"
    if ! flock -w 180 9; then
        say "another engine-up or engine-down has held $RANGECTL_STATE_DIR/lock for 180 s; giving up"
        exit 1
    fi
    export RANGECTL_ENGINE_LOCKED=1
}
