#!/usr/bin/env bash
# Installs what rangectl needs on Debian: as root with apt-get, otherwise it prints the exact
# command to run and stops. Sourced by run.sh and test.sh; safe to run again (installs only what is missing).
set -euo pipefail

DEBIAN_PACKAGES=(libyaml-dev libcurl4-openssl-dev pkg-config graphviz iptables)   # graphviz: dot, for `rangectl graph --format svg|png`; iptables: the policy goldens fed to iptables-restore in a namespace
# Debian's docker-compose (1.29), which the tests of `rangectl export compose` run: `config` in the
# unit suites, `up` and `down` in the end-to-end one. Without its Recommends (docker.io, an engine:
# scripts/engine-up.sh installs and starts engines itself, and only when asked).
NO_RECOMMENDS_PACKAGES=(docker-compose docker-registry)   # docker-registry: the pull tests' loopback registry
PYTHON_MODULES=(jsonschema yaml)   # for the schema test: jsonschema validates manifests/, PyYAML reads them

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=() plain=()
for p in "${DEBIAN_PACKAGES[@]}"; do installed "$p" || missing+=("$p"); done
for p in "${NO_RECOMMENDS_PACKAGES[@]}"; do installed "$p" || plain+=("$p"); done
if ((${#missing[@]} + ${#plain[@]})); then
    if [[ $(id -u) -eq 0 ]]; then
        echo "setup: installing ${missing[*]} ${plain[*]}" >&2
        apt-get update -qq
        if ((${#missing[@]})); then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; fi
        if ((${#plain[@]})); then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${plain[@]}" >/dev/null; fi
    else
        echo "setup: missing Debian packages; run:" >&2
        ((${#missing[@]})) && echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
        ((${#plain[@]})) && echo "  sudo apt-get install -y --no-install-recommends ${plain[*]}" >&2
        exit 1
    fi
fi

if [[ ${RANGECTL_SKIP_PYTHON:-} != 1 ]]; then
    for m in "${PYTHON_MODULES[@]}"; do
        if ! python3 -c "import $m" 2>/dev/null; then
            pkg=$m; [[ $m == yaml ]] && pkg=pyyaml
            echo "setup: installing Python module $pkg" >&2
            python3 -m pip install -q "$pkg" || { echo "setup: run: python3 -m pip install $pkg" >&2; exit 1; }
        fi
    done
fi

if ! command -v swift >/dev/null; then
    echo "setup: Swift 6 is not on PATH; install the Swift 6.x toolchain for Linux and add its usr/bin to PATH" >&2
    exit 1
fi
