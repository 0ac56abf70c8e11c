#!/usr/bin/env bash
# Stops the engine that scripts/engine-up.sh started, as recorded in /run/rangectl/engine.pid: by
# that pid only (SIGTERM, up to 30 s, then SIGKILL), waits until it is gone and the socket no
# longer answers, stops by pid what it leaves behind (its containerd and shims, or podman's
# containers), and removes the state files. Safe to run when nothing is running.
# Usage: scripts/engine-down.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=engine-lib.sh
. "$here/engine-lib.sh"

if [[ ! -f $RANGECTL_STATE_PID && ! -f $RANGECTL_STATE_ENGINE ]]; then
    say "no engine started by these scripts is recorded in $RANGECTL_STATE_DIR; nothing to stop"
    exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
    say "stopping the engine recorded in $RANGECTL_STATE_DIR needs root: sudo $0"
    exit 1
fi
take_lock

engine=$(cat "$RANGECTL_STATE_ENGINE" 2>/dev/null || true)
pid=$(cat "$RANGECTL_STATE_PID" 2>/dev/null || true)
if ! valid_engine "$engine"; then
    say "$RANGECTL_STATE_ENGINE names no known engine ('$engine'); removing the state files"
    rm -f "$RANGECTL_STATE_ENGINE" "$RANGECTL_STATE_PID"
    exit 0
fi
exec_root=$(engine_exec_root "$engine")
status=0

t0=$(now)
if pid_runs "$pid" "$(engine_marker "$engine")"; then
    say "stopping the $engine engine (pid $pid)"
    stop_pid "$pid" 30 "the $engine engine" || status=1
else
    say "the recorded $engine engine (pid ${pid:-none}) is not running"
fi

# The socket must go quiet too (a dying dockerd still serves open connections for a moment).
deadline=$((SECONDS + 15))
while engine_answers; do
    if ((SECONDS >= deadline)); then
        say "an engine still answers at $RANGECTL_HOST after the $engine engine stopped: not one these scripts started"
        status=1
        break
    fi
    sleep 0.2
done
if ((status == 0)) && [[ -S $RANGECTL_SOCKET ]]; then
    rm -f "$RANGECTL_SOCKET"   # left by a killed engine; nothing answers on it
fi

if [[ $engine == podman ]]; then
    # The API service does not own podman's containers (each has its own conmon): stop those
    # still running, as dockerd does with its own when it stops.
    # shellcheck disable=SC2046
    running=$(timeout 30 podman $(podman_globals) ps -q 2>/dev/null || true)
    if [[ -n $running ]]; then
        say "stopping podman containers still running: ${running//$'\n'/ }"
        # shellcheck disable=SC2046,SC2086
        timeout 60 podman $(podman_globals) stop -t 2 $running >/dev/null || status=1
    fi
    # Each `exec` leaves a conmon that lingers 300 s after its session (--exit-delay), even once its
    # container is gone, and ignores SIGTERM: found by our podman's storage in its command line,
    # killed by pid (its session is over).
    storage="--exit-command-arg $(engine_data_root podman)/storage"
    lingering=()
    for p in /proc/[0-9]*; do
        p=${p#/proc/}
        pid_runs "$p" "$storage" && lingering+=("$p")
    done
    if ((${#lingering[@]})); then
        say "stopping ${#lingering[@]} leftover conmon processes of the podman engine (pids ${lingering[*]})"
        kill -KILL "${lingering[@]}" 2>/dev/null || true
    fi
else
    while read -r what p sig; do
        [[ -n $p ]] || continue
        say "stopping the $engine engine's leftover $what (pid $p)"
        if [[ $sig == KILL ]]; then
            kill -KILL "$p" 2>/dev/null || true
        else
            stop_pid "$p" 10 "$what" || status=1
        fi
    done < <(docker_leftovers "$exec_root")
fi

if [[ $engine != podman ]] && ! pid_alive "$(cat "$(engine_pidfile "$engine")" 2>/dev/null)"; then
    rm -f "$(engine_pidfile "$engine")"
fi
rm -f "$RANGECTL_STATE_ENGINE" "$RANGECTL_STATE_PID"
say "the $engine engine is down ($(since "$t0"))"
exit "$status"
