#!/usr/bin/env bash
# Brings up a local Docker engine when none answers: installs Debian's docker.io (as root), starts
# dockerd detached (its log: /var/log/rangectl-dockerd.log), and makes the busybox:latest test image
# from Debian's busybox-static with `docker import` (no registry is needed). Safe to run again.
# Prints "started" on stdout when it started dockerd itself, so a caller can stop it again.
set -euo pipefail

engine_answers() { docker info >/dev/null 2>&1; }

if ! command -v dockerd >/dev/null || ! command -v docker >/dev/null || [[ ! -x /bin/busybox ]]; then
    if [[ $(id -u) -ne 0 ]]; then
        echo "engine-up: run: sudo apt-get install -y docker.io busybox-static" >&2
        exit 1
    fi
    echo "engine-up: installing docker.io and busybox-static" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io busybox-static >/dev/null
fi

if ! engine_answers; then
    if [[ $(id -u) -ne 0 ]]; then
        echo "engine-up: no engine answers and starting dockerd needs root: sudo dockerd &" >&2
        exit 1
    fi
    echo "engine-up: starting dockerd" >&2
    # Detached from our standard streams, so that nothing waiting on them waits for dockerd.
    setsid dockerd >/var/log/rangectl-dockerd.log 2>&1 </dev/null &
    for _ in $(seq 1 120); do
        engine_answers && break
        sleep 0.5
    done
    engine_answers || { echo "engine-up: dockerd did not answer within 60 s; see /var/log/rangectl-dockerd.log" >&2; exit 1; }
    echo started
fi

if ! docker image inspect busybox:latest >/dev/null 2>&1; then
    echo "engine-up: building the busybox:latest test image" >&2
    rootfs=$(mktemp -d)
    mkdir -p "$rootfs/bin"
    cp /bin/busybox "$rootfs/bin/busybox"
    for applet in sh ip sleep cat ping ls echo; do ln -s busybox "$rootfs/bin/$applet"; done
    tar -C "$rootfs" -c . | docker import - busybox:latest >/dev/null
    rm -rf "$rootfs"
fi
