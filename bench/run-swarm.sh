#!/usr/bin/env bash
# The swarm benchmark: Docker 28 as the single engine (scripts/engine-up.sh) and a swarm of three
# Docker 28 engines (scripts/swarm-up.sh), both on this machine; each stopped again afterwards.
# Usage (as root): bench/run-swarm.sh [--vms N] [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product rangectl >/dev/null
bash scripts/engine-up.sh --engine 28 >/dev/null
trap 'bash scripts/swarm-down.sh >/dev/null 2>&1 || true; bash scripts/engine-down.sh >/dev/null 2>&1 || true' EXIT
bash scripts/swarm-up.sh >/dev/null
source scripts/engine-lib.sh
python3 bench/swarm.py --single "$RANGECTL_HOST" --engines "$(sed 's/^RANGECTL_ENGINES=//' /run/rangectl/swarm/engines)" "$@"
