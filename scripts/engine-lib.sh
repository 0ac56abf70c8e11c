# shellcheck shell=bash disable=SC2034
# Shared by engine-up.sh and engine-down.sh, and by the swarm scripts (sourced, not run): the
# engines, where each one keeps its files, the state files that say which engine these scripts
# started, small helpers, the busybox test image, and the unpacking of another suite's packages.
#
# Exactly one engine serves unix:///var/run/docker.sock at a time (they share docker0 and the
# iptables chains). Each has its own data, run state and log:
#   20.10   Debian bookworm's docker.io, installed with apt-get
#   26      Debian trixie's docker.io + containerd (Docker 26.1), from their .deb files
#   28      Debian sid's docker.io + containerd (Docker 28 or newer), from their .deb files
#   podman  Debian bookworm's podman (4.3) with its Docker-compatible API service
# The .deb files of 26 and 28 are unpacked under /var/cache/rangectl-engines/<suite>/root and run
# from there, beside bookworm's runc; the machine's own packages and apt state are not touched.

RANGECTL_ENGINE_NAMES=(20.10 26 28 podman)
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
    for e in "${RANGECTL_ENGINE_NAMES[@]}"; do [[ $1 == "$e" ]] && return 0; done
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

# Processes that a docker engine leaves when it did not stop cleanly (killed, or it outlived the
# grace period), found through its exec-root $1 and so without relying on names: its containerd (pid
# file), the processes of its containers (each bundle's init.pid, checked against the container's
# cgroup) and their shims (whose command line names the exec-root's containerd socket). Printed as
# "WHAT PID SIGNAL", in the order to stop them.
docker_leftovers() {
    local exec_root=$1 f p id
    while IFS= read -r f; do
        p=$(cat "$f" 2>/dev/null) || continue
        id=${f%/init.pid}
        id=${id##*/}
        pid_alive "$p" && grep -qF "$id" "/proc/$p/cgroup" 2>/dev/null && echo "container-${id:0:12} $p KILL"
    done < <(find "$exec_root/containerd" -name init.pid 2>/dev/null)
    for p in /proc/[0-9]*; do
        p=${p#/proc/}
        pid_runs "$p" "-address $exec_root/containerd/containerd.sock" && echo "containerd-shim $p TERM"
    done
    f=$exec_root/containerd/containerd.pid
    if [[ -s $f ]] && pid_runs "$(cat "$f")" "$exec_root"; then
        echo "containerd $(cat "$f") TERM"
    fi
    return 0
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

is_root() { [[ $(id -u) -eq 0 ]]; }

# Makes busybox:latest on the engine at $1 with `docker import` of a root file system holding
# only /bin/busybox (Debian's busybox-static) and a link for each applet named after it; no
# registry is needed. Says why and returns 1 when the import fails.
import_busybox() {
    local host=$1 rootfs applet
    shift
    rootfs=$(mktemp -d)
    mkdir -p "$rootfs/bin"
    cp /bin/busybox "$rootfs/bin/busybox"
    for applet in "$@"; do ln -s busybox "$rootfs/bin/$applet"; done
    if ! tar -C "$rootfs" -c . | timeout 120 docker -H "$host" import - busybox:latest >/dev/null; then
        rm -rf "$rootfs"
        say "docker import of the busybox:latest test image failed"
        return 1
    fi
    rm -rf "$rootfs"
}

# The helper image of the policy tests, POLICY_HELPER_IMAGE: busybox's applets (sh, ip, nc, ping,
# arping, timeout: what setting routes and NAT addresses and probing need) and Debian's iptables (the nft build,
# xtables-nft-multi, as iptables, iptables-restore and iptables-save) with every library it and
# its extensions load, found with ldd. Made with `docker import`: no registry is needed.
POLICY_HELPER_IMAGE=rangectl-policy-helper:test
import_policy_helper() {
    local host=$1 rootfs applet xt f
    rootfs=$(mktemp -d)
    mkdir -p "$rootfs/bin" "$rootfs/usr/sbin"
    cp /bin/busybox "$rootfs/bin/busybox"
    for applet in sh ip nc ping arping timeout sleep cat echo printf grep true netstat usleep nslookup nsenter; do ln -s busybox "$rootfs/bin/$applet"; done
    cp /usr/sbin/xtables-nft-multi "$rootfs/usr/sbin/"
    for applet in iptables iptables-restore iptables-save; do ln -s xtables-nft-multi "$rootfs/usr/sbin/$applet"; done
    xt=$(dirname "$(dpkg -L iptables | grep '/xtables/libxt_conntrack.so$')")
    mkdir -p "$rootfs$xt"
    cp -a "$xt/." "$rootfs$xt/"
    for f in $(ldd /usr/sbin/xtables-nft-multi "$xt"/*.so 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// && $1 !~ /:$/ {print $1}' | sort -u); do
        mkdir -p "$rootfs$(dirname "$f")"
        cp -L "$f" "$rootfs$f"
    done
    if ! tar -C "$rootfs" -c . | timeout 120 docker -H "$host" import - "$POLICY_HELPER_IMAGE" >/dev/null; then
        rm -rf "$rootfs"
        say "docker import of the $POLICY_HELPER_IMAGE helper image failed"
        return 1
    fi
    rm -rf "$rootfs"
}

# --- packages of another suite, unpacked into a cache (26 and 28) --------------------------------

# "URI KEYRING" of the machine's Debian source for its own release, read from its apt sources at
# run time (KEYRING is "-" when the source names none, or names it inline).
machine_source() {
    local codename f=/etc/apt/sources.list.d/debian.sources
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    [[ -n $codename ]] || return 1
    if [[ -f $f ]]; then
        awk -v want="$codename" '
            function flush() {
                if (deb && ok && uri != "" && !found) { print uri, (key ~ /^\// ? key : "-"); found = 1 }
                deb = 0; ok = 0; uri = ""; key = ""
            }
            /^[[:space:]]*#/ { next }
            /^[[:space:]]*$/ { flush(); next }
            tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
            tolower($1) == "uris:" { uri = $2 }
            tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == want) ok = 1 }
            tolower($1) == "signed-by:" { key = $2 }
            END { flush() }' "$f"
    fi | grep . && return 0
    # The one-line format: deb [options] URI SUITE COMPONENTS...
    [[ -f /etc/apt/sources.list ]] || return 1
    awk -v want="$codename" '
        $1 != "deb" { next }
        {
            key = "-"; i = 2
            if ($2 ~ /^\[/) {
                for (; i <= NF; i++) {
                    if ($i ~ /^\[?signed-by=/) { k = $i; sub(/^\[?signed-by=/, "", k); sub(/\]$/, "", k); key = k }
                    if ($i ~ /\]$/) { i++; break }
                }
            }
            if ($(i + 1) == want) { print $i, key; exit }
        }' /etc/apt/sources.list | grep .
}

# Unpacks docker.io and containerd of a Debian suite into $RANGECTL_CACHE/<suite>/root, once.
# Needs root unless already unpacked; $engine (the caller's engine name) is named when it is not.
# shellcheck disable=SC2154
prepare_suite() {
    local suite=$1 dir root t0 uri key keyring opts deb log
    dir=$RANGECTL_CACHE/$suite
    root=$dir/root
    if [[ -f $root/.rangectl-ready ]]; then
        say "using $suite's $(paste -sd ',' "$dir/versions" 2>/dev/null | sed 's/,/, /g') cached in $root"
        return 0
    fi
    is_root || { say "the $engine engine is not unpacked yet, and that needs root (sudo $0 --engine $engine)"; exit 1; }

    if ! read -r uri key < <(machine_source); then
        say "cannot find the machine's Debian source in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list"
        exit 1
    fi
    keyring=$key
    [[ $keyring == - && -f /usr/share/keyrings/debian-archive-keyring.gpg ]] && keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    mkdir -p "$dir/apt/lists/partial" "$dir/apt/cache/archives/partial" "$dir/debs"
    # The same mirror and keyring as the machine's own source, for another suite: a private list,
    # with its own index and cache folders, so that the machine's apt state is not touched.
    if [[ $keyring == - ]]; then
        echo "deb $uri $suite main" >"$dir/apt/sources.list"
    else
        echo "deb [signed-by=$keyring] $uri $suite main" >"$dir/apt/sources.list"
    fi
    opts=(-o "Dir::Etc::SourceList=$dir/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o "Dir::State::Lists=$dir/apt/lists" -o "Dir::Cache=$dir/apt/cache"
        -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
        -o Acquire::Languages=none)

    t0=$(now)
    log=$dir/apt/update.log
    if ! apt-get "${opts[@]}" update >"$log" 2>&1 || grep -qE '^(E:|W: GPG error|W: The repository)' "$log"; then
        cat "$log" >&2
        if grep -qE 'NO_PUBKEY|not signed|EXPKEYSIG|KEYEXPIRED' "$log"; then
            say "the keyring ($keyring; - is apt's own) cannot verify $suite's index (see above): it lacks the key that signs it"
        fi
        say "could not read $suite's package index"
        exit 1
    fi
    say "read $suite's package index in $(since "$t0")"

    t0=$(now)
    rm -f "$dir/debs/"*.deb
    # apt fetches as its own unprivileged user when it can write the target folder.
    id _apt >/dev/null 2>&1 && chown _apt "$dir/debs"
    if ! (cd "$dir/debs" && apt-get "${opts[@]}" download -q docker.io containerd >"$dir/apt/download.log" 2>&1); then
        cat "$dir/apt/download.log" >&2
        say "could not download docker.io and containerd from $suite"
        exit 1
    fi
    say "downloaded $suite's docker.io and containerd ($(du -sh "$dir/debs" | cut -f1)) in $(since "$t0")"

    t0=$(now)
    rm -rf "$root" "$root.partial"
    mkdir -p "$root.partial"
    : >"$dir/versions"
    for deb in "$dir/debs/"*.deb; do
        dpkg -x "$deb" "$root.partial"
        dpkg-deb -f "$deb" Package Version | sed 's/^[^:]*: //' | paste -sd ' ' >>"$dir/versions"
    done
    # docker-init points at sid's and trixie's tini-static, which is not unpacked: use bookworm's.
    if [[ -L $root.partial/usr/bin/docker-init && -x /usr/bin/tini-static ]]; then
        ln -sfn /usr/bin/tini-static "$root.partial/usr/bin/docker-init"
    fi
    touch "$root.partial/.rangectl-ready"
    mv "$root.partial" "$root"
    say "unpacked $(paste -sd ',' "$dir/versions" | sed 's/,/, /g') into $root in $(since "$t0")"
}
